"""Every page of the built book within its weight budget, for a reader's first visit.

scripts/weigh.py does the weighing (a fresh browser context, the whole page scrolled through,
every file counted once at its gzip -9 size) and holds the budgets: an explorer page at most
1.2 MB, any other page at most 0.5 MB. The visits are the session's ``first_visits``
(conftest.py), which tests/browser/test_console.py reads too. The table is printed
(``pytest -s``), with the time to the first explorer plot, which is reported and never asserted:
it depends on the machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import weigh  # the weighing script: the same functions and budgets

pytestmark = pytest.mark.browser


def test_every_page_is_within_its_budget(first_visits, browser, base_url):
    weights = list(first_visits.values())
    for weight in weights:
        if weight.explorer:
            weight.first_plot_ms = weigh.time_to_first_plot(browser, base_url, weight.page)
    print("\n" + weigh.table(weights, files=False))
    assert sum(w.explorer for w in weights) >= 5, "the explorer pages were not recognised"
    problems = [w.problem for w in weights if w.problem]
    assert not problems, "python scripts/weigh.py --files says why:\n" + "\n".join(problems)
