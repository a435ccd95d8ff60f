"""An owner's actions, ordered by what needs them: sent back, owed in the round, overdue, Red,
Amber; each with its last update."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, func, literal, union
from sqlmodel import Session, select

from models import Action, ActionDelegate, StatusUpdate, Theme, UpdateReturn
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE, _visible_detail, in_plan_now, overdue_condition
from plan.identity import Actor
from plan.rounds import _submitted, current_round, owes_condition, owner_filter
from plan.vocab import RAG_LABELS, DeliveryStatus, Rag


def my_actions(session: Session, *, user: Actor, plan_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """The actions the user owns or is a delegate for. Restricted ones are owned only by cleared
    people, but clearance can be taken away: the user's clearance as passed in (read afresh on
    every page run) decides, so someone no longer cleared still sees the action listed, with its
    rating and dates, but not its title, last commentary or the note it was sent back with."""
    today = today or date.today()
    if user.person_id is None:  # a system or public actor owns nothing
        return []
    current = current_round(session, plan_id=plan_id)
    # The owner's few actions first, then their latest updates: the cost follows the owner's
    # workload, not the plan's whole history (status_update is indexed by action).
    # Owned UNION delegated, not one OR over the plan: PostgreSQL estimated thousands of rows for
    # the OR and hashed the plan's whole history; each half of the union is an index lookup.
    mine = union(
        select(Action.id).where(Action.plan_id == plan_id, Action.owner_person_id == user.person_id),
        select(ActionDelegate.action_id).join(Action, Action.id == ActionDelegate.action_id)
        .where(ActionDelegate.person_id == user.person_id, Action.plan_id == plan_id),
    )
    last = (select(StatusUpdate.action_id, func.max(StatusUpdate.id).label("update_id"))
            .where(StatusUpdate.action_id.in_(mine)).group_by(StatusUpdate.action_id).subquery())
    returned = select(UpdateReturn.note).where(UpdateReturn.status_update_id == last.c.update_id) \
        .limit(1).scalar_subquery()
    visible = _visible_detail(user)
    if current is not None:
        in_round = (select(StatusUpdate.action_id, func.max(StatusUpdate.id).label("update_id"))
                    .where(StatusUpdate.round_id == current.id, StatusUpdate.action_id.in_(mine))
                    .group_by(StatusUpdate.action_id).subquery())
        owes = case((owes_condition() & ~_submitted(in_round), literal(True)), else_=literal(False))
    else:
        in_round, owes = None, literal(False)
    overdue = case((overdue_condition(today), literal(True)), else_=literal(False))
    rag_order = case((Action.rag == Rag.RED.value, 0), (Action.rag == Rag.AMBER.value, 1), else_=2)
    query = (select(Action.ref, case((visible, Action.title), else_=literal(RESTRICTED_TITLE)).label("title"),
                    Action.version, Action.rag, Action.delivery_status,
                    Action.current_due_date, Action.baseline_due_date, Action.last_update_at,
                    Theme.name.label("theme"),
                    case((visible, StatusUpdate.commentary),
                         (StatusUpdate.id.is_not(None), literal(RESTRICTED_TEXT))).label("last_commentary"),
                    case((visible, returned), (returned.is_not(None), literal(RESTRICTED_TEXT))).label("returned_note"),
                    owes.label("owes"), overdue.label("overdue"))
             .join(Theme, Theme.id == Action.theme_id)
             .join(last, last.c.action_id == Action.id, isouter=True)
             .join(StatusUpdate, StatusUpdate.id == last.c.update_id, isouter=True)
             .where(Action.plan_id == plan_id, owner_filter(user), in_plan_now()))
    if in_round is not None:
        query = query.join(in_round, in_round.c.action_id == Action.id, isouter=True)
    query = query.order_by(returned.is_(None), ~owes, ~overdue, rag_order, Action.ref_sort)
    rows = []
    for row in session.exec(query).all():
        item = dict(row._mapping)
        item["rag_label"] = RAG_LABELS[Rag(item["rag"])]
        item["status_label"] = DeliveryStatus(item["delivery_status"]).label
        item["owes"], item["overdue"] = bool(item["owes"]), bool(item["overdue"])
        rows.append(item)
    return rows
