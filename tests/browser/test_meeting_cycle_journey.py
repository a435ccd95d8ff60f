"""Two meetings a round apart, in a real browser. The first (made through the services in this
module's own database) reviewed the Q1 round, recorded a challenge on 3.5 and closed; then the plan
moved on: 1.2 went Red, 2.3 was renamed, the Q2 round closed. The secretariat creates the second
meeting on the page (it reviews the newer round: 1.2 is on its agenda as Red), then downloads the
first meeting's board paper (still what that meeting saw: 2.3's old title, 1.2 Amber) and its
minutes (the challenge, the agreed RAG, the decision, the follow-up)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _need_browser, download, make_accounts, sign_in

FIRST_MEETING = """
import json
from datetime import date, timedelta
from plan import meetings, rounds
from plan.db import session_scope
from plan.maintenance.actions import edit_action
from plan.plans import plan_frame
from plan.updates import record_update
from plan.users import actor_for_email

def update(session, user, plan_id, ref, rag, **texts):
    record_update(session, user=user, plan_id=plan_id, ref=ref, rag=rag, delivery_status="in_progress",
                  commentary=texts.pop("commentary", f"{ref} is {rag}"), **texts)

with session_scope() as session:
    plan = plan_frame(session)
    admin = actor_for_email(session, "secretariat@southend.gov.uk")
    title_then = next(a for a in __import__("plan.actions", fromlist=["x"]).action_choices(
        session, user=admin, plan_id=plan.id) if a[0] == "2.3")[1]
    rounds.open_round(session, user=admin, plan_id=plan.id, period="2026-Q2", deadline=date.today())
    update(session, admin, plan.id, "1.2", "amber")
    update(session, admin, plan.id, "3.5", "red", support_asked="Ask of the group: unblock the agreement")
with session_scope() as session:
    rounds.close_round(session, user=admin, plan_id=plan.id)
with session_scope() as session:
    first = meetings.create_meeting(session, user=admin, plan_id=plan.id, held_on=date.today(),
                                    title="First support and challenge", attendees=["Chris Chair"])
    item = next(i for i in first["items"] if i["ref"] == "3.5")
    meetings.record_discussion(session, user=admin, plan_id=plan.id, meeting_id=first["id"], item_id=item["id"],
                               challenge="Why is the data-sharing agreement not signed?",
                               response="The ICB lead is on leave", agreed_rag="red",
                               decision="The chair writes to the ICB")
    meetings.add_follow_up(session, user=admin, plan_id=plan.id, meeting_id=first["id"], ref="3.5",
                           text="Report the ICB's answer", due=date.today() + timedelta(days=14),
                           owner_name="V&V lead")
with session_scope() as session:
    meetings.close_meeting(session, user=admin, plan_id=plan.id, meeting_id=first["id"])
with session_scope() as session:  # the plan moves on
    rounds.open_round(session, user=admin, plan_id=plan.id, period="2026-Q3", deadline=date.today())
    update(session, admin, plan.id, "1.2", "red", commentary="Funding withdrawn")
    edit_action(session, user=admin, plan_id=plan.id, ref="2.3", changes={"title": "Renamed after the first meeting"})
with session_scope() as session:
    rounds.close_round(session, user=admin, plan_id=plan.id)
print(json.dumps({"first": first["id"], "title_then": title_then}))
"""


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    _need_browser()
    folder = tmp_path_factory.mktemp("cycle_app")
    env = {**os.environ, "PLAN_DATABASE_URL": f"sqlite:///{folder / 'plan.db'}", "PLAN_TEST_FOLDER": str(folder)}
    make_accounts(env)
    made = subprocess.run([sys.executable, "-c", FIRST_MEETING], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True)
    env["CYCLE"] = made.stdout.strip().splitlines()[-1]
    return env


def _cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    return [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]


def test_two_meetings_a_round_apart(browser, app_url, app_env) -> None:  # noqa: ANN001
    cycle = json.loads(app_env["CYCLE"])
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url + "/meetings")
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    # the second meeting reviews the newer round, which froze 1.2 Red
    reviews = page.get_by_role("combobox", name="The meeting reviews")
    expect(reviews).to_have_value(re.compile(r"^The Q2 2026/27 \(July to September 2026\) round, closed "))
    page.get_by_label("Title").fill("Second support and challenge")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name=re.compile("Second support and challenge"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"Reviews the Q2 2026/27 \(July to September 2026\) round"))).to_be_visible()
    item = page.get_by_test_id("stExpander").filter(has_text="1.2: ")
    expect(item.first).to_be_visible()
    item.first.click()
    expect(item.first).to_contain_text("Red")

    # the first meeting's paper is what it saw, whatever happened since
    page.goto(app_url + f"/board_paper?meeting={cycle['first']}")
    expect(page.get_by_role("heading", name="Board paper")).to_be_visible()
    page.get_by_role("button", name="Prepare board paper").click()
    content = download(page, re.compile(r"^Download OFFICIAL-SENSITIVE board-paper .*\.xlsx$")).read_bytes()
    cells = _cells(content)
    assert cycle["title_then"] in cells and "Renamed after the first meeting" not in cells
    paper = load_workbook(io.BytesIO(content))
    prepare = {r[0]: r for r in paper["Prepare"].iter_rows(min_row=6, values_only=True) if r[0]}
    assert prepare["1.2"][5] == "Amber"  # Red only after the meeting

    # and its minutes hold what was recorded
    page.goto(app_url + f"/meetings?meeting={cycle['first']}")
    expect(page.get_by_role("heading", name=re.compile("First support and challenge"))).to_be_visible()
    page.get_by_role("button", name="Prepare the minutes").click()
    minutes = _cells(download(page, re.compile(r"^Download OFFICIAL-SENSITIVE minutes ")).read_bytes())
    for words in ("Why is the data-sharing agreement not signed?", "The ICB lead is on leave",
                  "The chair writes to the ICB", "Report the ICB's answer"):
        assert words in minutes
    context.close()
