"""What changed between two dates (since the last meeting, or any two): RAG transitions and their
flows, newly Red, completed, new and retired actions, due dates moved, updates not made."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlmodel import Session, select

from models import Action, DueDateRequest, Person
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.identity import Actor
from plan.reports.asof import (
    ReportFilter,
    check_range,
    day_of,
    detail_columns,
    end_of,
    filter_conditions,
    moment_of,
    plan_row,
    select_pair,
    state,
    visible,
)
from plan.reports.dashboard import direction_of_travel, flow_before, flow_counts, rag_before
from plan.reports.rules import NOT_OWING, direction, label


def changes(session: Session, *, user: Actor, plan_id: int, since: date | datetime | str,
            until: date | str | None = None, filters: ReportFilter | None = None) -> dict[str, Any]:
    """Between the end of `since` (or that moment, a datetime: a meeting's close) and the end of
    `until` (default today). Each list holds {ref, title, restricted, ...} rows in plan order; titles
    (as at `until`) are masked for users not cleared."""
    plan_row(session, plan_id)
    (first, first_at), last = moment_of(since), day_of(until)
    check_range(first, last)
    a = state(session, plan_id=plan_id, day=first, filters=filters, at=first_at)
    b = state(session, plan_id=plan_id, day=last, filters=filters)
    before_rag = rag_before(a)
    before_status = case((a.existed, a.status), else_=literal("not_started"))
    missed = and_(a.existed, b.status.not_in(NOT_OWING), or_(b.last_update_at.is_(None), b.last_update_at < a.end))
    changed = or_(before_rag != b.rag, before_status != b.status, ~a.existed, missed)
    pair = (flow_before(a), b.rag)
    # One read of the plan at both days for every list and the flows: each row carries how many
    # actions went from its RAG to its RAG; the outer query keeps the actions where anything changed
    # or an update was owed, and one row of each RAG pair (for its count).
    inner = (select_pair(a, b, *detail_columns(user, b), Action.ref_sort, before_rag.label("from_rag"),
                         b.rag.label("to_rag"), flow_before(a).label("flow_from"),
                         before_status.label("from_status"), b.status.label("to_status"),
                         case((a.existed, literal(True)), else_=literal(False)).label("existed"),
                         case((missed, literal(True)), else_=literal(False)).label("missed"),
                         b.last_update_at.label("last_update_at"),
                         case((changed, literal(1)), else_=literal(0)).label("changed"),
                         func.count().over(partition_by=pair).label("pair_count"),
                         func.row_number().over(partition_by=pair, order_by=(Action.ref_sort, Action.id))
                         .label("pair_row"))
             .join(Person, Person.id == Action.owner_person_id, isouter=True))
    inner = b.edits.join(inner).subquery()
    query = (select(*inner.c).where(or_(inner.c.changed == 1, inner.c.pair_row == 1))
             .order_by(inner.c.ref_sort, inner.c.action_id))
    rows, pairs = [], {}
    for r in session.exec(query).all():
        row = dict(r._mapping)
        pairs[(row["flow_from"], row["to_rag"])] = int(row["pair_count"])
        if not row["changed"]:
            continue
        for key in ("action_id", "ref_sort", "changed", "pair_count", "pair_row", "flow_from"):
            row.pop(key)
        row["restricted"], row["existed"], row["missed"] = bool(row["restricted"]), bool(row["existed"]), bool(
            row["missed"])
        row["from_label"], row["to_label"] = label(row["from_rag"]), label(row["to_rag"])
        row["direction"] = direction(row["from_rag"], row["to_rag"])
        rows.append(row)
    flows, counts = flow_counts(pairs)
    retired = ("closed", "deferred")

    # titles as at the later day (b's: plan.reports.edits)
    moves_query = (b.edits.join(select(Action.ref, Action.restricted,
                                       case((visible(user), b.title), else_=literal(RESTRICTED_TITLE)).label("title"),
                                       DueDateRequest.from_date, DueDateRequest.requested_date,
                                       DueDateRequest.decided_at).select_from(Action))
                   .join(DueDateRequest, DueDateRequest.action_id == Action.id)
                   .where(Action.plan_id == plan_id, DueDateRequest.decision == "approved",
                          DueDateRequest.decided_at >= a.end, DueDateRequest.decided_at < end_of(last),
                          *filter_conditions(plan_id, filters or ReportFilter()))
                   .order_by(DueDateRequest.decided_at, DueDateRequest.id))
    # Retired in between: gone from the later day's plan, so listed here with why (masked when restricted).
    withdrawn_query = (b.edits.join(select(Action.ref, Action.restricted, Action.retired_at,
                                           case((visible(user), b.title), else_=literal(RESTRICTED_TITLE))
                                           .label("title"),
                                           case((visible(user), Action.retired_reason), else_=literal(RESTRICTED_TEXT))
                                           .label("reason")).select_from(Action))
                       .where(Action.plan_id == plan_id, Action.retired_at >= a.end,
                              Action.retired_at < end_of(last), *filter_conditions(plan_id, filters or ReportFilter()))
                       .order_by(Action.ref_sort, Action.id))
    withdrawn = [{"ref": r.ref, "title": r.title, "restricted": bool(r.restricted), "reason": r.reason,
                  "retired_on": r.retired_at.date()} for r in session.exec(withdrawn_query).all()]
    moved = [{"ref": r.ref, "title": r.title, "restricted": bool(r.restricted), "from": r.from_date,
              "to": r.requested_date, "decided_on": r.decided_at.date() if r.decided_at else None}
             for r in session.exec(moves_query).all()]
    return {
        "since": first, "since_at": a.end, "until": last,
        "transitions": [{k: r[k] for k in ("ref", "title", "restricted", "from_rag", "to_rag", "from_label",
                                           "to_label", "direction")} for r in rows if r["from_rag"] != r["to_rag"]],
        "flows": flows, "counts": counts,
        "newly_red": [r for r in rows if r["to_rag"] == "red" and r["from_rag"] != "red"],
        "completed": [r for r in rows if r["to_status"] == "complete" and r["from_status"] != "complete"],
        "new_actions": [r for r in rows if not r["existed"]],
        "retired": [r for r in rows if r["to_status"] in retired and r["from_status"] not in retired],
        "due_dates_moved": moved,
        "retired_from_plan": withdrawn,
        "updates_not_made": [r for r in rows if r["missed"]],
    }


def rag_changes(session: Session, *, user: Actor, plan_id: int, since: date | str,
                until: date | str | None = None) -> list[dict[str, Any]]:
    """[{ref, from_rag, to_rag}] for every action whose RAG at the end of `until` differs from its
    RAG at the end of `since` (an action added in between counts from not_assessed)."""
    travel = direction_of_travel(session, user=user, plan_id=plan_id, since=since, as_of=until)
    return [{"ref": r["ref"], "from_rag": r["from_rag"], "to_rag": r["to_rag"]} for r in travel["actions"]]


