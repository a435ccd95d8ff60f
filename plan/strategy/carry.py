"""The yearly refresh carries the strategy frame forward: the definition (its current wording),
the needs assessment, the live findings, and their links to the actions carried with them and to
the measures carried (matched by ref: a measure keeps its ref into next year's plan)."""

from __future__ import annotations

from sqlmodel import Session, select

from models import Action, Finding, FindingAction, Measure, MeasureFinding, NeedsAssessment, ViolenceDefinition
from plan import audit
from plan.identity import Actor
from plan.permissions import require


def carry_findings(session: Session, *, user: Actor, old_plan_id: int, new_plan_id: int) -> int:
    """Copy last year's live findings into next year's plan, each linked to the carried actions
    that answered it (Action.carried_from_id), with the current definition and the assessment.
    Last year's plan is not touched. Returns the number of findings carried. Raises NotAllowed."""
    require(user, "plan.manage")
    current = session.exec(select(ViolenceDefinition).where(ViolenceDefinition.plan_id == old_plan_id)
                           .order_by(ViolenceDefinition.version.desc())).first()
    if current is not None:
        session.add(ViolenceDefinition(plan_id=new_plan_id, version=1, text=current.text, agreed_on=current.agreed_on,
                                       note=f"Carried forward from last year's plan (its version {current.version}).",
                                       recorded_by=user.name))
    assessments: dict[int | None, int | None] = {}
    for a in session.exec(select(NeedsAssessment).where(NeedsAssessment.plan_id == old_plan_id)).all():
        copy = NeedsAssessment(plan_id=new_plan_id, title=a.title, assessed_on=a.assessed_on,
                               author_agency_id=a.author_agency_id, link=a.link)
        session.add(copy)
        session.flush()
        assessments[a.id] = copy.id
    carried = dict(session.exec(select(Action.carried_from_id, Action.id)
                                .where(Action.plan_id == new_plan_id, Action.carried_from_id.is_not(None))).all())
    findings = session.exec(select(Finding).where(Finding.plan_id == old_plan_id, Finding.retired_at.is_(None))
                            .order_by(Finding.ref_sort)).all()
    links: dict[int | None, list[int]] = {}
    for finding_id, action_id in session.exec(
            select(FindingAction.finding_id, FindingAction.action_id)
            .join(Finding, Finding.id == FindingAction.finding_id).where(Finding.plan_id == old_plan_id)).all():
        links.setdefault(finding_id, []).append(action_id)
    new_measures = dict(session.exec(select(Measure.ref, Measure.id).where(Measure.plan_id == new_plan_id)).all())
    evidenced: dict[int | None, list[int]] = {}
    for finding_id, measure_ref in session.exec(
            select(MeasureFinding.finding_id, Measure.ref).join(Measure, Measure.id == MeasureFinding.measure_id)
            .where(Measure.plan_id == old_plan_id)).all():
        if measure_ref in new_measures:
            evidenced.setdefault(finding_id, []).append(new_measures[measure_ref])
    for f in findings:
        copy = Finding(plan_id=new_plan_id, assessment_id=assessments.get(f.assessment_id), ref=f.ref,
                       ref_sort=f.ref_sort, title=f.title, evidence=f.evidence, quoted=f.quoted, source=f.source,
                       theme=f.theme, priority=f.priority, carried_from_id=f.id)
        session.add(copy)
        session.flush()
        for action_id in links.get(f.id, []):
            if action_id in carried:
                session.add(FindingAction(finding_id=copy.id, action_id=carried[action_id]))
        for measure_id in evidenced.get(f.id, []):
            session.add(MeasureFinding(measure_id=measure_id, finding_id=copy.id))
    session.flush()
    if findings or current is not None:
        audit.record(session, actor=user, event="finding.create", plan_id=new_plan_id, entity="plan",
                     entity_key="carried forward", after={"findings": [f.ref for f in findings],
                                                          "definition": bool(current)})
    return len(findings)
