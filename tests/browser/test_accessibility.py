"""Accessibility of the built book, in Chromium, offline.

- axe-core (pinned in package-lock.json, read from node_modules/ and injected into the page: no
  CDN) finds no serious or critical WCAG 2 A/AA violation on any page, in the light theme or in
  the dark one, once every explorer has drawn (and redrawn in the theme being checked: the
  explorers' text and controls take the book's palette). Every violation, of any impact, is
  written to test-artifacts/axe.json.
- Every explorer control is reachable with Tab, shows a focus ring, and moves with the keyboard.
- Every page has one search field (sphinx-book-theme 1.2 and newer add a second one above the page).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 level A and AA, as axe tags its rules; a violation of these impacts fails the test.
AXE_TAGS = ["wcag2a", "wcag2aa"]
FAILING_IMPACTS = {"serious", "critical"}
# A control, as the reader's keyboard meets it in an explorer's row of controls.
CONTROLS = '[role="slider"], select, input, button'

# Starts axe on the page without waiting for it, so that two pages (two browser processes) are
# checked at once; _AXE_RESULT then waits for the result.
_START_AXE = """(tags) => {
  const only = {type: 'tag', values: tags};
  window.snnAxe = axe.run(document, {runOnly: only, resultTypes: ['violations']}).then((r) =>
    r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
    })));
}"""
_AXE_RESULT = "() => window.snnAxe"

_SET_THEME = """(theme) => {
  document.documentElement.dataset.theme = theme;
  document.documentElement.dataset.mode = theme;
}"""

# The visible search fields outside the page's own content (search.html has its own box too).
_SEARCH_FIELDS = """() => [...document.querySelectorAll(
    'input[type="search"], .search-button-field, form.bd-search')]
  .filter((e) => !e.closest('main, article, .bd-article'))
  .filter((e) => !e.parentElement.closest('input[type="search"], .search-button-field, form'))
  .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .map((e) => e.outerHTML.slice(0, 120))"""


def book_pages(book_html: Path) -> list[str]:
    return sorted(
        p.relative_to(book_html).as_posix()
        for p in book_html.rglob("*.html")
        if not p.relative_to(book_html).as_posix().startswith(("_static/", "_sources/"))
    )


def has_widgets(book_html: Path, page: str) -> bool:
    return "application/vnd.jupyter.widget-state+json" in (book_html / page).read_text()


# Every explorer on the page has drawn (view.js sets data-layout at its first drawing), so that
# axe sees each explorer's text in the colours of the theme it is checking.
_DRAWN = """() => [...document.querySelectorAll('.snn-explorer-box')]
  .every((box) => box.querySelector('.snn-explorer[data-layout]'))"""


def open_page(watched, book_html: Path, page: str) -> None:
    """Load ``page`` and wait until what axe should see is there: every explorer drawn, with its
    controls."""
    watched.goto(page)
    watched.page.wait_for_load_state("networkidle")
    if has_widgets(book_html, page):
        watched.page.locator(".snn-explorer").first.wait_for(state="visible")
        watched.page.locator(f".snn-explorer-box {CONTROLS}").first.wait_for(state="attached")
        watched.page.wait_for_function(_DRAWN)


@pytest.fixture(scope="module")
def survey(book_html, browser, base_url) -> dict[str, dict]:
    """Every page, loaded once: its search fields, and axe's violations in each theme (written to
    test-artifacts/axe.json)."""
    from conftest import WatchedPage

    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make does)"
    axe = AXE.read_text()
    tabs = [WatchedPage(browser, base_url) for _ in range(2)]  # two processes: two pages at once
    pages, found = book_pages(book_html), {}
    for pair in (pages[i : i + 2] for i in range(0, len(pages), 2)):
        for tab, page in zip(tabs, pair, strict=False):
            open_page(tab, book_html, page)
            found[page] = {"search fields": tab.page.evaluate(_SEARCH_FIELDS)}
            tab.page.add_script_tag(content=axe)  # from node_modules: nothing is fetched
        for theme in ("light", "dark"):
            for tab, _ in zip(tabs, pair, strict=False):
                tab.page.evaluate(_SET_THEME, theme)
                tab.page.wait_for_timeout(50)  # the explorers redraw in the new theme
                tab.page.evaluate(_START_AXE, AXE_TAGS)
            for tab, page in zip(tabs, pair, strict=False):
                found[page][theme] = tab.page.evaluate(_AXE_RESULT)
    for tab in tabs:
        tab.context.close()
        tab.assert_clean()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    return found


def test_axe_finds_no_serious_violation_on_any_page_in_either_theme(survey):
    failures = [
        f"{page} ({theme}): {v['id']} ({v['impact']}): {v['help']}: {v['nodes'][:5]}"
        for page, found in survey.items()
        for theme in ("light", "dark")
        for v in found[theme]
        if v["impact"] in FAILING_IMPACTS
    ]
    assert not failures, "\n".join(failures)


def test_every_page_has_one_search_field(survey):
    wrong = {page: found["search fields"] for page, found in survey.items()}
    wrong = {page: fields for page, fields in wrong.items() if len(fields) != 1}
    assert not wrong, wrong


_FOCUS = """(controls) => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.closest('.snn-explorer-box');
  return {
    box: box ? [...document.querySelectorAll('.snn-explorer-box')].indexOf(box) : -1,
    control: box && e.matches(controls) ? [...box.querySelectorAll(controls)].indexOf(e) : -1,
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== 'none',
    value: e.getAttribute('aria-valuetext') ?? e.getAttribute('aria-valuenow') ?? e.value ?? null,
    checked: e.checked ?? null,
    pressed: e.getAttribute('aria-pressed'),
  };
}"""


def _move(page, control: dict) -> None:
    """The key that changes a control of this kind."""
    kind = control["kind"]
    if kind == "slider":
        page.keyboard.press("ArrowRight" if control["value"] != control["max"] else "ArrowLeft")
    elif kind == "select":
        page.keyboard.press("ArrowDown" if control["index"] < control["options"] - 1 else "ArrowUp")
    else:
        page.keyboard.press("Space")


_DESCRIBE = """(box, controls) => [...box.querySelectorAll(controls)].map((e) => ({
  kind: e.type === 'range' || e.getAttribute('role') === 'slider' ? 'slider'
    : e.tagName.toLowerCase(),
  value: e.getAttribute('aria-valuenow') ?? e.value, max: e.getAttribute('aria-valuemax') ?? e.max,
  index: e.selectedIndex ?? 0, options: e.options ? e.options.length : 0,
  toggle: e.closest('.snn-toggles') !== null,
}))"""


def test_every_explorer_control_is_reachable_visible_and_operable_by_keyboard(book_html, watched):
    pages = [page for page in book_pages(book_html) if has_widgets(book_html, page)]
    assert pages, "no page of the book has an explorer"
    problems, moved = [], 0
    for page in pages:
        open_page(watched, book_html, page)
        boxes = watched.page.locator(".snn-explorer-box")
        for b in range(boxes.count()):
            box = boxes.nth(b)
            box.evaluate("element => element.scrollIntoView({block: 'center'})")
            controls = box.evaluate(_DESCRIBE, CONTROLS)
            assert controls, f"{page}: explorer {b} has no control"
            # Tab from the element just before the box's first control, as a reader would.
            box.locator(CONTROLS).first.focus()
            watched.page.keyboard.press("Shift+Tab")
            reached = set()
            for _ in range(4 * len(controls) + 4):
                watched.page.keyboard.press("Tab")
                focus = watched.page.evaluate(_FOCUS, CONTROLS)
                if focus["box"] != b and reached:
                    break  # left the box
                if focus["box"] != b or focus["control"] < 0:
                    continue
                index = focus["control"]
                reached.add(index)
                name = f"{page}: explorer {b}, control {index} ({controls[index]['kind']})"
                if not focus["ring"]:
                    problems.append(f"{name}: no visible focus ring")
                before = (focus["value"], focus["checked"], focus["pressed"])
                _move(watched.page, controls[index])
                after = watched.page.evaluate(_FOCUS, CONTROLS)
                # Choosing the toggle button that is already chosen changes nothing, rightly.
                chosen = controls[index]["toggle"] and focus["pressed"] == "true"
                if (after["value"], after["checked"], after["pressed"]) == before and not chosen:
                    problems.append(f"{name}: its key changed nothing")
                moved += 1
                if controls[index]["kind"] == "button":
                    watched.page.keyboard.press("Space")  # a Play button: stop it again
            missed = sorted(set(range(len(controls))) - reached)
            if missed:
                problems.append(f"{page}: explorer {b}: controls {missed} not reached with Tab")
            box.screenshot(path=str(_artifact(f"keyboard_{page.replace('/', '_')}_{b}.png")))
    assert moved and not problems, "\n".join(problems)
    watched.assert_clean()


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
