"""A chair's journey in a real browser: sign in, open the dashboard, read the exceptions with their
reasons, open a meeting (made by the secretariat through the services in this module's own
database, over the demo history), record a challenge, an agreed RAG and a decision, then find them
in the decisions log and on the action's page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _need_browser, make_accounts, sign_in

MAKE_MEETING = """
import json
from datetime import date
from plan import meetings
from plan.db import session_scope
from plan.plans import plan_frame
from plan.users import actor_for_email
with session_scope() as session:
    plan = plan_frame(session)
    admin = actor_for_email(session, "secretariat@southend.gov.uk")
    made = meetings.create_meeting(session, user=admin, plan_id=plan.id, held_on=date.today(),
                                   title="Browser challenge session", attendees=["Chris Chair"])
    print(json.dumps({"id": made["id"], "ref": made["items"][0]["ref"]}))
"""


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """This module's database: the seed plan, the usual accounts, the demo history and an open meeting."""
    _need_browser()
    folder = tmp_path_factory.mktemp("chair_app")
    env = {**os.environ, "PLAN_DATABASE_URL": f"sqlite:///{folder / 'plan.db'}", "PLAN_TEST_FOLDER": str(folder)}
    make_accounts(env)
    subprocess.run([sys.executable, "-m", "plan", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    made = subprocess.run([sys.executable, "-c", MAKE_MEETING], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True)
    env["CHAIR_MEETING"] = made.stdout.strip().splitlines()[-1]
    return env


def _settle(tab) -> None:  # noqa: ANN001
    try:
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=1_500)
    except PlaywrightTimeout:
        pass
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def test_a_chair_challenges_an_action_at_a_meeting_and_finds_the_record(page, app_url, app_env) -> None:
    meeting = json.loads(app_env["CHAIR_MEETING"])
    ref = meeting["ref"]
    page.goto(app_url + "/dashboard")
    sign_in(page, "chair")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("The plan as at today"))).to_be_visible()
    page.get_by_role("tab", name="Exceptions").click()
    expect(page.get_by_text(re.compile(r"\d+ actions? need the group's attention"))).to_be_visible()
    panel = page.get_by_role("tabpanel", name="Exceptions")
    expect(panel.get_by_text("Select a row to open its action.")).to_be_visible()
    # each row says why it is there, in words
    expect(panel.get_by_test_id("stDataFrame").filter(
        has_text=re.compile(r"(days overdue|no update|Red|Amber)[^;]*;?"))).to_be_attached()

    page.goto(app_url + f"/meetings?meeting={meeting['id']}")
    expect(page.get_by_role("heading", name=re.compile("Browser challenge session"))).to_be_visible()
    item = page.get_by_test_id("stExpander").filter(has_text=f"{ref}:").first
    expect(item).to_be_visible()
    item.get_by_label("Challenge").fill("Why is the training not yet booked?")
    item.get_by_label("Owner's response").fill("Budget sign-off came late")
    item.get_by_label("Decision").fill("Escalate to the board chair")
    item.get_by_role("combobox", name="Agreed RAG").click()
    page.get_by_role("option", name="Red", exact=True).click()
    item.get_by_text("These notes hold no personal data about individuals").click()
    item.get_by_role("button", name="Save the record").click()
    _settle(page)
    expect(page.get_by_text(f"Record for {ref} saved.")).to_be_visible()

    page.get_by_role("button", name="All meetings").click()
    _settle(page)
    page.get_by_role("tab", name="Decisions log").click()
    page.get_by_label("Only the action with ref").fill(ref)
    page.get_by_label("Only the action with ref").press("Enter")
    _settle(page)
    log = page.get_by_role("tabpanel", name="Decisions log").get_by_test_id("stDataFrame")
    expect(log.filter(has_text=re.compile(r"Red\s*Escalate to the board chair"))).to_be_attached()

    page.goto(app_url + f"/action_detail?ref={ref}")
    section = page.get_by_test_id("stExpander").filter(has_text="Meetings and decisions")
    expect(section).to_be_visible()
    expect(section).to_contain_text("Owner's RAG:")
    expect(section).to_contain_text("Agreed at the meeting of")
    expect(section.locator("span", has_text="Red").last).to_be_visible()
    expect(section.get_by_test_id("stDataFrame").filter(has_text="Escalate to the board chair")).to_be_attached()


def test_the_chair_pages_with_data_have_no_serious_accessibility_violations(page, app_url, app_env) -> None:
    """axe over the dashboard (every tab), an open meeting as the secretariat sees it (every form) and
    an action with a decision, on this module's demo history: the shared check sees them only empty."""
    from tests.browser.test_accessibility import check_page, settle

    def content_only(where: str) -> list[str]:
        # the menu is the same on every page and checked by tests/browser/test_accessibility.py: here, the pages
        settle(page)
        page.evaluate("document.querySelector('[data-testid=stSidebarNav]')?.remove()")
        return check_page(page, where)

    meeting = json.loads(app_env["CHAIR_MEETING"])
    page.goto(app_url + "/dashboard")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    found = content_only("Dashboard")
    page.goto(app_url + f"/meetings?meeting={meeting['id']}")
    expect(page.get_by_role("heading", name=re.compile("Browser challenge session"))).to_be_visible()
    found += content_only("Meeting")
    page.goto(app_url + "/meetings")
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    found += content_only("Meetings list")
    page.goto(app_url + f"/action_detail?ref={meeting['ref']}")
    expect(page.get_by_test_id("stExpander").filter(has_text="Meetings and decisions")).to_be_visible()
    found += content_only("Action detail with decisions")
    assert not found, f"{len(found)} serious or critical accessibility violations:\n" + "\n".join(found)
