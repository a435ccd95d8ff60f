"""Figures for the plan's measures: each return is appended; the latest for a period stands."""

from __future__ import annotations

import math
import re

from sqlmodel import Session, select

from models import Measure, MeasureValue, Plan
from plan import audit
from plan.errors import InvalidInput, NotAllowed, NotFound
from plan.identity import Actor
from plan.permissions import allowed, require
from plan.personal_data import checked_text

PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|B[1-6]|0[1-9]|1[0-2]))?$")


def submit_value(session: Session, *, user: Actor, plan_id: int, measure_ref: str, period: str,
                 value: float | str, note: str = "", personal_data_confirmed: bool = False) -> MeasureValue:
    """Append a figure for a measure and period. Contributors submit for their own agency's
    measures; the secretariat for any. Raises NotFound, NotAllowed, InvalidInput."""
    require(user, "measure.submit_own_agency")
    measure = session.exec(select(Measure).where(Measure.plan_id == plan_id, Measure.ref == measure_ref)).first()
    if measure is None:
        raise NotFound(f"There is no measure '{measure_ref}' in this plan.")
    if not allowed(user, "measure.submit_any") and (user.agency_id is None
                                                    or user.agency_id != measure.source_agency_id):
        raise NotAllowed(f"Measure {measure_ref} is reported by another agency; you can submit figures only "
                         "for your own agency's measures.")
    period = period.strip().upper()
    if not PERIOD.match(period):
        raise InvalidInput(f"'{period}' is not a reporting period; write it like 2026-Q3, 2026-07 or 2026.")
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        raise InvalidInput(f"'{value}' is not a number.") from None
    if not math.isfinite(number):
        raise InvalidInput(f"'{value}' is not a number.")
    if measure.unit == "%" and not 0 <= number <= 100:
        raise InvalidInput(f"{number:g} is not a percentage between 0 and 100.")
    note = checked_text(session, plan_id=plan_id, label="Note", text=note, confirmed=personal_data_confirmed)
    row = MeasureValue(measure_id=measure.id, period=period, value=number, note=note,
                       submitted_by_person_id=user.person_id, submitted_by_name=user.name)
    session.add(row)
    plan = session.get(Plan, plan_id)
    audit.record(session, actor=user, event="measure.value", plan_id=plan_id, entity="measure",
                 entity_key=measure_ref, after={"period": period, "value": number, "note": note},
                 detail=plan.slug if plan else "")
    return row
