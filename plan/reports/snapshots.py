"""A closed round's snapshot, opened and read: each action as the round froze it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, literal
from sqlmodel import Session, select

from models import Action, Person, RoundSnapshot, StatusUpdate, Theme, UpdateRound
from plan.actions import RESTRICTED_TEXT
from plan.errors import NotFound
from plan.identity import Actor
from plan.permissions import require
from plan.reports.asof import RAGS, as_utc, detail_columns, empty_counts, visible
from plan.reports.edits import edits_at
from plan.reports.rules import label
from plan.vocab import DeliveryStatus


def closed_rounds(session: Session, *, user: Actor, plan_id: int) -> list[dict[str, Any]]:
    """The plan's closed rounds, newest first."""
    require(user, "round.view")
    rows = session.exec(select(UpdateRound).where(UpdateRound.plan_id == plan_id, UpdateRound.closed_at.is_not(None))
                        .order_by(UpdateRound.closed_at.desc(), UpdateRound.id.desc())).all()
    return [{"round_id": r.id, "period": r.period, "deadline": r.deadline, "opened_at": r.opened_at,
             "closed_at": r.closed_at, "closed_by": r.closed_by} for r in rows]


def round_snapshot(session: Session, *, user: Actor, plan_id: int, round_id: int, rag: str | None = None,
                   theme: str | None = None, limit: int = 500, offset: int = 0) -> dict[str, Any]:
    """What the closed round froze: a summary by theme and each action's row, in plan order.
    The commentary is that of the update the round froze; masked for users not cleared. The
    summary counts every action the round froze; rows are a page (limit, offset) of the actions
    matching `rag` and `theme` (a drill-down from round_trend), `matching` of them in all."""
    require(user, "round.view")
    rnd = session.get(UpdateRound, round_id)
    if rnd is None or rnd.plan_id != plan_id:
        raise NotFound("There is no such update round in this plan.")
    if rnd.closed_at is None:
        raise NotFound(f"The {rnd.period} round is still open: its snapshot is taken when it closes.")
    shown = visible(user)
    picked = ([RoundSnapshot.rag == rag] if rag else []) + ([Theme.name == theme] if theme else [])
    matching = session.exec(select(func.count()).select_from(RoundSnapshot)
                            .join(Action, Action.id == RoundSnapshot.action_id).join(Theme, Theme.id == Action.theme_id)
                            .where(RoundSnapshot.round_id == round_id, *picked)).one()
    # the titles and owners in force when the round closed (plan.reports.edits), not today's
    edits = edits_at(session, plan_id, as_utc(rnd.closed_at))
    query = (select(*detail_columns(user, edits), Theme.name.label("theme"), Theme.position, RoundSnapshot.rag,
                    RoundSnapshot.delivery_status, RoundSnapshot.current_due_date, RoundSnapshot.updated_in_round,
                    case((shown, func.coalesce(StatusUpdate.commentary, "")),
                         else_=case((func.coalesce(StatusUpdate.commentary, "") != "", literal(RESTRICTED_TEXT)),
                                    else_=literal(""))).label("commentary"))
             .select_from(RoundSnapshot)
             .join(Action, Action.id == RoundSnapshot.action_id)
             .join(Theme, Theme.id == Action.theme_id)
             .join(Person, Person.id == Action.owner_person_id, isouter=True)
             .join(StatusUpdate, StatusUpdate.id == RoundSnapshot.status_update_id, isouter=True))
    query = (edits.join(query).where(RoundSnapshot.round_id == round_id, *picked)
             .order_by(Theme.position, Action.ref_sort, Action.id).limit(limit).offset(offset))
    rows = []
    for r in session.exec(query).all():
        rows.append({"ref": r.ref, "title": r.title, "restricted": bool(r.restricted), "theme": r.theme,
                     "owner": r.owner, "rag": r.rag, "rag_label": label(r.rag),
                     "delivery_status": r.delivery_status, "status_label": DeliveryStatus(r.delivery_status).label,
                     "due": r.current_due_date, "updated_in_round": bool(r.updated_in_round),
                     "commentary": r.commentary})
    counted = (select(Theme.name, Theme.position, RoundSnapshot.rag, func.count().label("n"))
               .select_from(RoundSnapshot).join(Action, Action.id == RoundSnapshot.action_id)
               .join(Theme, Theme.id == Action.theme_id).where(RoundSnapshot.round_id == round_id)
               .group_by(Theme.name, Theme.position, RoundSnapshot.rag).order_by(Theme.position))
    summary: dict[str, dict[str, int]] = {}
    for theme, _, rag, n in session.exec(counted).all():
        counts = summary.setdefault(theme, empty_counts())
        counts[rag] += int(n)
        counts["total"] += int(n)
    total = sum(c["total"] for c in summary.values())
    return {"round_id": rnd.id, "period": rnd.period, "closed_at": rnd.closed_at, "closed_by": rnd.closed_by,
            "summary": summary, "total": total, "matching": int(matching), "rows": rows,
            "rag_order": RAGS}
