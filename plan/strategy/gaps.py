"""Coverage for the chair: each finding with the actions that answer it and their RAG, the
findings no action answers (the gaps, first), the actions that answer no finding, and each
specified authority's actions (the Duty expects every one to contribute). Counted in SQL."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, select, union
from sqlmodel import Session

from models import Action, ActionPartner, Agency, Finding, FindingAction
from plan.actions import RESTRICTED_TEXT
from plan.identity import Actor
from plan.permissions import require
from plan.strategy.authorities import SPECIFIED_AUTHORITIES
from plan.strategy.measure_findings import measures_by_finding
from plan.vocab import RAG_LABELS, RAG_ORDER, Rag

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def current_rag() -> Any:
    """The action's RAG now, as the dashboard reads it: never updated is not yet assessed (a carried
    action keeps last year's RAG in its column until its first update)."""
    return case((Action.last_update_at.is_(None), literal("not_assessed")), else_=Action.rag)


def _live_action() -> Any:
    return Action.retired_at.is_(None)


def _rag_sums(rag: Any) -> list[Any]:
    return [func.sum(case((rag == r.value, 1), else_=0)).label(r.value) for r in RAG_ORDER]


def _rags(row: Any) -> dict[str, int]:
    return {r.value: int(getattr(row, r.value) or 0) for r in RAG_ORDER}


def _title(user: Actor, title: str, restricted: bool) -> str:
    return RESTRICTED_TEXT if restricted and not user.cleared_for_restricted else title


def coverage(session: Session, *, user: Actor, plan_id: int, unanswered_limit: int | None = None) -> dict[str, Any]:
    """What the plan answers of its needs assessment. Chairs and the secretariat. Raises NotAllowed.

    Returns {findings: [{ref, title, priority, theme, quoted, source, count, rag: {red: n, ...},
    covered, actions: [{ref, title, rag, rag_label}], measures: [{ref, name}]}] (uncovered first,
    then by priority and ref),
    gaps: [finding refs], unanswered: [{ref, title, rag, rag_label}] (actions answering no finding,
    at most `unanswered_limit`), authorities: [{code, name, agencies, actions, rag}],
    authorities_without_action: [codes], totals: {findings, covered, gaps, actions, answering,
    unanswered}}. A restricted action's title reads "Restricted" for a reader not cleared."""
    require(user, "strategy.view")
    rag = current_rag()
    linked = and_(FindingAction.action_id == Action.id, _live_action())
    counts = session.execute(
        select(Finding.id, Finding.ref, Finding.title, Finding.priority, Finding.theme, Finding.quoted,
               Finding.source, Finding.ref_sort, func.count(Action.id).label("n"),
               *_rag_sums(case((Action.id.is_(None), literal(None)), else_=rag)))  # no live action: no RAG
        .select_from(Finding)
        .outerjoin(FindingAction, FindingAction.finding_id == Finding.id)
        .outerjoin(Action, linked)
        .where(Finding.plan_id == plan_id, Finding.retired_at.is_(None))
        .group_by(Finding.id, Finding.ref, Finding.title, Finding.priority, Finding.theme, Finding.quoted,
                  Finding.source, Finding.ref_sort)
        .order_by(case((func.count(Action.id) == 0, 0), else_=1),
                  case(*((Finding.priority == p, n) for p, n in PRIORITY_ORDER.items()), else_=3),
                  Finding.ref_sort, Finding.ref)).all()
    actions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for finding_id, ref, title, restricted, action_rag in session.execute(
            select(FindingAction.finding_id, Action.ref, Action.title, Action.restricted, rag)
            .join(Action, linked).join(Finding, Finding.id == FindingAction.finding_id)
            .where(Finding.plan_id == plan_id, Finding.retired_at.is_(None))
            .order_by(FindingAction.finding_id, Action.ref_sort, Action.ref)).all():
        actions[finding_id].append({"ref": ref, "title": _title(user, title, restricted), "rag": action_rag,
                                    "rag_label": RAG_LABELS[Rag(action_rag)]})
    evidenced = measures_by_finding(session, plan_id=plan_id, cleared=user.cleared_for_restricted)
    findings = [{"ref": r.ref, "title": r.title, "priority": r.priority, "theme": r.theme, "quoted": r.quoted,
                 "source": r.source, "count": int(r.n), "rag": _rags(r), "covered": r.n > 0,
                 "actions": actions.get(r.id, []), "measures": evidenced.get(r.ref, [])} for r in counts]

    answers = exists(select(FindingAction.action_id).join(Finding, Finding.id == FindingAction.finding_id)
                     .where(FindingAction.action_id == Action.id, Finding.retired_at.is_(None)))
    totals_row = session.execute(
        select(func.count(Action.id), func.sum(case((answers, 1), else_=0)))
        .where(Action.plan_id == plan_id, _live_action())).one()
    unanswered_query = (select(Action.ref, Action.title, Action.restricted, rag)
                        .where(Action.plan_id == plan_id, _live_action(), ~answers)
                        .order_by(Action.ref_sort, Action.ref))
    if unanswered_limit is not None:
        unanswered_query = unanswered_query.limit(unanswered_limit)
    unanswered = [{"ref": ref, "title": _title(user, title, restricted), "rag": r, "rag_label": RAG_LABELS[Rag(r)]}
                  for ref, title, restricted, r in session.execute(unanswered_query).all()]

    authorities = authority_summary(session, plan_id=plan_id)
    total_actions, answering = int(totals_row[0] or 0), int(totals_row[1] or 0)
    gaps = [f["ref"] for f in findings if not f["covered"]]
    return {
        "findings": findings, "gaps": gaps, "unanswered": unanswered, "authorities": authorities,
        "authorities_without_action": [a["code"] for a in authorities if not a["actions"]],
        "totals": {"findings": len(findings), "covered": len(findings) - len(gaps), "gaps": len(gaps),
                   "actions": total_actions, "answering": answering, "unanswered": total_actions - answering},
    }


def authority_summary(session: Session, *, plan_id: int) -> list[dict[str, Any]]:
    """Each specified authority: its agencies, and the live actions it leads or partners on (each
    action once per authority) with their RAG. Every authority is listed, none with 0."""
    rag = current_rag()
    lead = (select(Action.id.label("action_id"), Agency.specified_authority.label("authority"))
            .join(Agency, Agency.id == Action.lead_agency_id)
            .where(Action.plan_id == plan_id, Agency.specified_authority.is_not(None)))
    partner = (select(ActionPartner.action_id.label("action_id"), Agency.specified_authority.label("authority"))
               .join(Agency, Agency.id == ActionPartner.agency_id).join(Action, Action.id == ActionPartner.action_id)
               .where(Action.plan_id == plan_id, Agency.specified_authority.is_not(None)))
    pairs = union(lead, partner).subquery()  # UNION: an authority leading and partnering counts once
    rows = {r.authority: r for r in session.execute(
        select(pairs.c.authority, func.count(Action.id).label("n"), *_rag_sums(rag))
        .join(Action, and_(Action.id == pairs.c.action_id, _live_action()))
        .group_by(pairs.c.authority)).all()}
    agencies: dict[str, list[str]] = defaultdict(list)
    for name, code in session.execute(select(Agency.name, Agency.specified_authority)
                                      .where(Agency.specified_authority.is_not(None)).order_by(Agency.name)).all():
        agencies[code].append(name)
    return [{"code": code, "name": words, "agencies": agencies.get(code, []),
             "actions": int(rows[code].n) if code in rows else 0,
             "rag": _rags(rows[code]) if code in rows else {r.value: 0 for r in RAG_ORDER}}
            for code, words in SPECIFIED_AUTHORITIES.items()]


__all__ = ["authority_summary", "coverage", "current_rag"]
