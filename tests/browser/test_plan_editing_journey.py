"""The secretariat keeps the plan current in a real browser: add a mid-year action (2.4a, the next
free ref after 2.4), edit it, retire another with a reason (the Actions list no longer shows it, its
page says it is retired, when and why), reassign an action and see it on the new owner's My actions;
and axe-core over the two new pages."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

RETIRED_TITLE = "Education on violence, exploitation and county lines for children and young people"


def _settle(tab) -> None:  # noqa: ANN001
    try:
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=1_500)
    except PlaywrightTimeout:
        pass
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def _choose(tab, scope, label: str, option) -> None:  # noqa: ANN001
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.click()
    wanted = tab.get_by_role("option", name=option).first
    try:
        wanted.wait_for(timeout=3_000)
    except PlaywrightTimeout:  # a box at the window's bottom edge can take the click as focus only
        box.press("ArrowDown")
    wanted.click()
    _settle(tab)


def test_the_secretariat_adds_edits_and_retires_actions_and_reassigns_one(page, app_url) -> None:
    page.goto(app_url + "/edit_plan")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Edit the plan")).to_be_visible()

    page.get_by_role("tab", name="Add an action").click()
    add = page.get_by_role("tabpanel", name="Add an action")
    _choose(page, add, "It follows action", re.compile(r"^2\.4 –"))
    expect(add.get_by_text("The next free ref after 2.4 is 2.4a.")).to_be_visible()
    expect(add.get_by_label("Ref", exact=True)).to_have_value("2.4a")
    add.get_by_label("Title", exact=True).fill("Mid-year: parents' evenings on exploitation")
    _choose(page, add, "Theme", "Prevent")
    add.get_by_role("button", name="Add the action").click()
    _settle(page)
    expect(page.get_by_text("2.4a added to the plan.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"ref=2\.4a"))

    page.get_by_role("tab", name="Edit the action").click()
    edit = page.get_by_role("tabpanel", name="Edit the action")
    expect(edit.get_by_label("Title", exact=True)).to_have_value("Mid-year: parents' evenings on exploitation")
    edit.get_by_label("Title", exact=True).fill("Parents' evenings on exploitation, one per locality")
    edit.get_by_role("button", name="Save the action").click()
    _settle(page)
    expect(page.get_by_text("2.4a saved: title changed.")).to_be_visible()

    page.goto(app_url + "/edit_plan?ref=2.2")
    page.get_by_role("tab", name="Close or retire").click()
    retire = page.get_by_role("tabpanel", name="Close or retire")
    retire.get_by_label("Why it is retired").fill("Merged into 2.1 at the March meeting")
    retire.get_by_role("button", name="Retire the action").click()
    _settle(page)
    expect(page.get_by_text(re.compile(r"2\.2 is retired\."))).to_be_visible()

    page.goto(app_url + "/actions")
    main = page.get_by_test_id("stMain")
    search = page.get_by_label("Search ref, title or description")
    search.fill("Education on violence, exploitation")
    search.press("Enter")
    _settle(page)
    expect(main).to_contain_text("No actions match these filters.")
    search.fill("one per locality")
    search.press("Enter")
    _settle(page)
    expect(main).to_contain_text("1 action matches.")

    page.goto(app_url + "/action_detail?ref=2.2")
    expect(page.get_by_text(f"Retired on {date.today():%d %b %Y}: this action is no longer in the plan.",
                            exact=False)).to_be_visible()
    expect(page.get_by_text("Merged into 2.1 at the March meeting").first).to_be_visible()
    expect(page.get_by_role("heading", name="Changes to the plan")).to_be_visible()

    page.goto(app_url + "/owners?ref=1.1")
    page.get_by_role("tab", name="Reassign an action").click()
    one = page.get_by_role("tabpanel", name="Reassign an action")
    expect(one.get_by_label("Action ref (e.g. 2.4a)")).to_have_value("1.1")
    _choose(page, one, "New owner", re.compile(r"Olu Owner"))
    one.get_by_role("button", name="Reassign the action").click()
    _settle(page)
    expect(page.get_by_text(re.compile(r"1\.1 is now owned by Olu Owner"))).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.goto(app_url + "/my_actions")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    sign_in(page, "owner")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text("1.1")


def test_the_secretariat_closes_and_moves_actions_and_hands_a_leavers_actions_on(page, app_url) -> None:
    page.goto(app_url + "/edit_plan?ref=1.6")
    sign_in(page, "admin")
    page.get_by_role("tab", name="Close or retire").click()
    panel = page.get_by_role("tabpanel", name="Close or retire")
    _choose(page, panel, "RAG it closes with", "Amber")
    panel.get_by_label("Why it is closed").fill("Superseded by the county plan")
    panel.get_by_role("button", name="Close the action").click()
    _settle(page)
    expect(page.get_by_text("1.6 is closed.")).to_be_visible()
    page.get_by_role("tab", name="Move").click()
    move = page.get_by_role("tabpanel", name="Move")
    _choose(page, move, "Move to theme", "Protect")
    _choose(page, move, "Objective (under that theme)", re.compile(r"^3A –"))
    move.get_by_role("button", name="Move the action").click()
    _settle(page)
    expect(page.get_by_text("1.6 moved to Protect, objective 3A.")).to_be_visible()

    page.goto(app_url + "/owners")
    page.get_by_role("tab", name="Mark someone as left").click()
    left = page.get_by_role("tabpanel", name="Mark someone as left")
    _choose(page, left, "Person", re.compile(r"Olu Owner"))
    left.get_by_role("spinbutton", name="day, Left their post on").click()
    page.keyboard.type(f"{date.today():%d%m%Y}")  # day, month, year: each field moves on to the next
    page.keyboard.press("Escape")  # close the calendar the click opened
    left.get_by_role("button", name="Save").click()
    _settle(page)
    expect(page.get_by_text(re.compile(r"Olu Owner: left on"))).to_be_visible()
    orphans = page.get_by_test_id("stDataFrame").first
    expect(orphans).to_contain_text("The owner left on")
    page.get_by_role("tab", name="Reassign all of a leaver's actions").click()
    leaver = page.get_by_role("tabpanel", name="Reassign all of a leaver's actions")
    expect(leaver.get_by_role("combobox", name="Whose actions", exact=True)).to_have_value(re.compile("Olu Owner"))
    _choose(page, leaver, "Give them all to", re.compile(r"Sam Secretariat"))
    leaver.get_by_role("button", name="Reassign all their actions").click()
    _settle(page)
    expect(page.get_by_text(re.compile(r"actions? moved to Sam Secretariat"))).to_be_visible()


def test_the_new_pages_have_no_serious_accessibility_violations(page, app_url) -> None:
    from tests.browser.test_accessibility import check_page, settle

    def content_only(where: str) -> list[str]:
        # the menu is checked by tests/browser/test_accessibility.py on every page: here, the pages
        settle(page)
        page.evaluate("document.querySelector('[data-testid=stSidebarNav]')?.remove()")
        return check_page(page, where)

    page.goto(app_url + "/edit_plan?ref=1.2")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Edit the plan")).to_be_visible()
    found = content_only("Edit the plan")
    page.goto(app_url + "/owners")
    expect(page.get_by_role("heading", name="Owners and agencies")).to_be_visible()
    found += content_only("Owners and agencies (admin)")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.goto(app_url + "/owners")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    sign_in(page, "chair")
    expect(page.get_by_role("heading", name="Owners and agencies")).to_be_visible()
    found += content_only("Owners and agencies (chair)")
    assert not found, f"{len(found)} serious or critical accessibility violations:\n" + "\n".join(found)
