"""Next year's plan keeps its history (issue 21, item 5): the carried RAG and status start the new
plan's history (its Overview, Dashboard and board paper agree), the baseline due date stays (a
slip is not forgotten), and open follow-ups come along. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from models import Action, FollowUp, StatusUpdate
from plan import meetings, reports
from plan.actions import rag_counts
from plan.db import session_scope
from plan.due_dates import decide, request_revision, slippage
from plan.exports.paper.context import PaperContext
from plan.maintenance import plans as plan_service
from plan.updates import record_update

TODAY = date.today()


def _new_plan(seeded, people):  # noqa: ANN001, ANN202
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        for ref, rag in (("1.1", "green"), ("2.1", "amber"), ("3.5", "red")):
            record_update(session, user=admin, plan_id=p, ref=ref, rag=rag, delivery_status="in_progress",
                          commentary=f"{ref} is {rag}")
        due = session.exec(select(Action.current_due_date).where(Action.plan_id == p, Action.ref == "3.5")).one()
        asked = request_revision(session, user=admin, plan_id=p, ref="3.5", new_date=due + timedelta(days=59),
                                 reason="Data-sharing agreement late")
        decide(session, user=admin, plan_id=p, request_id=asked.id, approve=True)
    with session_scope() as session:
        made = meetings.create_meeting(session, user=admin, plan_id=p, held_on=TODAY, round_id=None,
                                       attendees=["Chris Chair"])
        meetings.add_follow_up(session, user=admin, plan_id=p, meeting_id=made["id"], ref="3.5",
                               text="Chase the data-sharing agreement", owner_name="Essex Police",
                               due=TODAY + timedelta(days=30))
        meetings.add_follow_up(session, user=admin, plan_id=p, meeting_id=made["id"], ref="2.1",
                               text="Already done", owner_name="SBC", due=TODAY + timedelta(days=30))
    with session_scope() as session:
        done = [f for f in meetings.follow_ups(session, user=admin, plan_id=p) if f["ref"] == "2.1"][0]
        meetings.complete_follow_up(session, user=admin, plan_id=p, follow_up_id=done["id"])
    with session_scope() as session:
        return plan_service.refresh_plan(session, user=admin, plan_id=p, new_slug="southend-vv-2027",
                                         new_name="V&V Local Action Plan 2027-28", start_date=TODAY)


def test_the_new_plans_overview_dashboard_and_paper_agree_on_the_carried_rags(seeded, people) -> None:
    before = _history_of(seeded.id)
    new = _new_plan(seeded, people)
    admin = people["admin"]
    with session_scope() as session:
        counts = rag_counts(session, plan_id=new.plan_id)
        overview = {rag: sum(r["count"] for r in counts if r["rag"] == rag)
                    for rag in ("red", "amber", "green", "not_assessed")}
        tiles = reports.headline(session, user=admin, plan_id=new.plan_id)
        rows = {r["ref"]: r for r in reports.drill(session, user=admin, plan_id=new.plan_id)[0]}
        paper = PaperContext(session, admin, new.plan_id, None, None, None, lambda *_: None)
        paper.read()
        history = session.exec(select(StatusUpdate).join(Action, Action.id == StatusUpdate.action_id)
                               .where(Action.plan_id == new.plan_id, Action.ref == "3.5")).all()
    assert (overview["red"], overview["amber"], overview["green"]) == (1, 1, 1)
    assert {k: tiles[k] for k in ("red", "amber", "green", "not_assessed")} == overview
    assert {k: paper.headline[k] for k in overview} == overview
    assert rows["3.5"]["rag_label"] == "Red" and rows["1.1"]["rag_label"] == "Green"
    assert len(history) == 1 and history[0].rag == "red"
    assert history[0].commentary.startswith("Carried forward from ") and "3.5 is red" in history[0].commentary
    assert _history_of(seeded.id) == before + 3  # last year's history: only the three updates made here


def test_the_baseline_stays_and_the_slip_is_remembered(seeded, people) -> None:
    new = _new_plan(seeded, people)
    with session_scope() as session:
        old = session.exec(select(Action).where(Action.plan_id == seeded.id, Action.ref == "3.5")).one()
        carried = session.exec(select(Action).where(Action.plan_id == new.plan_id, Action.ref == "3.5")).one()
        assert carried.baseline_due_date == old.baseline_due_date
        assert carried.current_due_date == old.current_due_date
        assert slippage(session, action_id=carried.id) == {"times": 1, "days": 59}
        row = next(r for r in reports.drill(session, user=people["admin"], plan_id=new.plan_id)[0]
                   if r["ref"] == "3.5")
    assert row["due"] == old.current_due_date and row["due_moves"] == 1


def test_open_follow_ups_come_along_and_last_years_stay(seeded, people) -> None:
    new = _new_plan(seeded, people)
    admin = people["admin"]
    with session_scope() as session:
        ahead = meetings.follow_ups(session, user=admin, plan_id=new.plan_id)
        behind = meetings.follow_ups(session, user=admin, plan_id=seeded.id, open_only=False)
        assert len(session.exec(select(FollowUp)).all()) == 3
    assert [(f["ref"], f["text"]) for f in ahead] == [("3.5", "Chase the data-sharing agreement")]
    assert sorted((f["ref"], f["done"]) for f in behind) == [("2.1", True), ("3.5", False)]
    with session_scope() as session:  # done in the new plan, it is done there (last year's stays as it was)
        meetings.complete_follow_up(session, user=admin, plan_id=new.plan_id, follow_up_id=ahead[0]["id"])
        assert meetings.follow_ups(session, user=admin, plan_id=new.plan_id) == []
        assert len(meetings.follow_ups(session, user=admin, plan_id=seeded.id)) == 1


def _history_of(plan_id: int) -> int:
    with session_scope() as session:
        return len(session.exec(select(StatusUpdate).join(Action, Action.id == StatusUpdate.action_id)
                                .where(Action.plan_id == plan_id)).all())
