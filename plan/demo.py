"""Demo data for exploring the app and for scale tests. Always labelled as demo data.

Deterministic (random.Random(42)), so the same command gives the same history. The seed's own
actions get their updates through the same service owners use; synthetic actions for scale
are written in bulk, with each action's current RAG set from its own last update in the same
transaction.

History falls within the plan's life: up to four reporting periods, none before the plan's
start date (nor before the action's own start), none in the future. A plan that has not
started yet gets no history.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, func, insert, update
from sqlmodel import Session, select

from models import Action, ActionBoard, Agency, Board, Measure, MeasureValue, Plan, StatusUpdate, Theme
from plan import audit
from plan.identity import Actor
from plan.measures import periods as measure_periods
from plan.periods import period_for, period_start, previous_periods
from plan.permissions import require
from plan.refs import sort_key
from plan.updates import record_update
from plan.vocab import DeliveryStatus, Rag

DEMO_LABEL = "[Demo data]"
PERIODS = 4

_PROGRESS = [
    "Partners met and agreed the approach; next step is sign-off at the strategic group.",
    "Work is under way with all named partners; first outputs shared with the V&V Coordinator.",
    "Draft completed and circulated for comment; comments due before the next meeting.",
    "Delivery on schedule; figures for the period submitted to the secretariat.",
    "Milestone reached this period; evaluation planned for next quarter.",
]
_PROBLEMS = [
    "Delayed: the lead officer post was vacant for six weeks.",
    "Data-sharing agreement not yet signed by one partner, which holds up the next step.",
    "Capacity in the team is stretched by other priorities; timescale at risk.",
    "Funding for the next phase not yet confirmed.",
]
_ASKS = [
    "Ask of the group: help to unblock sign-off of the information-sharing agreement.",
    "Ask of the group: agree which board leads on this work.",
    "",
]


def add_demo(session: Session, *, user: Actor, plan_id: int, actions: int = 0,
             today: datetime | None = None, meetings: bool | None = None) -> dict[str, int]:
    """Add demo history to the plan's actions that have none, and `actions` synthetic actions.

    Returns counts of what was added. Only the secretariat may add demo data. `meetings`: also
    closed rounds and a past meeting for the chair's view (plan.meetings.demo); by default only
    when `today` is not given (the command line), so callers that pin the date keep their counts.
    """
    require(user, "demo.add")
    plan = session.get(Plan, plan_id)
    assert plan is not None
    now = today or datetime.now(UTC)
    rng = random.Random(42)
    cycle = plan.reporting_cycle
    added = {"actions": 0, "updates": 0, "measure_values": 0}

    if actions:
        added["actions"] = _add_synthetic_actions(session, plan_id, actions, rng, plan.start_date)
        added["updates"] += _bulk_history(session, plan_id, cycle, plan.start_date, rng, now)
    have_history = select(StatusUpdate.action_id)
    quiet = session.exec(select(Action).where(Action.plan_id == plan_id, Action.is_demo.is_(False),
                                              Action.id.not_in(have_history))
                         .order_by(Action.ref_sort)).all()
    for action in quiet:
        start = life_start(plan.start_date, action.start_date)
        added["updates"] += _history_through_service(session, user, plan_id, action.ref,
                                                     life_periods(cycle, start, now), start, rng, now)
    added["measure_values"] = _measure_values(session, plan_id, plan.start_date, rng, now)
    if meetings if meetings is not None else today is None:
        from plan.meetings.demo import add_meeting_demo  # the chair's view (issue 8)

        added.update(add_meeting_demo(session, user=user, plan_id=plan_id, today=now))
    audit.record(session, actor=user, event="demo.add", plan_id=plan_id, entity="plan", entity_key=plan.slug,
                 after=added, detail="labelled demo data")
    return added


def life_start(*starts: date | None) -> date | None:
    """When history may begin: the latest of the plan's and the action's start dates."""
    known = [s for s in starts if s is not None]
    return max(known) if known else None


def life_periods(cycle: str, start: date | None, now: datetime) -> list[str]:
    """Up to PERIODS reporting periods ending with the current one, none before the period
    that holds `start`; none at all when `start` has not come yet."""
    periods = previous_periods(now.date(), cycle, PERIODS)
    if start is None:
        return periods
    if _first_moment(start) > now - timedelta(hours=1):
        return []
    first = period_start(period_for(start, cycle))
    return [p for p in periods if period_start(p) >= first]


def _first_moment(start: date | None) -> datetime:
    return datetime.combine(start or date.min, time(9), tzinfo=UTC)


def _walk(rng: random.Random, periods: list[str], now: datetime,
          start: date | None = None) -> list[tuple[str, datetime, Rag, DeliveryStatus]]:
    """A plausible RAG path over the periods: mostly steady, sometimes slipping, some finishing.
    Each update falls in its period, not before `start` and not after `now`."""
    rag = rng.choices([Rag.GREEN, Rag.AMBER, Rag.RED], weights=[6, 3, 1])[0]
    steps = []
    for index, period in enumerate(periods):
        begin = datetime.combine(period_start(period), time(9), tzinfo=UTC)
        at = min(begin + timedelta(days=rng.randint(5, 60), minutes=rng.randint(0, 600)), now - timedelta(hours=1))
        if index + 1 < len(periods):  # a month is shorter than 60 days: stay inside the period
            at = min(at, datetime.combine(period_start(periods[index + 1]), time(0), tzinfo=UTC) - timedelta(hours=1))
        at = max(at, _first_moment(start))
        if index:
            rag = rng.choices([rag, Rag.GREEN, Rag.AMBER, Rag.RED], weights=[6, 2, 2, 1])[0]
        status = DeliveryStatus.IN_PROGRESS
        if index == len(periods) - 1 and rng.random() < 0.12:
            rag, status = Rag.BLUE, DeliveryStatus.COMPLETE
        steps.append((period, at, rag, status))
    return steps


def _texts(rng: random.Random, rag: Rag, status: DeliveryStatus) -> dict[str, str]:
    if status == DeliveryStatus.COMPLETE:
        return {"commentary": f"{DEMO_LABEL} Delivered; evidence filed with the secretariat.",
                "evidence_url": "https://example.org/evidence/demo"}
    if rag in (Rag.RED, Rag.AMBER):
        commentary, blockers, ask = rng.choice(_PROBLEMS), rng.choice(_PROBLEMS), rng.choice(_ASKS)
        # Owners ask the group for help with a Red, or with a partner's sign-off; not with every Amber
        # (a plan where most owners ask for support has no short list for its meeting).
        wanted = rag == Rag.RED or blockers == _PROBLEMS[1]
        return {"commentary": f"{DEMO_LABEL} {commentary}", "blockers": blockers,
                "support_asked": ask if wanted else ""}
    return {"commentary": f"{DEMO_LABEL} {rng.choice(_PROGRESS)}"}


def _history_through_service(session: Session, user: Actor, plan_id: int, ref: str, periods: list[str],
                             start: date | None, rng: random.Random, now: datetime) -> int:
    if not periods:
        return 0
    steps = _walk(rng, periods, now, start)
    for period, at, rag, status in steps:
        record_update(session, user=user, plan_id=plan_id, ref=ref,
                      rag=rag.value, delivery_status=status.value, at=at, period=period, is_demo=True,
                      **_texts(rng, rag, status))
    return len(steps)


def _add_synthetic_actions(session: Session, plan_id: int, count: int, rng: random.Random,
                           plan_start: date | None) -> int:
    themes = session.exec(select(Theme.id).where(Theme.plan_id == plan_id).order_by(Theme.position)).all()
    agencies = session.exec(select(Agency.id).order_by(Agency.id)).all()
    boards = session.exec(select(Board.id).where(Board.plan_id == plan_id)).all()
    existing = session.exec(select(func.count()).select_from(Action)
                            .where(Action.plan_id == plan_id, Action.is_demo.is_(True))).one()
    today = datetime.now(UTC).date()
    start = max(plan_start or date.min, today - timedelta(days=200))  # no action starts before its plan
    rows = []
    for n in range(existing + 1, existing + count + 1):
        ref = f"DEMO-{n:05d}"
        due = max(today + timedelta(days=rng.randint(-120, 365)), start + timedelta(days=30))
        rows.append({
            "plan_id": plan_id, "ref": ref, "ref_sort": sort_key(ref), "is_demo": True,
            "title": f"{DEMO_LABEL} Synthetic action {n} for scale testing",
            "description": "Generated by `python -m plan demo --actions`.", "source_text": "",
            "theme_id": rng.choice(themes), "objective_id": None,
            "lead_owner": f"Demo owner {rng.randint(1, 400)}", "owner_person_id": None,
            "lead_agency_id": rng.choice(agencies) if agencies else None,
            "start_date": start, "baseline_due_date": due, "current_due_date": due,
            "delivery_status": DeliveryStatus.NOT_STARTED.value, "rag": Rag.NOT_ASSESSED.value,
            "restricted": rng.random() < 0.03, "version": 1,
            "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC),
        })
    for chunk in range(0, len(rows), 2000):
        session.execute(insert(Action), rows[chunk:chunk + 2000])
    if boards:
        new_ids = session.exec(select(Action.id).where(Action.plan_id == plan_id, Action.is_demo.is_(True),
                                                       Action.id.not_in(select(ActionBoard.action_id)))).all()
        links = [{"action_id": action_id, "board_id": rng.choice(boards)} for action_id in new_ids]
        for chunk in range(0, len(links), 5000):
            session.execute(insert(ActionBoard), links[chunk:chunk + 5000])
    return count


def _bulk_history(session: Session, plan_id: int, cycle: str, plan_start: date | None, rng: random.Random,
                  now: datetime) -> int:
    """History for synthetic actions without any: appended, then each action moved to its last."""
    targets = session.exec(select(Action.id, Action.start_date)
                           .where(Action.plan_id == plan_id, Action.is_demo.is_(True),
                                  Action.id.not_in(select(StatusUpdate.action_id)))).all()
    updates, finals = [], []
    for action_id, action_start in targets:
        start = life_start(plan_start, action_start)
        periods = life_periods(cycle, start, now)
        if not periods:
            continue
        steps = _walk(rng, periods, now, start)
        for period, at, rag, status in steps:
            updates.append({"action_id": action_id, "rag": rag.value, "delivery_status": status.value,
                            "author_name": "Demo owner", "period": period, "created_at": at, "is_demo": True,
                            "commentary": "", "blockers": "", "support_asked": "", "evidence_url": "",
                            **_texts(rng, rag, status)})
        _, at, rag, status = steps[-1]
        finals.append({"id": action_id, "rag": rag.value, "delivery_status": status.value, "updated_at": at})
    for chunk in range(0, len(updates), 5000):
        session.execute(insert(StatusUpdate), updates[chunk:chunk + 5000])
    table = Action.__table__  # Core, not ORM: a bulk write by id, the version bumped in SQL
    move = (update(table).where(table.c.id == bindparam("b_id"))
            .values(rag=bindparam("b_rag"), delivery_status=bindparam("b_status"),
                    updated_at=bindparam("b_at"), last_update_at=bindparam("b_at"), version=table.c.version + 1))
    connection = session.connection()
    for chunk in range(0, len(finals), 2000):
        connection.execute(move, [{"b_id": f["id"], "b_rag": f["rag"], "b_status": f["delivery_status"],
                                   "b_at": f["updated_at"]} for f in finals[chunk:chunk + 2000]])
    return len(updates)


def _measure_values(session: Session, plan_id: int, plan_start: date | None, rng: random.Random,
                   now: datetime) -> int:
    """Figures for each measure that has none yet, one per period of the measure's own frequency
    that has ended within the plan's life, trending with its direction of good. They use every
    state a real return can have: small counts suppressed ("<5"), the newest period of one
    measure not yet available, a provisional figure, and a revision that keeps the figure it
    replaced."""
    measures = session.exec(select(Measure).where(Measure.plan_id == plan_id,
                                                  Measure.id.not_in(select(MeasureValue.measure_id)))
                            .order_by(Measure.ref)).all()
    if plan_start is not None and _first_moment(plan_start) > now - timedelta(hours=1):
        return 0
    first_day = plan_start or (now - timedelta(days=365)).date()
    rows: list[dict[str, object]] = []
    revisions: list[dict[str, object]] = []
    not_available_done = provisional_done = revision_done = False
    for measure in measures:
        periods = [p for p in measure_periods.sequence(measure_periods.containing(first_day, measure.frequency),
                                                       measure_periods.containing(now.date(), measure.frequency),
                                                       measure.frequency) if p.end < now.date()]
        if not periods:
            continue
        small = measure.direction == "contextual" and measure.unit in ("concerns", "referrals")
        if measure.unit == "%":
            value, step = rng.uniform(78, 97), rng.uniform(1, 4)
        elif small:
            value, step = rng.uniform(3, 9), rng.uniform(0.5, 2)
        else:
            value, step = rng.uniform(20, 200), rng.uniform(1, 8)
        sign = {"higher": 1, "lower": -1}.get(measure.direction, rng.choice([-1, 1]))
        if measure.kind == "cumulative":
            value, step, sign = rng.uniform(20, 60), rng.uniform(30, 80), 1
        for index, period in enumerate(periods):
            value = max(0.0, value + sign * step * rng.uniform(0.3, 1.4))
            if measure.unit == "%":
                value = min(value, 100.0)
            shown = round(value, 1) if measure.unit == "%" else float(round(value))
            at = min(datetime.combine(period.end, time(12), tzinfo=UTC) + timedelta(days=rng.randint(10, 40)),
                     now - timedelta(hours=1))
            row: dict[str, object] = {
                "measure_id": measure.id, "period": period.label, "period_start": period.start,
                "period_end": period.end, "state": "value", "value": shown,
                "raw": f"{shown:g}{'%' if measure.unit == '%' else ''}", "provisional": False, "note": DEMO_LABEL,
                "source": "demo", "submitted_by_name": "Demo contributor", "is_demo": True, "created_at": at}
            newest = index == len(periods) - 1
            if small and shown < 5:
                row.update(state="suppressed", value=None, raw="<5",
                           note=f"{DEMO_LABEL} Fewer than five: suppressed by the data owner.")
            elif newest and not not_available_done and (measure.lag_days or 0) >= 45 and len(periods) > 1:
                not_available_done = True
                row.update(state="missing", value=None, raw="not yet available",
                           note=f"{DEMO_LABEL} Validated figures not yet available.")
            elif newest and not provisional_done and measure.kind == "rolling_12":
                provisional_done = True
                row.update(provisional=True, raw=f"{shown:g} (p)",
                           note=f"{DEMO_LABEL} Provisional: awaiting validation.")
            elif index == 0 and not revision_done and measure.direction == "lower" and len(periods) > 1:
                revision_done = True  # the first return is revised a month later; both stay in the history
                rows.append(dict(row, value=shown + 3, raw=f"{shown + 3:g}", provisional=True,
                                 note=f"{DEMO_LABEL} First return, provisional."))
                revisions.append(dict(row, note=f"{DEMO_LABEL} Revised after validation.",
                                      created_at=min(at + timedelta(days=30), now - timedelta(minutes=30))))
                continue
            rows.append(row)
    for batch in (rows, revisions):  # revisions after the returns they revise: the newest row stands
        if batch:
            session.execute(insert(MeasureValue), batch)
    return len(rows) + len(revisions)
