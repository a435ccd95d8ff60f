"""Action rows as the chair's view shows them: the plan as at a day, with the suggested RAG, the
agreed RAG from meetings and the latest texts (masked for users not cleared)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, select

from models import Action, Agency, Person, Theme
from plan.identity import Actor
from plan.reports.asof import State, detail_columns, select_pair, texts_of, visible
from plan.reports.rules import Suggestion, Thresholds, facts_from, label, suggest
from plan.vocab import DeliveryStatus

Evidence = Mapping[int, tuple[str, str]]


def select_rows(s: State, user: Actor, *extra: Any, before: State | None = None) -> Any:
    """The row query: detail (masked), theme, lead agency and the state as at the day (and the
    joins of the state at an earlier day, `before`, for columns of `extra` that read it)."""
    query = (select_pair(before, s, *columns(s, user), *extra) if before is not None
             else s.select(*columns(s, user), *extra))
    return s.edits.join(query.join(Theme, Theme.id == Action.theme_id)
                        .join(Agency, Agency.id == Action.lead_agency_id, isouter=True)
                        .join(Person, Person.id == Action.owner_person_id, isouter=True))


def columns(s: State, user: Actor) -> list[Any]:
    return [*detail_columns(user, s), Action.ref_sort, Action.created_at, Action.baseline_due_date,
            Theme.name.label("theme"), Theme.position.label("theme_position"), Agency.name.label("lead_agency"),
            s.rag.label("rag"), s.status.label("delivery_status"), s.due.label("due"),
            s.moves.label("due_moves"), s.update_id.label("update_id"), s.last_update_at.label("last_update_at"),
            s.updated_in_round.label("updated_this_round"), visible(user).label("shown")]


def shape(row: Any, s: State) -> dict[str, Any]:
    """A result row as the action row dict (see plan.reports), without texts or suggestion."""
    r = dict(row._mapping)
    day = s.day
    due: date | None = r.pop("due")
    last = r["last_update_at"]
    created = r.pop("created_at")
    overdue = due is not None and due < day and r["delivery_status"] not in ("complete", "closed")
    r.update({
        "due": due, "baseline_due": r.pop("baseline_due_date"),
        "days_overdue": (day - due).days if overdue and due else 0,
        "due_moves": int(r["due_moves"] or 0),
        "days_since_update": (day - last.date()).days if last else None,
        "days_since_added": (day - created.date()).days if created else None,
        "updated_this_round": None if r["updated_this_round"] is None else bool(r["updated_this_round"]),
        "round_period": s.rnd.period if s.rnd else "",
        "rag_label": label(r["rag"]), "status_label": DeliveryStatus(r["delivery_status"]).label,
        "restricted": bool(r["restricted"]), "shown": bool(r["shown"]),
    })
    return r


def add_suggestion(row: dict[str, Any], thresholds: Thresholds, evidence: Evidence | None) -> Suggestion:
    found = (evidence or {}).get(row["action_id"])
    if found and not row["shown"]:  # a restricted measure's words are restricted detail
        found = (found[0], f"its measure's evidence is {label(found[0])}")
    suggestion = suggest(facts_from(row, found), thresholds)
    row.update({"suggested_rag": suggestion.rag, "suggested_label": suggestion.label,
                "suggested_reason": suggestion.sentence})
    return suggestion


def add_agreed(session: Session, rows: list[dict[str, Any]], day: date) -> None:
    from plan.meetings.record import agreed_rags  # the meeting record, up to the day

    agreed = agreed_rags(session, [r["action_id"] for r in rows], day)
    for row in rows:
        found = agreed.get(row["action_id"])
        row["agreed_rag"] = found["rag"] if found else None
        row["agreed_label"] = found["rag_label"] if found else ""
        row["agreed_on"] = found["held_on"] if found else None


def finish(session: Session, user: Actor, rows: list[dict[str, Any]], s: State, thresholds: Thresholds,
           evidence: Evidence | None) -> list[dict[str, Any]]:
    """Texts, suggestion and agreed RAG for the rows (one page: a few queries in all)."""
    texts_of(session, user, rows)
    for row in rows:
        add_suggestion(row, thresholds, evidence)
    add_agreed(session, rows, s.day)
    return rows


def evidence_for(session: Session, *, user: Actor, plan_id: int, day: date,
                 thresholds: Thresholds) -> dict[int, tuple[str, str]]:
    """The measures' evidence per action id ({action_id: (evidence RAG, reason sentence)}), from
    plan.measures (the worst evidence RAG of the action's measures; names masked there for a
    user not cleared), and only for today: evidence is not kept as at past dates. Empty when the
    plan does not use it or the measures work offers none."""
    if not thresholds.use_measure_evidence or day != date.today():
        return {}
    try:
        from plan.measures import evidence_by_action
    except (ImportError, AttributeError):  # the measures work is not there
        return {}
    found = evidence_by_action(session, user=user, plan_id=plan_id)
    ids = dict(session.exec(select(Action.ref, Action.id).where(Action.plan_id == plan_id)).all())
    return {ids[r["ref"]]: (r["evidence_rag"], r.get("reason", "")) for r in found
            if r.get("ref") in ids and r.get("evidence_rag") in ("red", "amber", "green")}
