"""What needs the group's attention, each row saying why, and the suggested RAG for every action."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, literal
from sqlmodel import Session, select

from models import Action, DueDateRequest, Meeting, StatusUpdate, Theme
from plan.identity import Actor
from plan.reports.asof import (
    ReportFilter,
    check_range,
    day_of,
    frozen_round,
    meeting_moment,
    moment_of,
    plan_row,
    state,
)
from plan.reports.rows import add_suggestion, evidence_for, finish, select_rows, shape
from plan.reports.rules import SEVERITY, Suggestion, Thresholds, exception_reasons
from plan.reports.settings import suggestion_settings


def last_meeting_at(session: Session, *, plan_id: int, day: date) -> datetime | None:
    """When the last closed meeting held on or before `day` was over (what "since the last meeting"
    means: plan.reports.asof.meeting_moment; a change later on its day is since it)."""
    row = session.exec(select(Meeting.held_on, Meeting.closed_at)
                       .where(Meeting.plan_id == plan_id, Meeting.closed_at.is_not(None), Meeting.held_on <= day)
                       .order_by(Meeting.held_on.desc(), Meeting.id.desc())).first()
    return meeting_moment(row[0], row[1]) if row else None


def _evidence(session: Session, user: Actor, plan_id: int, day: date, thresholds: Thresholds,
              evidence: Mapping[int, tuple[str, str]] | None) -> Mapping[int, tuple[str, str]]:
    if evidence is not None:
        return evidence if thresholds.use_measure_evidence else {}
    return evidence_for(session, user=user, plan_id=plan_id, day=day, thresholds=thresholds)


def suggestions(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
                filters: ReportFilter | None = None, evidence: Mapping[int, tuple[str, str]] | None = None
                ) -> dict[int, Suggestion]:
    """The suggested RAG of every action as at the day, by action id. `evidence`: the measures'
    {action_id: (evidence RAG, reason sentence)}; None takes it from plan.measures (today only)."""
    plan_row(session, plan_id)
    day = day_of(as_of)
    thresholds = suggestion_settings(session, plan_id=plan_id)
    found = _evidence(session, user, plan_id, day, thresholds, evidence)
    s = state(session, plan_id=plan_id, day=day, filters=filters)
    return {row["action_id"]: add_suggestion(row, thresholds, found)
            for row in (shape(r, s) for r in session.exec(select_rows(s, user)).all())}


def suggestion_for(session: Session, *, user: Actor, plan_id: int, ref: str) -> Suggestion | None:
    """One action's suggested RAG today, with its reason (Action detail), or None when the rules
    see no more risk than its owner's RAG (a suggestion only warns) or the action is not readable."""
    plan_row(session, plan_id)
    day = date.today()
    thresholds = suggestion_settings(session, plan_id=plan_id)
    found = _evidence(session, user, plan_id, day, thresholds, None)
    s = state(session, plan_id=plan_id, day=day)
    result = session.exec(select_rows(s, user).where(Action.ref == ref.strip())).first()
    if result is None:
        return None
    row = shape(result, s)
    if not row["shown"]:  # a restricted action for a reader not cleared: its reasons are its detail
        return None
    suggestion = add_suggestion(row, thresholds, found)
    return suggestion if suggestion.rag and suggestion.rag != row["rag"] else None


def exceptions(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
               since: date | datetime | str | None = None, filters: ReportFilter | None = None,
               evidence: Mapping[int, tuple[str, str]] | None = None, round_id: int | None = None
               ) -> list[dict[str, Any]]:
    """Every action that needs the group's attention as at the day, worst first (Red, then Amber,
    then the rest; the most overdue first), each with "codes" and "reasons" (sentences), the
    owner's latest commentary, blockers and support asked (masked when restricted), the suggested
    RAG and the agreed RAG. `since` (default: the last closed meeting) is what "worse since" and
    "due date moved since" compare with. round_id: a closed round; the actions it froze are read
    as it froze them (what a meeting reviewing it sees), as at its closing day unless as_of says."""
    found, _ = _read(session, user=user, plan_id=plan_id, as_of=as_of, since=since, filters=filters,
                     evidence=evidence, round_id=round_id, every_action=False)
    return found


def plan_and_exceptions(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None = None,
                        since: date | datetime | str | None = None, filters: ReportFilter | None = None
                        ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(every action as at the day in plan order, as `drill` lists them; the exceptions among them,
    as `exceptions` lists them) from one read of the plan: the board paper needs both, and reading
    10,000 actions twice was a third of its time. An exception is the same dict in both lists."""
    found, every = _read(session, user=user, plan_id=plan_id, as_of=as_of, since=since, filters=filters,
                         evidence=None, round_id=None, every_action=True)
    return every, found


def _read(session: Session, *, user: Actor, plan_id: int, as_of: date | str | None, since: date | datetime | str | None,
          filters: ReportFilter | None, evidence: Mapping[int, tuple[str, str]] | None, round_id: int | None,
          every_action: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The exceptions, worst first, and (every_action) every action read, in plan order."""
    plan_row(session, plan_id)
    if round_id is not None and as_of in (None, ""):
        closed = frozen_round(session, plan_id, round_id).closed_at
        assert closed is not None
        as_of = closed.date()
    day = day_of(as_of)
    thresholds = suggestion_settings(session, plan_id=plan_id)
    found = _evidence(session, user, plan_id, day, thresholds, evidence)
    first: date | None
    if since not in (None, ""):
        first, first_at = moment_of(since)
    else:  # since the last meeting: when it closed (later that day counts as since it), if any
        first_at = last_meeting_at(session, plan_id=plan_id, day=day)
        first = first_at.date() if first_at else None
    s = state(session, plan_id=plan_id, day=day, filters=filters, round_id=round_id)
    support = exists().where(StatusUpdate.id == s.update_id, StatusUpdate.support_asked != "")
    extra: list[Any] = [case((support, literal(True)), else_=literal(False)).label("has_support")]
    before = None
    if first is not None:
        check_range(first, day)
        before = state(session, plan_id=plan_id, day=first, filters=filters, at=first_at)
        moved = exists().where(DueDateRequest.action_id == Action.id, DueDateRequest.decision == "approved",
                               and_(DueDateRequest.decided_at >= before.end, DueDateRequest.decided_at < s.end))
        extra += [case((before.existed, before.rag), else_=literal(None)).label("since_rag"),
                  case((moved, literal(True)), else_=literal(False)).label("moved_since")]
    query = select_rows(s, user, *extra, before=before).order_by(Theme.position, Action.ref_sort, Action.id)
    kept, every = [], []
    for result in session.exec(query).all():
        row = shape(result, s)
        suggestion = add_suggestion(row, thresholds, found)
        reasons = exception_reasons({**row, "support_asked": "yes" if row.pop("has_support") else ""},
                                    thresholds=thresholds, since_rag=row.pop("since_rag", None),
                                    moved_since=bool(row.pop("moved_since", False)), suggested=suggestion,
                                    due=row["due"])
        if reasons:
            row["codes"] = [code for code, _ in reasons]
            row["reasons"] = [sentence for _, sentence in reasons]
            kept.append(row)
        if every_action:
            every.append(row)
    finish(session, user, every if every_action else kept, s, thresholds, found)
    kept.sort(key=lambda r: (SEVERITY.get(r["rag"], 2), -r["days_overdue"]))  # stable: plan order within
    return kept, every
