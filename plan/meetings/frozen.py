"""A closed meeting's plan as the group saw it, from what closing froze (meeting_snapshot): the
board paper "for" a closed meeting is that meeting's paper, not today's plan with its later
titles, RAGs and dates, and it still holds an action retired since."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from models import (
    Action,
    Agency,
    AgendaItem,
    Meeting,
    MeetingSnapshot,
    RoundSnapshot,
    StatusUpdate,
    Theme,
    UpdateRound,
)
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.periods import period_short
from plan.permissions import cleared_for, require
from plan.reports.asof import RAGS, ReportFilter, filter_conditions
from plan.reports.rules import FINISHED, label
from plan.vocab import DeliveryStatus

TEXTS = ("owner", "commentary", "blockers", "support_asked", "suggested_reason")


def _overdue(day: date) -> Any:
    return and_(MeetingSnapshot.current_due_date.is_not(None), MeetingSnapshot.current_due_date < day,
                MeetingSnapshot.delivery_status.not_in(FINISHED))


def frozen_plan(session: Session, *, user: Actor, plan_id: int, meeting_id: int,
                filters: ReportFilter | None = None) -> dict[str, Any]:
    """{"rows": every action as the meeting saw it, in plan order (the board paper's row keys),
    "agenda": [row + why] the items discussed, in agenda order, "by_theme": counts per theme,
    "headline": the tiles}. Texts masked for a user not cleared. Raises NotAllowed, InvalidInput
    (the meeting is still open: nothing is frozen yet)."""
    require(user, "meeting.view")
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.plan_id != plan_id or meeting.closed_at is None:
        raise InvalidInput("Only a closed meeting has a frozen record; an open one's paper is the plan as at its day.")
    day = meeting.held_on
    where = [MeetingSnapshot.meeting_id == meeting_id, *filter_conditions(plan_id, filters or ReportFilter())]
    query = (select(MeetingSnapshot, Action.baseline_due_date, Agency.name, StatusUpdate.created_at, Theme.position)
             .join(Action, Action.id == MeetingSnapshot.action_id)
             .join(Agency, Agency.id == Action.lead_agency_id, isouter=True)
             .join(StatusUpdate, StatusUpdate.id == MeetingSnapshot.status_update_id, isouter=True)
             .join(Theme, and_(Theme.plan_id == plan_id, Theme.name == MeetingSnapshot.theme), isouter=True)
             .where(*where).order_by(Theme.position, Action.ref_sort, Action.id))
    rows = []
    for snap, baseline, agency, updated, _ in session.exec(query).all():
        hidden = not cleared_for(user, snap.restricted)
        overdue = snap.current_due_date is not None and snap.current_due_date < day and \
            snap.delivery_status not in FINISHED
        row = {"action_id": snap.action_id, "ref": snap.ref, "title": RESTRICTED_TITLE if hidden else snap.title,
               "theme": snap.theme, "restricted": snap.restricted, "rag": snap.rag, "rag_label": label(snap.rag),
               "delivery_status": snap.delivery_status,
               "status_label": DeliveryStatus(snap.delivery_status).label, "due": snap.current_due_date,
               "baseline_due": baseline, "lead_agency": agency or "", "last_update_at": updated,
               "days_overdue": (day - snap.current_due_date).days if overdue else 0,
               "suggested_rag": snap.suggested_rag, "suggested_label": label(snap.suggested_rag),
               **{k: (RESTRICTED_TEXT if hidden and getattr(snap, k) else getattr(snap, k) or "") for k in TEXTS}}
        rows.append(row)
    by_id = {r["action_id"]: r for r in rows}
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                  AgendaItem.dropped.is_(False))
                         .order_by(AgendaItem.position, AgendaItem.id)).all()
    agenda = []
    for item in items:
        row = by_id.get(item.action_id)
        if row is None:
            continue
        hidden = not cleared_for(user, row["restricted"])
        codes = (["overdue"] if row["days_overdue"] else []) + (["support_asked"] if row["support_asked"] else [])
        agenda.append({**row, "reasons": [RESTRICTED_TEXT if hidden else item.why or "Added to the agenda."],
                       "codes": codes, "agreed_rag": item.agreed_rag, "agreed_label": label(item.agreed_rag),
                       "decision": RESTRICTED_TEXT if hidden and item.decision else item.decision})
    counts = [func.sum(case((MeetingSnapshot.rag == r, 1), else_=0)).label(r) for r in RAGS]
    grouped = session.exec(select(MeetingSnapshot.theme, *counts, func.count().label("total"),
                                  func.sum(case((_overdue(day), 1), else_=0)).label("overdue"),
                                  func.sum(case((and_(MeetingSnapshot.current_due_date <= day,
                                                      MeetingSnapshot.delivery_status != "closed"), 1),
                                                else_=0)).label("due_by_now"),
                                  func.sum(case((and_(MeetingSnapshot.current_due_date <= day,
                                                      MeetingSnapshot.delivery_status == "complete"), 1),
                                                else_=0)).label("due_complete"))
                           .join(Action, Action.id == MeetingSnapshot.action_id).where(*where)
                           .group_by(MeetingSnapshot.theme)).all()
    by_theme = [{"group": g.theme, **{r: int(getattr(g, r) or 0) for r in RAGS}, "total": int(g.total),
                 "overdue": int(g.overdue or 0)} for g in grouped]
    totals = {key: sum(int(getattr(g, key) or 0) for g in grouped)
              for key in (*RAGS, "total", "overdue", "due_by_now", "due_complete")}
    missed = 0
    if meeting.round_id is not None:
        missed = session.exec(select(func.count()).select_from(RoundSnapshot)
                              .join(Action, Action.id == RoundSnapshot.action_id)
                              .where(RoundSnapshot.round_id == meeting.round_id,
                                     RoundSnapshot.updated_in_round.is_(False),
                                     RoundSnapshot.delivery_status.not_in(("complete", "closed", "deferred")),
                                     *filter_conditions(plan_id, filters or ReportFilter()))).one()
    due, done = totals["due_by_now"], totals["due_complete"]
    rnd = session.get(UpdateRound, meeting.round_id) if meeting.round_id is not None else None
    headline = {"as_of": day, **totals, "stale": 0, "not_updated_this_round": int(missed),
                "round_period": rnd.period if rnd else "", "round_words": period_short(rnd.period) if rnd else "",
                "completion_percent": round(100 * done / due) if due else None, "frozen": True}
    return {"rows": rows, "agenda": agenda, "by_theme": by_theme, "headline": headline}
