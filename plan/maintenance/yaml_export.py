"""A plan written back as a plan file in the format of seed_actions.yaml, so that loading it
(`python -m plan init --seed FILE --plan SLUG`) gives the same plan. Through the one export path
(plan/exports): the marking on the first line, audited.

What the format holds: the plan's fields and settings, its choices (plan_choices), RAG
definitions, themes, boards, the agencies, objectives, the actions (retired ones with when and why)
with partners, boards, dates, restriction, example and plan-choice marks and an imported
spreadsheet's other columns, and the measures with the actions they serve. What it does not hold:
demo data, history (updates, figures, meetings, rounds) and named people (owners are written as the
plan's role). The Serious Violence Duty frame (the definition's versions, the needs assessment,
findings and their links, agencies' specified authorities, the review date) comes too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import yaml
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Action,
    ActionBoard,
    ActionPartner,
    Agency,
    Board,
    Finding,
    FindingAction,
    Measure,
    MeasureAction,
    MeasureFinding,
    NeedsAssessment,
    Objective,
    Person,
    Plan,
    RagDefinition,
    Theme,
    ViolenceDefinition,
)
from plan.errors import NotAllowed, NotFound
from plan.exports import Export, text_export
from plan.identity import Actor
from plan.permissions import cleared_for, require
from plan.personal_data import findings
from plan.provenance import load as load_choices
from plan.text import plural
from plan.vocab import RAG_ORDER

YAML_MIME = "application/yaml"


class _Dumper(yaml.SafeDumper):
    """Block lists of mappings indented under their key, as the seed file writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Long text folded (">"), as a person would write it; short text plain or quoted as needed.
    style = ">" if len(value) > 90 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def plan_document(session: Session, *, plan_id: int) -> dict[str, Any]:
    """The plan as the plan file's mapping (plain values). Raises NotFound."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    themes = {t.id: t for t in session.exec(select(Theme).where(Theme.plan_id == plan_id)
                                             .order_by(Theme.position, Theme.id)).all()}
    boards = {b.id: b for b in session.exec(select(Board).where(Board.plan_id == plan_id).order_by(Board.id)).all()}
    agencies = {a.id: a for a in session.exec(select(Agency).order_by(Agency.id)).all()}
    objectives = {o.id: o for o in session.exec(select(Objective).where(Objective.plan_id == plan_id)
                                                 .order_by(Objective.id)).all()}
    definitions = {d.rag: d for d in session.exec(select(RagDefinition).where(RagDefinition.plan_id == plan_id)).all()}

    plan_part: dict[str, Any] = {
        "slug": plan.slug, "name": plan.name, "organisation": plan.organisation,
        **({"vision": plan.vision} if plan.vision else {}),
        "protective_marking": plan.protective_marking, "reporting_cycle": plan.reporting_cycle,
        **({"start_date": plan.start_date} if plan.start_date else {}),
        "personal_data_policy": plan.personal_data_policy, "update_deadline_days": plan.update_deadline_days,
        "community_view": plan.community_view,
        **({"review_due_on": plan.review_due_on} if plan.review_due_on else {}),
    }
    document: dict[str, Any] = {"plan": plan_part}
    if choices := load_choices(plan.plan_choices):
        document["plan_choices"] = choices
    document["rag_definitions"] = [{"rag": r.value, "label": definitions[r.value].label,
                                    "meaning": definitions[r.value].meaning}
                                   for r in RAG_ORDER if r.value in definitions]
    document["themes"] = [{"name": t.name, **({"description": t.description} if t.description else {})}
                          for t in themes.values()]
    document["boards"] = [{"code": b.code, "name": b.name} for b in boards.values()]
    document["agencies"] = [{"name": a.name, "kind": a.kind,
                             **({"specified_authority": a.specified_authority} if a.specified_authority else {})}
                            for a in agencies.values()]
    document["objectives"] = [{"ref": o.ref, "theme": themes[o.theme_id].name, "title": o.title}
                              for o in objectives.values()]

    actions = session.exec(select(Action).where(Action.plan_id == plan_id, Action.is_demo.is_(False))
                           .order_by(Action.ref_sort, Action.ref)).all()
    ids = [a.id for a in actions]
    partners: dict[int, list[str]] = {}
    for action_id, agency_id in session.exec(
            select(ActionPartner.action_id, ActionPartner.agency_id).where(ActionPartner.action_id.in_(ids))
            .order_by(ActionPartner.action_id, ActionPartner.agency_id)).all():
        partners.setdefault(action_id, []).append(agencies[agency_id].name)
    action_boards: dict[int, list[str]] = {}
    for action_id, board_id in session.exec(
            select(ActionBoard.action_id, ActionBoard.board_id).where(ActionBoard.action_id.in_(ids))
            .order_by(ActionBoard.action_id, ActionBoard.board_id)).all():
        action_boards.setdefault(action_id, []).append(boards[board_id].code)

    document["actions"] = [_action(a, themes, objectives, agencies, partners, action_boards) for a in actions]
    refs = {a.id: a.ref for a in actions}
    document["measures"] = _measures(session, plan_id, refs, agencies)
    if strategy := _strategy(session, plan_id, refs, agencies):
        document["strategy"] = strategy
    _mark_confirmed(document, session.exec(select(Person.email)).all())
    return document


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _mark_confirmed(document: dict[str, Any], known_emails: list[str]) -> None:
    """Loading a plan file reads its words for personal data (plan.seed): words the plan holds
    were confirmed when they were written (or loaded), so each item whose words are flagged says
    `personal_data_confirmed: true`, and the file loads as the plan it came from."""
    strategy = document.get("strategy") or {}
    items = [document["plan"], *(item for key in ("rag_definitions", "themes", "boards", "agencies", "objectives",
                                                  "actions", "measures") for item in document.get(key) or []),
             *strategy.get("definitions", []), *strategy.get("findings", []),
             *([strategy["assessment"]] if strategy.get("assessment") else [])]
    for item in items:
        if any(findings(text, known_emails=known_emails) for text in _strings(item)):
            item["personal_data_confirmed"] = True


def _strategy(session: Session, plan_id: int, refs: dict[int | None, str],
              agencies: dict) -> dict[str, Any]:  # type: ignore[type-arg]
    """The Serious Violence Duty frame: every version of the definition (oldest first), the latest
    needs assessment, the findings (retired ones with when and why) and the actions they link."""
    part: dict[str, Any] = {}
    versions = session.exec(select(ViolenceDefinition).where(ViolenceDefinition.plan_id == plan_id)
                            .order_by(ViolenceDefinition.version)).all()
    if versions:
        part["definitions"] = [{"text": v.text, "agreed_on": v.agreed_on, **({"note": v.note} if v.note else {})}
                               for v in versions]
    assessment = session.exec(select(NeedsAssessment).where(NeedsAssessment.plan_id == plan_id)
                              .order_by(NeedsAssessment.id.desc())).first()
    if assessment is not None:
        part["assessment"] = {"title": assessment.title,
                              **({"assessed_on": assessment.assessed_on} if assessment.assessed_on else {}),
                              **({"author_agency": agencies[assessment.author_agency_id].name}
                                 if assessment.author_agency_id else {}),
                              **({"link": assessment.link} if assessment.link else {})}
    findings = session.exec(select(Finding).where(Finding.plan_id == plan_id)
                            .order_by(Finding.ref_sort, Finding.ref)).all()
    linked: dict[int, list[str]] = {}
    for finding_id, action_id in session.exec(
            select(FindingAction.finding_id, FindingAction.action_id)
            .join(Finding, Finding.id == FindingAction.finding_id).where(Finding.plan_id == plan_id)
            .join(Action, Action.id == FindingAction.action_id).order_by(Action.ref_sort, Action.ref)).all():
        if action_id in refs:
            linked.setdefault(finding_id, []).append(refs[action_id])
    evidenced: dict[int, list[str]] = {}
    for finding_id, measure_ref in session.exec(
            select(MeasureFinding.finding_id, Measure.ref).join(Measure, Measure.id == MeasureFinding.measure_id)
            .where(Measure.plan_id == plan_id, Measure.is_demo.is_(False)).order_by(Measure.ref)).all():
        evidenced.setdefault(finding_id, []).append(measure_ref)
    items = []
    for f in findings:
        item: dict[str, Any] = {"ref": f.ref, "title": f.title}
        if f.evidence:
            item["evidence"] = f.evidence
        if f.quoted:
            item["quoted"] = True
        item.update({k: v for k, v in (("source", f.source), ("theme", f.theme)) if v})
        if f.priority != "medium":
            item["priority"] = f.priority
        if linked.get(f.id or 0):
            item["actions"] = linked[f.id or 0]
        if evidenced.get(f.id or 0):
            item["measures"] = evidenced[f.id or 0]
        if f.retired_at is not None:
            at = f.retired_at if f.retired_at.tzinfo else f.retired_at.replace(tzinfo=UTC)
            item["retired"] = {"at": at.isoformat(), "reason": f.retired_reason}
        items.append(item)
    if items:
        part["findings"] = items
    return part


def _action(a: Action, themes: dict, objectives: dict, agencies: dict, partners: dict,  # type: ignore[type-arg]
            boards: dict) -> dict[str, Any]:  # type: ignore[type-arg]
    item: dict[str, Any] = {"ref": a.ref, "theme": themes[a.theme_id].name}
    if a.objective_id:
        item["objective"] = objectives[a.objective_id].ref
    item["title"] = a.title
    if a.description:
        item["description"] = a.description
    if a.source_text:
        item["source_text"] = a.source_text
    item["owner"] = a.lead_owner
    if a.lead_agency_id:
        item["lead_agency"] = agencies[a.lead_agency_id].name
    if partners.get(a.id):
        item["partners"] = partners[a.id]
    if boards.get(a.id):
        item["boards"] = boards[a.id]
    if a.start_date:
        item["start_date"] = a.start_date
    if a.current_due_date:
        item["due_date"] = a.current_due_date
    if a.baseline_due_date and a.baseline_due_date != a.current_due_date:
        item["baseline_due_date"] = a.baseline_due_date
    if a.restricted:
        item["restricted"] = True
    if choices := load_choices(a.plan_choices):
        item["plan_choices"] = choices
    if a.is_example:
        item["example"] = True
    if a.extra:
        try:
            extra = json.loads(a.extra)
        except ValueError:
            extra = None
        if isinstance(extra, dict) and extra:
            item["extra"] = {str(k): "" if v is None else str(v) for k, v in extra.items()}
    if a.retired_at is not None:
        at = a.retired_at if a.retired_at.tzinfo else a.retired_at.replace(tzinfo=UTC)
        item["retired"] = {"at": at.isoformat(), "reason": a.retired_reason}
    return item


def _measures(session: Session, plan_id: int, refs: dict[int, str], agencies: dict) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    measures = session.exec(select(Measure).where(Measure.plan_id == plan_id, Measure.is_demo.is_(False))
                            .order_by(Measure.id)).all()
    served: dict[int, list[int]] = {}
    for measure_id, action_id in session.exec(
            select(MeasureAction.measure_id, MeasureAction.action_id)
            .join(Measure, Measure.id == MeasureAction.measure_id).where(Measure.plan_id == plan_id)
            .order_by(MeasureAction.measure_id, MeasureAction.action_id)).all():
        if action_id in refs:
            served.setdefault(measure_id, []).append(action_id)
    found = []
    for m in measures:
        action_ids = served.get(m.id, [])
        if m.action_id in action_ids:  # the first action stays first: it is the measure's home
            action_ids = [m.action_id] + [i for i in action_ids if i != m.action_id]
        item: dict[str, Any] = {"ref": m.ref, "name": m.name}
        if m.description:
            item["definition"] = m.description
        item.update({"unit": m.unit, "kind": m.kind})
        optional = {"cumulative_since": m.cumulative_since, "baseline": m.baseline,
                    "baseline_period": m.baseline_period or None, "target": m.target,
                    "target_text": m.target_text or None, "target_date": m.target_date, "tolerance": m.tolerance}
        item.update({k: v for k, v in optional.items() if v is not None})
        item.update({"direction": m.direction, "frequency": m.frequency})
        if m.lag_days is not None:
            item["lag_days"] = m.lag_days
        if m.source_agency_id:
            item["source_agency"] = agencies[m.source_agency_id].name
        if m.notes:
            item["notes"] = m.notes
        if m.core_template:  # a core serious violence measure switched on from its template
            item["core"] = m.core_template
            if m.switched_off_at is not None:
                at = m.switched_off_at if m.switched_off_at.tzinfo else m.switched_off_at.replace(tzinfo=UTC)
                item["switched_off_at"] = at.isoformat()
        if action_ids:
            item["actions"] = [refs[i] for i in action_ids]
        found.append(item)
    return found


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def export_yaml(session: Session, *, user: Actor, plan_id: int) -> Export:
    """The plan file for `plan_id`, marked and audited. Admins only; a plan with restricted actions
    only for someone cleared to see restricted detail (the file holds it). Raises NotAllowed,
    NotFound."""
    require(user, "plan.manage")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    restricted = session.exec(select(func.count()).select_from(Action)
                              .where(Action.plan_id == plan_id, Action.restricted.is_(True))).one()
    if not cleared_for(user, restricted):
        raise NotAllowed(f"The plan file holds {restricted} restricted action(s) in full; only someone cleared for "
                         "restricted items may export it. Ask a cleared colleague.")
    document = plan_document(session, plan_id=plan_id)
    when = datetime.now(UTC).strftime("%d %b %Y %H:%M UTC")
    body = (f"# Plan '{plan.slug}' ({plan.name}) as a plan file, exported {when} by {user.name}.\n"
            f"# Load it into a database with: python -m plan init --seed FILE --plan NEW-SLUG\n"
            + ("# It holds restricted actions in full: handle it as restricted.\n" if restricted else "")
            + "\n" + to_yaml(document))
    return text_export(session, user=user, operation="plan.manage", plan_id=plan_id, marking=plan.protective_marking,
                       body=body, filename_stem=f"plan {plan.slug}", suffix=".yaml", mime=YAML_MIME,
                       entity_key=plan.slug, restricted=bool(restricted),
                       detail=f"{plural(len(document['actions']), 'action')}, "
                              f"{plural(len(document['measures']), 'measure')}")
