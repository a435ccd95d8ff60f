"""axe-core on every page each role has, and on sign-in: no serious or critical violation.

axe checks what the browser shows (colour contrast, names and roles of controls, labels, landmarks...).
Every expander and every tab is opened first, so the RAG legend's badges and the forms inside are
checked too. Charts and tables drawn on a canvas are out of its reach: tests/unit/test_rag_colours.py
checks their colours.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

FAILING = {"serious", "critical"}

# (rule id, CSS target) -> why we cannot fix it. Empty: every violation found so far was ours to fix.
# Add an entry only for Streamlit's own markup that no theme, CSS or way of calling a widget can change.
EXCLUDED: dict[tuple[str, str], str] = {}


def settle(tab: Any, started_within: int = 1_500) -> None:
    """Wait for the script run a click started to finish and for every element to be drawn."""
    try:
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=started_within)
    except PlaywrightTimeout:
        pass  # the run was over before we looked
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    tab.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')")
    tab.evaluate("document.fonts.ready")


def open_everything(tab: Any) -> None:
    """Open every closed expander on show, so what is inside (the RAG legend, forms) is checked too."""
    closed = tab.locator("[data-testid='stExpander'] details:not([open]) > summary >> visible=true")
    for _ in range(50):
        if not closed.count():
            return
        summary = closed.first.element_handle()
        summary.click()
        # Opened, or drawn afresh by the rerun a lazy expander starts (which may draw more of them).
        tab.wait_for_function("s => !s.isConnected || s.parentElement.open", arg=summary)
        settle(tab, started_within=150)  # most expanders start no run; a lazy one starts it at once
    raise AssertionError("expanders kept closing again")


def serious_violations(tab: Any, where: str) -> list[str]:
    """axe's serious and critical violations on what `tab` shows now, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            if (violation["id"], target) in EXCLUDED:
                continue
            summary = " ".join(node.get("failureSummary", "").split())
            found.append(f"{where}: {violation['id']} ({violation['impact']}) at {target}: {summary}")
    return found


def check_page(tab: Any, where: str) -> list[str]:
    """The page as it opens, then each of its tabs in turn."""
    open_everything(tab)
    found = serious_violations(tab, where)
    tabs = tab.get_by_role("tab")
    for index in range(1, tabs.count()):
        name = tabs.nth(index).inner_text().strip()
        tabs.nth(index).click()
        expect(tabs.nth(index)).to_have_attribute("aria-selected", "true")
        settle(tab, started_within=500)  # a lazy tab runs the page again to draw what it holds
        open_everything(tab)
        found += serious_violations(tab, f"{where} (tab {name})")
    return found


def test_the_sign_in_page_has_no_serious_accessibility_violations(page, app_url) -> None:
    page.goto(app_url)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    settle(page)
    found = check_page(page, "signed out / sign in")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("role", ["admin", "chair", "owner"])
def test_every_page_of_each_role_has_no_serious_accessibility_violations(page, app_url, role) -> None:
    page.goto(app_url)
    sign_in(page, role)
    settle(page)
    navigation = page.get_by_test_id("stSidebarNav")
    names = [link.inner_text().strip() for link in navigation.get_by_role("link").all()]
    assert len(names) >= 3, f"{role} sees only these pages: {names}"
    found = []
    for name in names:
        link = navigation.get_by_role("link", name=name, exact=True)
        link.click()
        expect(link).to_have_attribute("aria-current", "page")
        settle(page)
        found += check_page(page, f"{role} / {name}")
    # and one action open (reached by its link, as a list or an e-mail gives it): badge, history, forms
    detail = navigation.get_by_role("link", name="Action detail", exact=True).get_attribute("href")
    page.goto(f"{detail}?ref=3.5")
    expect(page.get_by_role("heading", name="3.5", exact=False).first).to_be_visible()
    settle(page)
    found += check_page(page, f"{role} / Action detail 3.5")
    assert not found, f"{len(found)} serious or critical accessibility violations:\n" + "\n".join(found)
