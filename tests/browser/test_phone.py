"""On a phone (390 x 844, as an iPhone 12-15 or a Pixel shows pages): an owner signs in, reaches My actions
and the update form, never scrolling the page sideways, and the menu closes once a page is chosen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

WIDTH, HEIGHT = 390, 844
# Streamlit closes its sidebar after a page is chosen when the browser says it is a phone (by its user
# agent), as every phone browser does; a desktop window made narrow keeps it open until a tap outside it.
PHONE = {
    "viewport": {"width": WIDTH, "height": HEIGHT}, "device_scale_factor": 3, "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/155.0.0.0 Mobile Safari/537.36",
}

# How far the page is wider than the screen. Streamlit scrolls its main area (stMain) itself, so
# content too wide shows there, not on document.scrollingElement: both are measured.
OVERFLOW = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  return {page: document.scrollingElement.scrollWidth - window.innerWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0};
}"""


@pytest.fixture
def phone(page: Any) -> Iterator[Any]:
    """A tab in a phone-sized browser context of the same browser as `page`."""
    context = page.context.browser.new_context(**PHONE)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def settled(tab: Any) -> None:
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    tab.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')")


def assert_no_sideways_scroll(tab: Any, where: str) -> None:
    overflow = tab.evaluate(OVERFLOW)
    assert overflow == {"page": 0, "main": 0}, f"{where}: wider than the {WIDTH} px screen by {overflow} px"


def assert_across_the_screen(tab: Any, locator: Any, what: str) -> None:
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{what} is not on screen: {box}"


def test_an_owner_reaches_my_actions_and_the_update_form_on_a_phone(phone, app_url) -> None:
    phone.goto(app_url)
    sign_in(phone, "owner")
    settled(phone)
    sidebar = phone.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # a phone starts with the menu closed
    assert_no_sideways_scroll(phone, "Overview")

    phone.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    phone.get_by_role("link", name="My actions").click()
    expect(phone.get_by_role("heading", name="My actions")).to_be_visible()
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # the menu got out of the way
    settled(phone)
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0, "the sidebar still covers the page"
    assert_no_sideways_scroll(phone, "My actions")

    commentary = phone.get_by_label("Progress commentary")
    commentary.scroll_into_view_if_needed()
    expect(commentary).to_be_visible()
    assert_across_the_screen(phone, commentary, "Progress commentary")
    save = phone.get_by_role("button", name="Save update")
    save.scroll_into_view_if_needed()
    expect(save).to_be_visible()
    assert_across_the_screen(phone, save, "Save update")
    assert_no_sideways_scroll(phone, "the update form")
