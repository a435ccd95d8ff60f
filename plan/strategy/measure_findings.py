"""The measures that evidence each needs-assessment finding (many to many).

Why a link of its own, not only through actions: the Duty's core measures (knife-enabled
violence, hospital admissions for assault with a sharp object, homicides) show whether what the
needs assessment found is changing, whichever actions answer it; a chair reads a finding with
both its actions and its measures. Links are set in full per measure, audited before and after;
links to retired findings stay (they say what the measure evidenced)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, select

from models import Finding, Measure, MeasureFinding
from plan import audit
from plan.errors import InvalidFields, NotFound
from plan.identity import Actor
from plan.measures.definitions import RESTRICTED_NAME, is_restricted, restricted_condition
from plan.permissions import require, require_cleared
from plan.text import clean


def _measure(session: Session, plan_id: int, ref: str) -> Measure:
    measure = session.exec(select(Measure).where(Measure.plan_id == plan_id,
                                                 Measure.ref == clean(str(ref), multiline=False).strip())).first()
    if measure is None:
        raise NotFound(f"There is no measure '{ref}' in this plan.")
    return measure


def findings_of_measure(session: Session, *, plan_id: int, measure_ref: str) -> list[str]:
    """The refs of the live findings a measure evidences, in ref order."""
    measure = _measure(session, plan_id, measure_ref)
    return list(session.exec(select(Finding.ref).join(MeasureFinding, MeasureFinding.finding_id == Finding.id)
                             .where(MeasureFinding.measure_id == measure.id, Finding.retired_at.is_(None))
                             .order_by(Finding.ref_sort, Finding.ref)).all())


def set_measure_findings(session: Session, *, user: Actor, plan_id: int, measure_ref: str,
                         finding_refs: Iterable[str]) -> dict[str, Any]:
    """The findings one measure evidences, set in full. Secretariat only; a measure serving only
    restricted actions only by someone cleared. Every ref is checked before anything is written.
    Returns {added: [refs], removed: [refs]}. Raises NotAllowed, NotFound, InvalidFields
    (under "findings")."""
    require(user, "strategy.edit")
    measure = _measure(session, plan_id, measure_ref)
    require_cleared(user, is_restricted(session, measure.id), what=f"Measure {measure.ref}")
    findings = {ref: (fid, retired) for ref, fid, retired in session.exec(
        select(Finding.ref, Finding.id, Finding.retired_at).where(Finding.plan_id == plan_id)).all()}
    wanted_refs = list(dict.fromkeys(clean(str(r), multiline=False).strip() for r in finding_refs if str(r).strip()))
    unknown = [r for r in wanted_refs if r not in findings]
    gone = [r for r in wanted_refs if r in findings and findings[r][1] is not None]
    if unknown or gone:
        words = []
        if unknown:
            words.append(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a finding of the plan "
                         f"(its findings: {', '.join(sorted(findings)) or 'none yet'})")
        if gone:
            words.append(f"{', '.join(gone)} {'was' if len(gone) == 1 else 'were'} retired")
        raise InvalidFields({"findings": f"Measure {measure.ref}: " + "; ".join(words) + "."})
    by_id = {fid: ref for ref, (fid, _) in findings.items()}
    retired = {fid for fid, gone_at in findings.values() if gone_at is not None}
    have = set(session.exec(select(MeasureFinding.finding_id).where(MeasureFinding.measure_id == measure.id)).all())
    wanted = {findings[r][0] for r in wanted_refs} | (have & retired)
    added, removed = wanted - have, have - wanted
    if added:
        now = datetime.now(UTC)
        session.execute(insert(MeasureFinding), [{"measure_id": measure.id, "finding_id": f, "linked_at": now}
                                                 for f in sorted(added)])
    if removed:
        session.execute(delete(MeasureFinding).where(MeasureFinding.measure_id == measure.id,
                                                     MeasureFinding.finding_id.in_(removed)))
    if added or removed:
        audit.record(session, actor=user, event="finding.measure_link", plan_id=plan_id, entity="measure",
                     entity_key=measure.ref, before={"findings": sorted(by_id[f] for f in have)},
                     after={"findings": sorted(by_id[f] for f in wanted)},
                     restricted=is_restricted(session, measure.id))
        session.flush()
    return {"added": sorted(by_id[f] for f in added), "removed": sorted(by_id[f] for f in removed)}


def measures_by_finding(session: Session, *, plan_id: int, cleared: bool) -> dict[str, list[dict[str, str]]]:
    """finding ref -> [{ref, name}] of the measures that evidence it (one query); a restricted
    measure's name reads "Restricted measure" for a reader not cleared."""
    found: dict[str, list[dict[str, str]]] = defaultdict(list)
    for finding_ref, ref, name, secret in session.exec(
            select(Finding.ref, Measure.ref, Measure.name, restricted_condition())
            .join(MeasureFinding, MeasureFinding.finding_id == Finding.id)
            .join(Measure, Measure.id == MeasureFinding.measure_id)
            .where(Finding.plan_id == plan_id, Finding.retired_at.is_(None), Measure.switched_off_at.is_(None))
            .order_by(Finding.ref, Measure.ref)).all():
        found[finding_ref].append({"ref": ref, "name": RESTRICTED_NAME if secret and not cleared else name})
    return found
