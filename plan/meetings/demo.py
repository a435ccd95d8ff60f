"""Labelled demo data for the chair's view: a closed update round for each finished reporting
period of the demo history (at most two), frozen from the history as the round would have
frozen it, and a past meeting that reviewed the latest, with a few challenges, agreed RAGs,
decisions and follow-ups, closed. Deterministic (random.Random(42)); added once."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, exists, insert, literal
from sqlmodel import Session, select

from models import Action, Meeting, Plan, RoundSnapshot, StatusUpdate, UpdateRound
from plan.identity import Actor
from plan.meetings.meetings import close_meeting, create_meeting
from plan.meetings.record import add_follow_up, record_discussion
from plan.periods import period_start
from plan.permissions import require
from plan.reports.asof import end_of, state
from plan.rounds import next_period

LABEL = "[Demo data]"
ROUNDS = 2
ATTENDEES = [f"{LABEL} Chair, Southend-on-Sea Borough Council", f"{LABEL} Detective Inspector, Essex Police",
             f"{LABEL} Head of Safeguarding, Southend University Hospital", f"{LABEL} V&V Coordinator",
             f"{LABEL} Plan secretariat"]
CHALLENGES = [
    ("What is stopping this, and what would unblock it before the next meeting?",
     "The partner's sign-off is the blocker; a meeting is booked with their lead officer."),
    ("The date has moved before: how confident are we in the new one?",
     "Reasonably: the remaining steps are in our own hands now."),
    ("Green for two quarters with no evidence attached: what shows it is on track?",
     "Figures are with the secretariat; the next update will link them."),
]
DECISIONS = [
    "The chair will write to the partner's lead officer; the owner reports back at the next meeting.",
    "Keep under review; escalate to the Community Safety Partnership if the date moves again.",
    "Agreed as Amber until evidence is attached.",
]


def _finished_periods(session: Session, plan: Plan, now: datetime) -> list[str]:
    """Periods of the demo history that have ended, the latest ROUNDS of them."""
    periods = sorted(set(session.exec(select(StatusUpdate.period).join(Action, Action.id == StatusUpdate.action_id)
                                      .where(Action.plan_id == plan.id, StatusUpdate.is_demo.is_(True),
                                             StatusUpdate.period != "")).all()), key=period_start)
    return [p for p in periods if period_start(next_period(p)) <= now.date()][-ROUNDS:]


def _close_demo_round(session: Session, plan_id: int, period: str) -> UpdateRound:
    last_day = period_start(next_period(period)) - timedelta(days=1)
    rnd = UpdateRound(plan_id=plan_id, period=period, deadline=last_day - timedelta(days=7),
                      opened_at=datetime.combine(last_day - timedelta(days=21), time(9), tzinfo=UTC),
                      opened_by=f"{LABEL} secretariat",
                      closed_at=end_of(last_day) - timedelta(minutes=1), closed_by=f"{LABEL} secretariat")
    session.add(rnd)
    session.flush()
    s = state(session, plan_id=plan_id, day=last_day)
    updated = exists().where(StatusUpdate.action_id == Action.id, StatusUpdate.period == period,
                             StatusUpdate.created_at < s.end)
    rows = session.exec(s.select(Action.id, s.rag, s.status, s.due, s.update_id,
                                 case((updated, literal(True)), else_=literal(False)))).all()
    if rows:
        session.execute(insert(RoundSnapshot), [
            {"round_id": rnd.id, "action_id": a, "rag": rag, "delivery_status": status, "current_due_date": due,
             "status_update_id": update_id, "updated_in_round": bool(done)}
            for a, rag, status, due, update_id, done in rows])
    return rnd


def add_meeting_demo(session: Session, *, user: Actor, plan_id: int, today: datetime | None = None) -> dict[str, Any]:
    """Closed rounds for finished periods of the demo history (none twice) and one past meeting
    (once). Returns {"rounds": n, "meetings": n, "decisions": n, "follow_ups": n}."""
    require(user, "demo.add")
    plan = session.get(Plan, plan_id)
    assert plan is not None
    now = today or datetime.now(UTC)
    rng = random.Random(42)
    added = {"rounds": 0, "meetings": 0, "decisions": 0, "follow_ups": 0}
    held = set(session.exec(select(UpdateRound.period).where(UpdateRound.plan_id == plan_id)).all())
    for period in _finished_periods(session, plan, now):
        if period not in held:
            _close_demo_round(session, plan_id, period)
            added["rounds"] += 1
    latest = session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id, UpdateRound.closed_at.is_not(None),
                                                    UpdateRound.opened_by == f"{LABEL} secretariat")
                          .order_by(UpdateRound.closed_at.desc())).first()
    has_meeting = session.exec(select(Meeting.id).where(Meeting.plan_id == plan_id, Meeting.is_demo.is_(True))).first()
    if latest is None or latest.closed_at is None or has_meeting is not None:
        return added
    held_on: date = min(latest.closed_at.date() + timedelta(days=8), now.date())
    meeting = create_meeting(session, user=user, plan_id=plan_id, held_on=held_on, round_id=latest.id,
                             title=f"{LABEL} Strategic group: support and challenge, {held_on:%d %B %Y}",
                             attendees=ATTENDEES, today=now.date(), max_items=12, is_demo=True)
    added["meetings"] = 1
    for n, item in enumerate(meeting["items"][:3]):
        challenge, response = CHALLENGES[n]
        proposed = item["seen"]["rag"]
        agreed = {"green": "amber", "amber": "amber", "red": "red"}.get(proposed, rng.choice(["amber", "green"]))
        record_discussion(session, user=user, plan_id=plan_id, meeting_id=meeting["id"], item_id=item["id"],
                          challenge=f"{LABEL} {challenge}", response=f"{LABEL} {response}", agreed_rag=agreed,
                          decision=f"{LABEL} {DECISIONS[n]}")
        added["decisions"] += 1
        if n < 2:
            add_follow_up(session, user=user, plan_id=plan_id, meeting_id=meeting["id"], item_id=item["id"],
                          text=f"{LABEL} Report back on progress against the agreed next step.",
                          due=held_on + timedelta(days=rng.randint(28, 56)), owner_name="V&V Coordinator")
            added["follow_ups"] += 1
    close_meeting(session, user=user, plan_id=plan_id, meeting_id=meeting["id"])
    return added
