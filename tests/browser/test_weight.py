"""Every page of the built book within its weight budget, for a reader's first visit.

scripts/weigh.py does the weighing (a fresh browser context, the whole page scrolled through,
every file counted once at its gzip -9 size) and holds the budgets: an explorer page at most
1.2 MB, any other page at most 0.5 MB. The table is printed (``pytest -s``), with the time to
the first explorer plot, which is reported and never asserted: it depends on the machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import weigh  # the weighing script: the same functions and budgets

pytestmark = pytest.mark.browser


def test_every_page_is_within_its_budget(browser, base_url, book_html):
    weights = []
    for page in weigh.pages(book_html):
        weight = weigh.weigh(browser, base_url, book_html, page)
        if weight.explorer:
            weight.first_plot_ms = weigh.time_to_first_plot(browser, base_url, page)
        weights.append(weight)
    print("\n" + weigh.table(weights, files=False))
    assert sum(w.explorer for w in weights) >= 5, "the explorer pages were not recognised"
    problems = [w.problem for w in weights if w.problem]
    assert not problems, "python scripts/weigh.py --files says why:\n" + "\n".join(problems)
