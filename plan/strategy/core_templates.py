"""The Home Office's serious violence outcome measures as built-in templates a plan switches on
(and off). Switched on, each is an ordinary measure of the plan (plan/measures): figures come in
as data returns or the measures import, linked to actions like any measure. Switched off, it is
kept with its figures as history and no longer asked for.

The three measures of the Serious Violence Duty's statutory guidance, each for victims under 25
and for all ages, over the rolling 12 months to the period's end, where lower is better. Small
numbers are suppressed when shown beyond the partnership (the review workbook prints a figure
under the threshold as '<N'), as the sources themselves do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from models import Agency, Measure, MeasureValue
from plan import audit
from plan.errors import InvalidFields, NotFound
from plan.identity import Actor
from plan.measures import create_measure
from plan.permissions import require


@dataclass(frozen=True)
class CoreTemplate:
    key: str
    ref: str
    name: str
    definition: str
    unit: str
    source: str  # the usual source, in words
    authority: str  # the specified authority that usually supplies it (its agency is the source)
    suppress_below: int  # figures from 1 to suppress_below - 1 are shown as '<suppress_below'
    lag_days: int
    caveat: str

    def notes(self) -> str:
        return (f"Core serious violence measure (Home Office). Usual source: {self.source}. Figures of 1 to "
                f"{self.suppress_below - 1} are suppressed when shown outside the partnership (printed as "
                f"<{self.suppress_below}). {self.caveat}")


_HOSPITAL = ("Hospital admissions for assault with a knife or sharp object (ICD-10 X99: assault by sharp object) of "
             "residents of the area{who}, in the 12 months to the period's end.")
_POLICE = ("Knife- and sharp-object-enabled serious violence recorded by the police (the offences of the Home Office "
           "knife crime flag: homicide, attempted murder, threats to kill, assault with injury or with intent to "
           "cause serious harm, robbery, rape and sexual assault where a knife or sharp object was used or "
           "threatened){who}, in the 12 months to the period's end.")
_HOMICIDE = "Homicides recorded in the area{who}, in the 12 months to the period's end."
_HES = "NHS England Hospital Episode Statistics (admitted patient care), via the integrated care board"
_FORCE = "police recorded crime (the force's knife crime flag), via the force's analyst"
_INDEX = "the Home Office Homicide Index, via the police force"

CORE_TEMPLATES: tuple[CoreTemplate, ...] = tuple(
    CoreTemplate(key=f"{base}_{age}", ref=f"{ref}-{'U25' if age == 'under25' else 'ALL'}",
                 name=f"{name} ({'victims under 25' if age == 'under25' else 'all ages'}, rolling 12 months)",
                 definition=text.format(who=" aged under 25" if age == "under25" else ", all ages"),
                 unit=unit, source=source, authority=authority, suppress_below=threshold, lag_days=lag,
                 caveat=caveat)
    for base, ref, name, text, unit, source, authority, threshold, lag, caveat in (
        ("hospital_sharp", "SV-HOSP", "Hospital admissions for assault with a knife or sharp object", _HOSPITAL,
         "admissions", _HES, "integrated_care_board", 8, 90,
         "Provisional for recent months; counts residents' admissions wherever treated."),
        ("police_knife", "SV-KNIFE", "Knife and sharp object serious violence recorded by the police", _POLICE,
         "offences", _FORCE, "police", 5, 30,
         "A rise can reflect recording practice or proactive policing as well as more violence."),
        ("homicide", "SV-HOM", "Homicides", _HOMICIDE, "homicides", _INDEX, "police", 5, 60,
         "Small numbers: a single case moves the figure; read the trend over several years."),
    )
    for age in ("under25", "all")
)
BY_KEY = {t.key: t for t in CORE_TEMPLATES}
BY_REF = {t.ref: t for t in CORE_TEMPLATES}


def shown(template_ref: str, value: float | None) -> str | None:
    """A figure as it may be shown beyond the partnership: a small number as '<N'; None unchanged."""
    template = BY_REF.get(template_ref)
    if value is None or template is None:
        return None
    if 0 < value < template.suppress_below:
        return f"<{template.suppress_below}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def core_measures(session: Session, *, plan_id: int) -> list[dict[str, Any]]:
    """Every template with its state in the plan: "on", "off" (switched off, kept), or "available";
    the measure's ref and how many figures it holds."""
    rows = {m.core_template: m for m in session.exec(select(Measure).where(Measure.plan_id == plan_id,
                                                                            Measure.core_template.is_not(None))).all()}
    counts = dict(session.exec(select(MeasureValue.measure_id, func.count(MeasureValue.id))
                               .join(Measure, Measure.id == MeasureValue.measure_id)
                               .where(Measure.plan_id == plan_id, Measure.core_template.is_not(None))
                               .group_by(MeasureValue.measure_id)).all())
    out = []
    for t in CORE_TEMPLATES:
        m = rows.get(t.key)
        state = "available" if m is None else "off" if m.switched_off_at else "on"
        out.append({"key": t.key, "ref": m.ref if m else t.ref, "name": t.name, "definition": t.definition,
                    "source": t.source, "suppress_below": t.suppress_below, "state": state,
                    "figures": counts.get(m.id, 0) if m else 0})
    return out


def switch_core_measure(session: Session, *, user: Actor, plan_id: int, key: str, on: bool,
                        actions: list[str] | None = None) -> dict[str, Any]:
    """Switch a core measure on (made from its template the first time: rolling 12 months, lower is
    better, quarterly, the usual source's agency: the plan's agency that is that specified
    authority, if any) or off (kept with its figures, no longer asked for in returns; on again
    brings it back as it was). Secretariat only. Raises NotAllowed, NotFound, InvalidFields."""
    require(user, "measure.define")
    template = BY_KEY.get(key)
    if template is None:
        raise NotFound(f"There is no core measure '{key}'; the core measures are: {', '.join(BY_KEY)}.")
    measure = session.exec(select(Measure).where(Measure.plan_id == plan_id, Measure.core_template == key)).first()
    if not on:
        if measure is not None and measure.switched_off_at is None:
            measure.switched_off_at = datetime.now(UTC)
            session.add(measure)
            session.flush()
            audit.record(session, actor=user, event="measure.core_off", plan_id=plan_id, entity="measure",
                         entity_key=measure.ref, after={"template": key})
        return {"key": key, "ref": measure.ref if measure else template.ref, "state": "off" if measure else "available"}
    if measure is not None:
        if measure.switched_off_at is not None:
            measure.switched_off_at = None
            session.add(measure)
            session.flush()
            audit.record(session, actor=user, event="measure.core_on", plan_id=plan_id, entity="measure",
                         entity_key=measure.ref, after={"template": key, "again": True})
        return {"key": key, "ref": measure.ref, "state": "on"}
    if session.exec(select(Measure.id).where(Measure.plan_id == plan_id, Measure.ref == template.ref)).first():
        raise InvalidFields({"ref": f"The plan already has a measure {template.ref} of its own; rename it first "
                                    "(Measures page) to switch the core measure on."})
    agency = session.exec(select(Agency.name).where(Agency.specified_authority == template.authority)
                          .order_by(Agency.id)).first()
    fields: dict[str, Any] = {"ref": template.ref, "name": template.name, "definition": template.definition,
                              "unit": template.unit, "kind": "rolling_12", "direction": "lower",
                              "frequency": "quarterly", "lag_days": template.lag_days, "notes": template.notes(),
                              "target_text": "Reduce", "actions": list(actions or [])}
    if agency:
        fields["source_agency"] = agency
    create_measure(session, user=user, plan_id=plan_id, fields=fields, source_text=template.source[:200])
    made = session.exec(select(Measure).where(Measure.plan_id == plan_id, Measure.ref == template.ref)).one()
    made.core_template = key
    session.add(made)
    session.flush()
    audit.record(session, actor=user, event="measure.core_on", plan_id=plan_id, entity="measure",
                 entity_key=made.ref, after={"template": key, "source_agency": agency or ""})
    return {"key": key, "ref": made.ref, "state": "on"}
