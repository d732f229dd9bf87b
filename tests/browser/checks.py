"""check_page: the accessibility checklist of shared/UX.md, measured in a real browser.

Every problem found on a page is collected and reported together, with the element it concerns,
so that one run shows everything there is to fix."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21aa", "wcag22aa")
MIN_TEXT_PX = 18  # elder-mode body text (MIIT 2021): body, inputs and every other text
MIN_LINE_HEIGHT = 1.5
MIN_TARGET_PX = 44
MIN_MAIN_ACTION_PX = 60
PHONE_REFLOW_WIDTH = 320  # WCAG 1.4.10: no sideways scrolling at 320 CSS px
ZOOM = 2  # 200 % zoom of a desktop window is the same layout as half its width
CHECKS_JS = (Path(__file__).with_name("checks.js")).read_text(encoding="utf-8")


def axe_script() -> str:
    """The axe-core build bundled with the axe-playwright-python package."""
    from axe_playwright_python.base import AXE_SCRIPT

    return str(AXE_SCRIPT)


def _in_page(page: Page, check: str, argument: Any = None) -> list[str]:
    """Run one of the functions of checks.js in the page."""
    return list(page.evaluate(f"(argument) => ({CHECKS_JS}).{check}(argument)", argument))


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core with the WCAG 2.2 AA tags; return its violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        list(AXE_TAGS),
    )
    return list(result["violations"])


def format_axe(violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(
            f"axe {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl'].split('?')[0]}>"
        )
        for node in violation["nodes"][:6]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {' '.join(map(str, node['target']))}: {summary[:300]}")
        if len(violation["nodes"]) > 6:
            lines.append(f"    ... and {len(violation['nodes']) - 6} more")
    return lines


def _reflow_problems(page: Page) -> list[str]:
    """No sideways scrolling at this width, and none at 320 px (phone) or 200 % zoom (desktop)."""
    problems = [f"{m}" for m in _in_page(page, "reflow")]
    size = page.viewport_size
    assert size is not None
    if size["width"] <= 480:
        zoomed = {"width": PHONE_REFLOW_WIDTH, "height": size["height"]}
        label = f"at {PHONE_REFLOW_WIDTH} px"
    else:
        zoomed = {"width": size["width"] // ZOOM, "height": size["height"] // ZOOM}
        label = f"at {ZOOM * 100} % zoom ({zoomed['width']} px)"
    page.set_viewport_size(zoomed)
    try:
        problems += [f"{label}: {m}" for m in _in_page(page, "reflow")]
    finally:
        page.set_viewport_size(size)
    return problems


def _keyboard_problems(page: Page) -> list[str]:
    """The skip link is the first stop of the Tab key and works; focus is always visible."""
    problems: list[str] = []
    # Start the Tab order from the top of the document, as after loading the page.
    page.evaluate(
        "() => { const h = document.documentElement; h.tabIndex = -1;"
        " h.focus({preventScroll: true}); h.removeAttribute('tabindex'); }"
    )
    page.keyboard.press("Tab")
    first = page.evaluate(
        """() => {
          const el = document.activeElement;
          const r = el.getBoundingClientRect();
          const s = getComputedStyle(el);
          return {tag: el.tagName, cls: el.className, href: el.getAttribute('href'),
                  text: (el.innerText || '').trim(), top: r.top, left: r.left,
                  height: r.height, width: r.width, visible: el.matches(':focus-visible'),
                  outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
        }"""
    )
    if first["tag"] != "A" or "skip-link" not in first["cls"] or first["href"] != "#main":
        problems.append(
            f"the first Tab stop is {first['tag'].lower()} {first['cls']!r} {first['text']!r},"
            " not the skip link to #main"
        )
    else:
        if not first["text"]:
            problems.append("the skip link has no text")
        if first["left"] < 0 or first["top"] < 0 or first["height"] < MIN_TARGET_PX:
            problems.append(
                f"the focused skip link is not fully on screen or too small: {json.dumps(first)}"
            )
        if not (first["visible"] and first["outline"]):
            problems.append("the focused skip link shows no focus outline")
        page.keyboard.press("Enter")
        landed = page.evaluate("() => document.activeElement.id")
        if landed != "main":
            problems.append(f"the skip link moved focus to {landed!r}, not to <main id=main>")
        page.evaluate("() => history.replaceState(null, '', location.pathname + location.search)")
    problems += _in_page(page, "focus")
    return problems


def _grouped(problems: list[str], keep: int = 3) -> list[str]:
    """Show the first few problems of each kind (the same message but for the quoted text)."""
    kinds: dict[str, list[str]] = {}
    for problem in problems:
        kinds.setdefault(re.sub(r'"[^"]*"', '""', problem), []).append(problem)
    shown: list[str] = []
    for same in kinds.values():
        shown += same[:keep]
        if len(same) > keep:
            shown.append(f"... and {len(same) - keep} more like the one above")
    return shown


def check_page(page: Page, *, lang: str | None = None, screenshot: str | None = None) -> None:
    """Assert that *page* meets shared/UX.md; optionally save a screenshot under screenshots/.

    Checks: lang and title; text, input and line sizes; target sizes and the main action; no
    sideways scrolling and nothing cut off at this width, at 320 px (phone) or at 200 % zoom
    (desktop); the skip link is the first Tab stop and moves focus to <main>; every control shows
    a focus ring with 3:1 contrast; axe-core (wcag2a, wcag2aa, wcag21aa, wcag22aa) finds nothing.
    The page is left as it was (same size, same address, nothing focused)."""
    page.wait_for_load_state("load")
    problems: list[str] = []
    actual_lang = page.evaluate("() => document.documentElement.lang")
    if lang is not None and actual_lang != lang:
        problems.append(f'<html lang="{actual_lang}">, expected {lang}')
    problems += _in_page(
        page,
        "measure",
        {
            "minText": MIN_TEXT_PX,
            "minLineHeight": MIN_LINE_HEIGHT,
            "minTarget": MIN_TARGET_PX,
            "minMainAction": MIN_MAIN_ACTION_PX,
        },
    )
    problems += format_axe(run_axe(page))
    if screenshot:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=True)
    problems += _reflow_problems(page)
    problems += _keyboard_problems(page)
    if problems:
        problems = _grouped(problems)
        size = page.viewport_size or {}
        where = f"{page.url} ({actual_lang}, {size.get('width')}×{size.get('height')})"
        raise AssertionError(
            f"{where} fails {len(problems)} checks:\n" + "\n".join(f"  - {p}" for p in problems)
        )
