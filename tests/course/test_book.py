"""course.book: the helpers that decide which digits the book prints."""

from __future__ import annotations

import math

from IPython.display import Markdown

from course.book import fmt, rounded, show_source, table
from scratchnn import Linear


def test_fmt_keeps_significant_digits_and_spells_out_the_rest():
    assert fmt(3.14159265) == "3.142"
    assert fmt(-0.000123456) == "−0.0001235"
    assert fmt(-0.0) == "0"
    assert fmt(1e-20, 2) == "1e−20"
    assert fmt(math.inf) == "∞" and fmt(-math.inf) == "−∞" and fmt(math.nan) == "nan"


def test_rounded_keeps_exactly_the_digits_asked_for():
    assert rounded(1.2345678, 3) == 1.23
    assert rounded(123456.7, 2) == 120000.0
    assert math.isinf(rounded(math.inf)) and math.isnan(rounded(math.nan))
    # Two values that differ only in rounding noise glue the same number.
    assert rounded(0.1 + 0.2) == rounded(0.3)


def test_table_is_markdown_with_one_row_per_item():
    shown = table(["a", "b"], [(1, "x"), (2, "y")])
    assert isinstance(shown, Markdown)
    assert shown.data.splitlines() == ["| a | b |", "| --- | --- |", "| 1 | x |", "| 2 | y |"]


def test_show_source_is_the_installed_code():
    shown = show_source(Linear.forward)
    assert shown.data.startswith("```python\ndef forward(self")
    assert "torch.addmm" in shown.data or "addmm" in shown.data
