"""The plan as a spreadsheet in the shape the import reads (one row per action), so a plan can
be moved between databases and a council can start from the app's own sheet."""

from __future__ import annotations

from sqlmodel import Session, select

from models import Action, ActionPartner, Agency, Plan, StatusUpdate, Theme
from plan.errors import NotFound
from plan.exports import Export, table_export
from plan.identity import Actor
from plan.permissions import require
from plan.text import plural
from plan.vocab import RAG_LABELS, DeliveryStatus, Rag

COLUMNS = ("Ref", "Theme", "Action", "Description", "Lead officer", "Lead agency", "Supporting partners",
           "Start date", "Due date", "RAG", "Status", "Progress update")


def plan_workbook(session: Session, *, user: Actor, plan_id: int) -> Export:
    """Every action of the plan, with its current RAG, status and latest commentary. Restricted
    actions only for a cleared user. Secretariat only; through the one export path (plan.exports:
    text as text, marked, audited)."""
    require(user, "plan.import")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    themes = {t.id: t.name for t in session.exec(select(Theme).where(Theme.plan_id == plan_id)).all()}
    agencies = {a.id: a.name for a in session.exec(select(Agency)).all()}
    actions = session.exec(select(Action).where(Action.plan_id == plan_id).order_by(Action.ref_sort)).all()
    rows = []
    for action in actions:
        if action.restricted and not user.cleared_for_restricted:
            continue
        partners = session.exec(select(ActionPartner.agency_id).where(ActionPartner.action_id == action.id)).all()
        latest = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == action.id)
                              .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())).first()  # type: ignore[attr-defined]
        rated = action.rag != Rag.NOT_ASSESSED.value
        rows.append([action.ref, themes.get(action.theme_id, ""), action.title, action.description, action.lead_owner,
                     agencies.get(action.lead_agency_id, "") if action.lead_agency_id else "",
                     "; ".join(sorted(agencies[p] for p in partners)), action.start_date, action.current_due_date,
                     RAG_LABELS[Rag(action.rag)] if rated else "",
                     DeliveryStatus(action.delivery_status).label if rated else "",
                     latest.commentary if latest else ""])
    return table_export(session, user=user, operation="plan.import", plan_id=plan_id,
                        marking=plan.protective_marking, plan_name=plan.name, title=plan.name, columns=COLUMNS,
                        rows=rows, filename_stem=f"plan {plan.slug}",
                        detail=f"the plan '{plan.slug}': {plural(len(rows), 'action')}")
