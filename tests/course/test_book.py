"""course.book: the helpers that decide which digits the book prints."""

from __future__ import annotations

import math

import pytest
from IPython.display import Markdown

from course import book
from course.book import MARGIN, fmt, glue_number, has_margin, round_significant, show_source, table
from scratchnn import Linear


def test_fmt_keeps_significant_digits_and_spells_out_the_rest():
    assert fmt(3.14159265) == "3.142"
    assert fmt(-0.000123456) == "−0.0001235"
    assert fmt(-0.0) == "0"
    assert fmt(1e-20, 2) == "1e−20"
    assert fmt(math.inf) == "∞" and fmt(-math.inf) == "−∞" and fmt(math.nan) == "nan"


def test_rounded_keeps_exactly_the_digits_asked_for():
    assert round_significant(1.2345678, 3) == 1.23
    assert round_significant(123456.7, 2) == 120000.0
    assert math.isinf(round_significant(math.inf)) and math.isnan(round_significant(math.nan))
    # Two values that differ only in rounding noise glue the same number.
    assert round_significant(0.1 + 0.2) == round_significant(0.3)


def test_table_is_markdown_with_one_row_per_item():
    shown = table(["a", "b"], [(1, "x"), (2, "y")])
    assert isinstance(shown, Markdown)
    assert shown.data.splitlines() == ["| a | b |", "| --- | --- |", "| 1 | x |", "| 2 | y |"]


def test_show_source_is_the_installed_code():
    shown = show_source(Linear._forward)
    assert shown.data.startswith("```python\ndef _forward(self")
    assert "torch.addmm" in shown.data or "addmm" in shown.data


def test_has_margin_tells_stable_digits_from_a_rounding_boundary():
    assert has_margin(0.12345, 3)  # shown as 0.123, far from 0.1235 either way
    assert not has_margin(2.5, 1)  # 2.5 sits between 2 and 3
    assert not has_margin(0.1235, 3)  # between 0.123 and 0.124: a 1e-9 change flips the text
    assert has_margin(0.1235, 4)  # shown as 0.1235 it has room either way
    assert has_margin(0.0, 3) and has_margin(math.inf, 3) and has_margin(math.nan, 3)
    # The default margin is MARGIN; a smaller one lets values closer to a boundary through.
    near = 0.1235 * (1 + 1e-11)
    assert not has_margin(near, 3) and has_margin(near, 3, rel=1e-12)
    assert MARGIN == 1e-9


def test_fmt_checks_the_margin_only_when_asked():
    assert fmt(0.1235, 3) in ("0.123", "0.124")  # unchecked: the old behaviour
    assert fmt(0.12345, 3, check_margin=True) == "0.123"
    with pytest.raises(ValueError, match="rounding boundary"):
        fmt(0.1235, 3, check_margin=True)
    with pytest.raises(ValueError):
        fmt(-2.5, 1, check_margin=True)


def test_glue_number_checks_the_margin_before_gluing(monkeypatch):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, value, display: glued.update({name: value}))
    glue_number("a", 0.123456789, 3, check_margin=True)
    glue_number("b", 0.1235, 3)  # unchecked: glued whatever it rounds to
    glue_number("c", 12345, 2, check_margin=True)  # ints are exact: glued as they are
    assert glued == {"a": 0.123, "b": book.round_significant(0.1235, 3), "c": 12345}
    with pytest.raises(ValueError, match="'d'"):
        glue_number("d", 0.1235, 3, check_margin=True)
    assert "d" not in glued
