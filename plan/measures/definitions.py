"""Measure definitions: read them with their current figures and evidence, and (secretariat
only) create, change and link them to actions. Every change is audited with before and after."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from models import Action, Agency, Measure, MeasureAction, MeasureValue, Person, Plan
from plan import audit
from plan.errors import InvalidFields, InvalidInput, NotFound, StaleVersion
from plan.identity import Actor
from plan.measures import periods as P
from plan.measures.evidence_rules import RAG_RANK, evidence, target_line, weaker_than_owner
from plan.measures.figures import describe_figure, format_value
from plan.measures.targets import parse_target
from plan.measures.terms import (
    DIRECTION_LABELS,
    FREQUENCIES,
    KIND_LABELS,
    STATE_LABELS,
    TARGET_PER,
    TARGET_TYPES,
    UNITS,
    parse_direction,
    parse_frequency,
    parse_kind,
    parse_unit,
)
from plan.permissions import cleared_for, require, require_cleared, restricted_measure
from plan.personal_data import plan_field_problems
from plan.vocab import RAG_LABELS, Rag

RESTRICTED_NAME = "Restricted measure: shown only to cleared users"
FIELDS = ("ref", "name", "definition", "unit", "kind", "cumulative_since", "baseline", "baseline_period", "target",
          "target_date", "target_type", "target_per", "target_text", "direction", "tolerance", "frequency",
          "source_agency", "contributor", "lag_days", "notes")


def definition_choices(session: Session | None = None) -> dict[str, Any]:
    """The fixed words a definition form offers, each with its label; given a session, also
    "agencies": the names of every agency a measure can name as its source."""
    choices: dict[str, Any] = {
        "kinds": dict(KIND_LABELS), "directions": dict(DIRECTION_LABELS), "frequencies": list(FREQUENCIES),
        "units": list(UNITS), "target_types": list(TARGET_TYPES), "target_per": list(TARGET_PER),
        "states": dict(STATE_LABELS)}
    if session is not None:
        choices["agencies"] = list(session.exec(select(Agency.name).order_by(Agency.name)).all())
    return choices


# ---------------------------------------------------------------- reading


def restricted_condition() -> Any:
    """SQL: the measure serves only restricted actions (and at least one): the one rule's
    words for measures (plan.permissions.restricted_measure)."""
    return restricted_measure(Measure.id)


def _rows(session: Session, plan_id: int, *conditions: Any) -> list[Any]:
    query = (select(Measure, Agency.name, Person.name, Person.email, restricted_condition().label("restricted"))
             .outerjoin(Agency, Agency.id == Measure.source_agency_id)
             .outerjoin(Person, Person.id == Measure.contributor_person_id)
             .where(Measure.plan_id == plan_id, Measure.switched_off_at.is_(None), *conditions)  # off: kept, not shown
             .order_by(Measure.ref))
    return list(session.exec(query).all())


def action_refs(session: Session, measure_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(measure_ids)
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if ids:
        for measure_id, ref, ref_order in session.exec(
                select(MeasureAction.measure_id, Action.ref, Action.ref_sort)
                .join(Action, Action.id == MeasureAction.action_id).where(MeasureAction.measure_id.in_(ids))).all():
            found[measure_id].append((ref_order, ref))
    return {measure_id: [ref for _, ref in sorted(refs)] for measure_id, refs in found.items()}


def current_values(session: Session, measure_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The current figure of every period (the newest return), in period order, one query."""
    ids = list(measure_ids)
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not ids:
        return result
    latest = (select(func.max(MeasureValue.id).label("id"), func.count(MeasureValue.id).label("returns"))
              .where(MeasureValue.measure_id.in_(ids))
              .group_by(MeasureValue.measure_id, MeasureValue.period).subquery())
    rows = session.exec(select(MeasureValue, latest.c.returns).join(latest, latest.c.id == MeasureValue.id)
                        .order_by(MeasureValue.measure_id, MeasureValue.period_end, MeasureValue.period_start)).all()
    for row, returns in rows:
        result[row.measure_id].append(_value_dict(row, revised=returns > 1))
    return result


def _value_dict(row: MeasureValue, *, revised: bool = False) -> dict[str, Any]:
    period = P.from_label(row.period)
    return {"period": row.period, "label": period.display, "start": row.period_start, "end": row.period_end,
            "value": row.value, "state": row.state, "raw": row.raw, "provisional": row.provisional,
            "note": row.note, "submitted_by": row.submitted_by_name, "submitted_at": row.created_at,
            "source": row.source, "is_demo": row.is_demo, "revised": revised,
            "reported_status": row.reported_status or ""}


def with_gaps(values: list[dict[str, Any]], frequency: str) -> list[dict[str, Any]]:
    """Periods of the measure's frequency between two figures with no return appear as missing,
    so a chart breaks its line there and a reader sees the gap."""
    if len(values) < 2 or not all(P.fits(P.from_label(v["period"]), frequency) for v in values):
        return values
    have = {v["period"]: v for v in values}
    filled = []
    for period in P.sequence(P.from_label(values[0]["period"]), P.from_label(values[-1]["period"]), frequency):
        filled.append(have.get(period.label) or {
            "period": period.label, "label": period.display, "start": period.start, "end": period.end,
            "value": None, "state": "missing", "raw": "", "provisional": False, "note": "", "submitted_by": "",
            "submitted_at": None, "source": "", "is_demo": False, "revised": False, "gap": True,
            "reported_status": ""})
    return filled


def _measure_dict(measure: Measure, agency: str | None, contributor: str | None, email: str | None,
                  restricted: bool, actions: list[str], values: list[dict[str, Any]], user: Actor) -> dict[str, Any]:
    hidden = not cleared_for(user, restricted)
    data: dict[str, Any] = {
        "ref": measure.ref, "name": RESTRICTED_NAME if hidden else measure.name,
        "definition": "" if hidden else measure.description, "unit": measure.unit, "kind": measure.kind,
        "kind_label": KIND_LABELS.get(measure.kind, measure.kind), "cumulative_since": measure.cumulative_since,
        "baseline": measure.baseline, "baseline_period": measure.baseline_period,
        "baseline_label": P.from_label(measure.baseline_period).display if measure.baseline_period else "",
        "target": measure.target, "target_date": measure.target_date, "target_type": measure.target_type,
        "target_per": measure.target_per, "target_text": measure.target_text, "direction": measure.direction,
        "direction_label": DIRECTION_LABELS.get(measure.direction, measure.direction),
        "tolerance": measure.tolerance, "frequency": measure.frequency, "source_agency": agency or "",
        "source_agency_id": measure.source_agency_id, "source_text": measure.source_text,
        "contributor": contributor or "", "contributor_email": email or "", "lag_days": measure.lag_days,
        "notes": "" if hidden else measure.notes, "actions": actions, "version": measure.version,
        "restricted": bool(restricted), "is_demo": measure.is_demo,
    }
    values = [] if hidden else with_gaps(values, measure.frequency)
    for value in values:
        value["shown"] = describe_figure(value["state"], value["value"], value["raw"], value["provisional"],
                                         measure.unit, gap=bool(value.get("gap")))
    found = evidence(data, values)
    data.update(
        values=values,
        latest=next((v for v in reversed(values) if v["state"] == "value"), None),
        evidence_rag=found.rag, evidence=found.as_dict(),
        direction_of_travel=found.direction_of_travel, direction_vs_last_year=found.direction_vs_last_year,
        change=found.change, target_line=target_line(data, [v["period"] for v in values]),
        baseline_text=format_value(measure.baseline, measure.unit),
        reported_status=_reported_status(values),
    )
    return data


def _reported_status(values: list[dict[str, Any]]) -> dict[str, str] | None:
    """The newest status the partner's own report gave (kept beside the evidence RAG, which is
    the app's reading of the figures against the target): {"status": "Red", "label": "Jul–Sep 2025"}."""
    for value in reversed(values):
        if value.get("reported_status"):
            return {"status": value["reported_status"].capitalize(), "label": value["label"]}
    return None


def _dicts(session: Session, user: Actor, rows: list[Any]) -> list[dict[str, Any]]:
    ids = [row[0].id for row in rows]
    links, values = action_refs(session, ids), current_values(session, ids)
    return [_measure_dict(m, agency, name, email, restricted, links.get(m.id, []), values.get(m.id, []), user)
            for m, agency, name, email, restricted in rows]


def list_measures(session: Session, *, user: Actor, plan_id: int, action_ref: str | None = None,
                  agency_id: int | None = None) -> list[dict[str, Any]]:
    """Every measure of the plan (or of one action, or supplied by one agency), in ref order,
    with its current figures, evidence RAG and direction of travel. Anyone signed in may read;
    measures that serve only restricted actions are masked for users not cleared."""
    conditions = []
    if action_ref is not None:
        action = _action(session, plan_id, action_ref)
        conditions.append(Measure.id.in_(select(MeasureAction.measure_id)
                                         .where(MeasureAction.action_id == action.id)))
    if agency_id is not None:
        conditions.append(Measure.source_agency_id == agency_id)
    return _dicts(session, user, _rows(session, plan_id, *conditions))


def measures_for_action(session: Session, *, user: Actor, plan_id: int, action_ref: str) -> list[dict[str, Any]]:
    """The measures an action is judged by (for Action detail). Raises NotFound."""
    return list_measures(session, user=user, plan_id=plan_id, action_ref=action_ref)


def get_measure(session: Session, *, user: Actor, plan_id: int, ref: str) -> dict[str, Any]:
    """One measure with its figures and evidence. Raises NotFound."""
    rows = _rows(session, plan_id, Measure.ref == ref.strip())
    if not rows:
        raise NotFound(f"There is no measure '{ref}' in this plan.")
    return _dicts(session, user, rows)[0]


def measure_history(session: Session, *, user: Actor, plan_id: int, ref: str) -> list[dict[str, Any]]:
    """Every return ever made for the measure, newest first, each marked current or not: a
    revision never hides the figure it replaced."""
    data = get_measure(session, user=user, plan_id=plan_id, ref=ref)
    if not cleared_for(user, data["restricted"]):
        return []
    measure = load(session, plan_id, ref)
    rows = session.exec(select(MeasureValue).where(MeasureValue.measure_id == measure.id)
                        .order_by(MeasureValue.id.desc())).all()
    seen: set[str] = set()
    history = []
    for row in rows:
        item = _value_dict(row)
        item["shown"] = describe_figure(row.state, row.value, row.raw, row.provisional, measure.unit)
        item["current"] = row.period not in seen
        seen.add(row.period)
        history.append(item)
    return history


def load(session: Session, plan_id: int, ref: str) -> Measure:
    measure = session.exec(select(Measure).where(Measure.plan_id == plan_id, Measure.ref == ref.strip())).first()
    if measure is None:
        raise NotFound(f"There is no measure '{ref}' in this plan.")
    return measure


def _action(session: Session, plan_id: int, ref: str) -> Action:
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == str(ref).strip())).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    return action


# ---------------------------------------------------------------- checking a definition


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any, field: str, problems: dict[str, str], label: str) -> float | None:
    if _blank(value):
        return None
    try:
        number = float(str(value).replace(",", "").rstrip("%").strip())
    except ValueError:
        problems[field] = f"{label}: '{value}' is not a number."
        return None
    if number != number or number in (float("inf"), float("-inf")):
        problems[field] = f"{label}: '{value}' is not a number."
        return None
    return number


def _day(value: Any, field: str, problems: dict[str, str], label: str) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for parse in (date.fromisoformat, _uk_date):
        try:
            return parse(text)
        except ValueError:
            continue
    problems[field] = f"{label}: '{text}' is not a date; write it as 31/03/2026 or 2026-03-31."
    return None


def _uk_date(text: str) -> date:
    day, month, year = text.replace(".", "/").replace("-", "/").split("/")
    return date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))


def check_definition(session: Session, fields: Mapping[str, Any], *, plan_id: int,
                     current: Measure | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Every field of a definition checked at once: (column values, problems keyed by field).

    Its free text (name, definition, target in words, notes) is read for personal data under the
    plan's policy (plan.personal_data): under "warn" a finding is the field's problem until the
    writer confirms, with `"personal_data_confirmed": True` among the fields; under "refuse" it
    always is. Words the measure already holds are not asked about again."""
    confirmed = bool(fields.get("personal_data_confirmed", False))
    fields = {k: v for k, v in fields.items() if k != "personal_data_confirmed"}
    unknown = sorted(set(fields) - set(FIELDS) - {"actions"})
    if unknown:
        raise InvalidInput(f"Unknown measure fields: {', '.join(unknown)}. Known: {', '.join(FIELDS)}, actions.")
    merged: dict[str, Any] = {}
    if current is not None:
        merged = {"ref": current.ref, "name": current.name, "definition": current.description, "unit": current.unit,
                  "kind": current.kind, "cumulative_since": current.cumulative_since, "baseline": current.baseline,
                  "baseline_period": current.baseline_period, "target": current.target,
                  "target_date": current.target_date, "target_type": current.target_type,
                  "target_per": current.target_per, "target_text": current.target_text,
                  "direction": current.direction, "tolerance": current.tolerance, "frequency": current.frequency,
                  "source_agency": current.source_agency_id, "contributor": current.contributor_person_id,
                  "lag_days": current.lag_days, "notes": current.notes}
    merged.update({k: v for k, v in fields.items() if k != "actions"})
    problems: dict[str, str] = {}
    out: dict[str, Any] = {}

    ref = " ".join(str(merged.get("ref") or "").split())
    if not ref:
        problems["ref"] = "Ref: give the measure a short code, e.g. M3.5."
    elif len(ref) > 30:
        problems["ref"] = f"Ref: '{ref}' is {len(ref)} characters; the most allowed is 30."
    elif (current is None or current.ref != ref) and session.exec(
            select(Measure.id).where(Measure.plan_id == plan_id, Measure.ref == ref)).first() is not None:
        problems["ref"] = f"Ref: the plan already has a measure {ref}; choose another code."
    out["ref"] = ref
    name = " ".join(str(merged.get("name") or "").split())
    if not name:
        problems["name"] = "Name: say what is measured, e.g. 'A&E attendances for assault'."
    elif len(name) > 300:
        problems["name"] = f"Name is {len(name)} characters; the most allowed is 300."
    out["name"] = name
    out["description"] = str(merged.get("definition") or "").strip()
    out["notes"] = str(merged.get("notes") or "").strip()
    for key, label in (("description", "Definition"), ("notes", "Notes")):
        if len(out[key]) > 4000:
            problems["definition" if key == "description" else key] = (
                f"{label} is {len(out[key]):,} characters; the most allowed is 4,000.")

    for key, parse, default in (("unit", parse_unit, "count"), ("kind", parse_kind, "count"),
                                ("direction", parse_direction, None), ("frequency", parse_frequency, "quarterly")):
        value = merged.get(key)
        if _blank(value):
            if default is None:
                problems[key] = "Direction of good: choose higher, lower or contextual (monitored, no RAG)."
            out[key] = default
            continue
        try:
            out[key] = parse(value, key.capitalize())  # type: ignore[operator]
        except InvalidInput as err:
            problems[key] = str(err)
            out[key] = default
    out["cumulative_since"] = _day(merged.get("cumulative_since"), "cumulative_since", problems, "Counted since")
    if out["kind"] == "cumulative" and out["cumulative_since"] is None:
        problems["cumulative_since"] = "Counted since: a cumulative measure needs the date it counts from."
    if out["kind"] != "cumulative":
        out["cumulative_since"] = None

    out["baseline"] = _number(merged.get("baseline"), "baseline", problems, "Baseline")
    baseline_period = merged.get("baseline_period")
    out["baseline_period"] = ""
    if not _blank(baseline_period):
        try:
            out["baseline_period"] = P.parse_period(baseline_period).label
        except InvalidInput as err:
            problems["baseline_period"] = f"Baseline period: {err}"
    if out["baseline"] is not None and out["unit"] == "%" and not 0 <= out["baseline"] <= 100:
        problems["baseline"] = f"Baseline: {out['baseline']:g} is not a percentage between 0 and 100."

    text = " ".join(str(merged.get("target_text") or "").split())
    out["target_text"] = text[:300]
    if len(text) > 300:
        problems["target_text"] = f"Target (words) is {len(text)} characters; the most allowed is 300."
    parsed = parse_target(text, baseline=out["baseline"]) if text else None
    given_target = "target" in fields and not _blank(fields.get("target"))
    target = _number(merged.get("target"), "target", problems, "Target")
    if parsed is not None and "target" not in fields and ("target_text" in fields or current is None):
        target = parsed.value  # words changed, number not given: read the number from the words
    out["target"] = target
    target_date = _day(merged.get("target_date"), "target_date", problems, "Target date")
    if target_date is None and parsed is not None and "target_date" not in fields:
        target_date = parsed.date
    out["target_date"] = target_date
    per = merged.get("target_per") or (parsed.per if parsed else "period")
    if parsed is not None and "target_per" not in fields and ("target_text" in fields or current is None):
        per = parsed.per
        if parsed.from_baseline and out["baseline_period"]:
            # "10% reduction on baseline": the target covers what the baseline covers (a year for 2023/24)
            per = "year" if P.from_label(out["baseline_period"]).months == 12 else "period"
    if per not in TARGET_PER:
        problems["target_per"] = f"Target per: '{per}' is not one of: {', '.join(TARGET_PER)}."
        per = "period"
    out["target_per"] = per
    if not text and given_target:
        out["target_text"] = format_value(target, out["unit"] or "count") + (" a year" if per == "year" else "")
    target_type = merged.get("target_type")
    if "target_type" not in fields and (given_target or "target_text" in fields or current is None):
        target_type = None  # work it out again from the target
    if _blank(target_type):
        starts = (out["baseline"] is not None and out["baseline_period"]) or out["cumulative_since"]
        target_type = ("none" if out["target"] is None else
                       "trajectory" if out["target_date"] and starts else "value")
    if target_type not in TARGET_TYPES:
        problems["target_type"] = f"Target type: '{target_type}' is not one of: {', '.join(TARGET_TYPES)}."
        target_type = "none"
    if target_type in ("value", "trajectory") and out["target"] is None:
        problems["target"] = "Target: give a number (or choose no numeric target)."
    if target_type == "trajectory":
        if out["target_date"] is None:
            problems["target_date"] = "Target date: a trajectory needs the date the target is due."
        if not ((out["baseline"] is not None and out["baseline_period"]) or out["cumulative_since"]):
            problems["baseline"] = ("Baseline: a trajectory starts from the baseline; give its value and period "
                                    "(or use a flat target).")
    out["target_type"] = target_type
    if out["target"] is not None and out["unit"] == "%" and not 0 <= out["target"] <= 100:
        problems["target"] = f"Target: {out['target']:g} is not a percentage between 0 and 100."
    tolerance = _number(merged.get("tolerance"), "tolerance", problems, "Tolerance")
    if tolerance is not None and not 0 <= tolerance <= 100:
        problems["tolerance"] = f"Tolerance: {tolerance:g} is not a percentage of the target between 0 and 100."
    out["tolerance"] = tolerance
    lag = _number(merged.get("lag_days"), "lag_days", problems, "Data lag")
    if lag is not None and (lag < 0 or lag > 730 or not float(lag).is_integer()):
        problems["lag_days"] = f"Data lag: {lag:g} is not a whole number of days between 0 and 730."
    out["lag_days"] = int(lag) if lag is not None and "lag_days" not in problems else None

    out["source_agency_id"] = _agency_id(session, merged.get("source_agency"), problems)
    out["contributor_person_id"] = _person_id(session, merged.get("contributor"), problems)
    _personal_data(session, plan_id, out, problems, current, confirmed)
    return out, problems


_FREE_TEXT = {"name": ("name", "Name"), "description": ("definition", "Definition"),
              "target_text": ("target_text", "Target (words)"), "notes": ("notes", "Notes")}


def _personal_data(session: Session, plan_id: int, out: dict[str, Any], problems: dict[str, str],
                   current: Measure | None, confirmed: bool) -> None:
    """A measure's words are shown on papers, exports and returns: checked as an action's are
    (plan.personal_data), each problem under its form field; unchanged words are not asked again."""
    changed = {field: (label, out[column]) for column, (field, label) in _FREE_TEXT.items()
               if out.get(column) and field not in problems
               and (current is None or getattr(current, column) != out[column])}
    problems.update(plan_field_problems(session, plan_id=plan_id, fields=changed, confirmed=confirmed,
                                        how_to_confirm=CONFIRM))


CONFIRM = 'tick "No personal data" (importing on the command line: --confirm-no-personal-data) and try again'


def _agency_id(session: Session, value: Any, problems: dict[str, str]) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, int):
        return value if session.get(Agency, value) is not None else None
    name = " ".join(str(value).split())
    found = session.exec(select(Agency.id).where(func.lower(Agency.name) == name.lower())).first()
    if found is None:
        known = ", ".join(session.exec(select(Agency.name).order_by(Agency.name)).all())
        problems["source_agency"] = f"Source agency: '{name}' is not an agency of the plan ({known})."
    return found


def _person_id(session: Session, value: Any, problems: dict[str, str]) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, int):
        return value if session.get(Person, value) is not None else None
    email = str(value).strip().lower()
    found = session.exec(select(Person.id).where(Person.email == email, Person.active.is_(True))).first()
    if found is None:
        problems["contributor"] = f"Data contributor: nobody with the email {email} has an active account."
    return found


# ---------------------------------------------------------------- writing


def _snapshot(measure: Measure, actions: list[str]) -> dict[str, Any]:
    return {"ref": measure.ref, "name": measure.name, "definition": measure.description, "unit": measure.unit,
            "kind": measure.kind, "cumulative_since": measure.cumulative_since, "baseline": measure.baseline,
            "baseline_period": measure.baseline_period, "target": measure.target, "target_date": measure.target_date,
            "target_type": measure.target_type, "target_per": measure.target_per,
            "target_text": measure.target_text, "direction": measure.direction, "tolerance": measure.tolerance,
            "frequency": measure.frequency, "source_agency_id": measure.source_agency_id,
            "source_text": measure.source_text, "contributor_person_id": measure.contributor_person_id,
            "lag_days": measure.lag_days, "notes": measure.notes, "actions": actions}


def _actions_for(session: Session, plan_id: int, refs: Iterable[str], problems: dict[str, str]) -> list[Action]:
    wanted = [str(r).strip() for r in refs if str(r).strip()]
    found = {a.ref: a for a in session.exec(select(Action).where(Action.plan_id == plan_id,
                                                                 Action.ref.in_(wanted))).all()}
    unknown = [r for r in wanted if r not in found]
    if unknown:
        problems["actions"] = f"Actions: the plan has no action {', '.join(unknown)}."
    return [found[r] for r in dict.fromkeys(wanted) if r in found]


def _set_links(session: Session, measure: Measure, actions: list[Action]) -> None:
    existing = {row.action_id: row for row in session.exec(select(MeasureAction)
                                                           .where(MeasureAction.measure_id == measure.id)).all()}
    wanted = {a.id for a in actions}
    for action_id, row in existing.items():
        if action_id not in wanted:
            session.delete(row)
    for action in actions:
        if action.id not in existing:
            session.add(MeasureAction(measure_id=measure.id, action_id=action.id))
    # Kept for readers that predate the link table: the first action named.
    first = actions[0].id if actions else None
    if measure.action_id != first:
        measure.action_id = first


def _slug(session: Session, plan_id: int) -> str:
    plan = session.get(Plan, plan_id)
    return plan.slug if plan else ""


def is_restricted(session: Session, measure_id: int | None) -> bool:
    """Whether the measure is restricted detail now (plan.permissions.restricted_measure)."""
    return bool(session.exec(select(restricted_measure(measure_id))).one())


def _require_cleared_for_links(user: Actor, actions: list[Action]) -> None:
    """Naming or removing a restricted action as one a measure serves is a change to
    restricted detail: only a cleared user makes it."""
    for action in actions:
        require_cleared(user, action, what=f"Action {action.ref}")


def create_measure(session: Session, *, user: Actor, plan_id: int, fields: Mapping[str, Any],
                   source_text: str = "", is_demo: bool = False) -> dict[str, Any]:
    """Define a new measure. Secretariat only. Every problem is reported at once, by field
    (InvalidFields); nothing is written unless all are right. Raises NotAllowed, InvalidFields."""
    require(user, "measure.define")
    values, problems = check_definition(session, fields, plan_id=plan_id)
    actions = _actions_for(session, plan_id, fields.get("actions") or [], problems)
    _require_cleared_for_links(user, actions)
    if problems:
        raise InvalidFields(problems)
    measure = Measure(plan_id=plan_id, source_text=source_text[:200], is_demo=is_demo,
                      action_id=actions[0].id if actions else None, **values)
    session.add(measure)
    session.flush()
    _set_links(session, measure, actions)
    session.flush()
    audit.record(session, actor=user, event="measure.define", plan_id=plan_id, entity="measure",
                 entity_key=measure.ref, after=_snapshot(measure, [a.ref for a in actions]),
                 detail=_slug(session, plan_id), restricted=is_restricted(session, measure.id))
    return get_measure(session, user=user, plan_id=plan_id, ref=measure.ref)


def update_measure(session: Session, *, user: Actor, plan_id: int, ref: str, changes: Mapping[str, Any],
                   expected_version: int | None = None) -> dict[str, Any]:
    """Change a measure's definition (and, with "actions" among the changes, the actions it
    serves). Secretariat only. Fields not named keep their values. A form opened on an older
    version is refused (StaleVersion) rather than overwriting someone else's change. Figures are
    never touched. Raises NotAllowed, NotFound, InvalidFields, StaleVersion."""
    require(user, "measure.define")
    measure = load(session, plan_id, ref)
    was_restricted = is_restricted(session, measure.id)
    require_cleared(user, was_restricted, what=f"Measure {measure.ref}")
    if expected_version is not None and measure.version != expected_version:
        raise StaleVersion(f"Measure {measure.ref} was changed by someone else after you opened it (it is now "
                           f"version {measure.version}, you had {expected_version}); reload it and make your "
                           "change again.")
    before = _snapshot(measure, action_refs(session, [measure.id]).get(measure.id, []))  # type: ignore[list-item]
    values, problems = check_definition(session, changes, plan_id=plan_id, current=measure)
    actions = _actions_for(session, plan_id, changes["actions"], problems) if "actions" in changes else None
    if actions is not None:  # linking or unlinking a restricted action changes restricted detail
        kept = {a.id for a in actions}
        linked = session.exec(select(Action).join(MeasureAction, MeasureAction.action_id == Action.id)
                              .where(MeasureAction.measure_id == measure.id)).all()
        _require_cleared_for_links(user, [a for a in actions if a.id not in {b.id for b in linked}]
                                   + [a for a in linked if a.id not in kept])
    if problems:
        raise InvalidFields(problems)
    for key, value in values.items():
        if getattr(measure, key) != value:
            setattr(measure, key, value)
    if actions is not None:
        _set_links(session, measure, actions)
    session.flush()
    after = _snapshot(measure, action_refs(session, [measure.id]).get(measure.id, []))  # type: ignore[list-item]
    old, new = audit.changes(before, after)
    if new:
        session.add(measure)
        audit.record(session, actor=user, event="measure.change", plan_id=plan_id, entity="measure",
                     entity_key=measure.ref, before=old, after=new, detail=_slug(session, plan_id),
                     restricted=was_restricted or is_restricted(session, measure.id))
    return get_measure(session, user=user, plan_id=plan_id, ref=measure.ref)


def link_actions(session: Session, *, user: Actor, plan_id: int, ref: str, action_refs: list[str]) -> dict[str, Any]:
    """Set the full list of actions a measure serves (empty: a measure of the plan as a whole).
    Secretariat only. Raises NotAllowed, NotFound, InvalidFields."""
    return update_measure(session, user=user, plan_id=plan_id, ref=ref, changes={"actions": list(action_refs)})


# ---------------------------------------------------------------- evidence against owners' RAG


def judged_for(measure: dict[str, Any], action_start: date | None) -> bool:
    """Whether a measure's evidence may speak for an action's RAG: not a figure for a period that
    ended before the action started (its work cannot show in it), and not a percentage with a
    target and no date judged before the year's end (a 100% target is for March: 94% in
    September is not Red)."""
    found = measure.get("evidence") or {}
    if not found.get("period"):
        return False
    try:
        period = P.from_label(found["period"])
    except InvalidInput:
        return True
    if action_start is not None and period.end < action_start:
        return False
    year_end = date(period.end.year if period.end.month <= 3 else period.end.year + 1, 3, 31)
    return not (measure.get("unit") == "%" and (measure.get("target_type") or "value") == "value"
                and not measure.get("target_date") and period.end < year_end)


def evidence_by_action(session: Session, *, user: Actor, plan_id: int) -> list[dict[str, Any]]:
    """Every action with at least one measure rated Red, Amber or Green: the worst evidence RAG
    of its measures, the measure it comes from, the owner's RAG, and the reason in one sentence.
    Restricted titles and measure names are masked for users not cleared."""
    measures = {m["ref"]: m for m in list_measures(session, user=Actor.system("evidence"), plan_id=plan_id)
                if m["evidence_rag"] in ("red", "amber", "green")}
    if not measures:
        return []
    rows = session.exec(select(Action.ref, Action.title, Action.rag, Action.restricted, Measure.ref, Action.start_date)
                        .join(MeasureAction, MeasureAction.action_id == Action.id)
                        .join(Measure, Measure.id == MeasureAction.measure_id)
                        .where(Action.plan_id == plan_id, Measure.ref.in_(list(measures)),
                               Action.retired_at.is_(None))  # a retired action is no longer flagged
                        .order_by(Action.ref_sort, Measure.ref)).all()
    by_action: dict[str, dict[str, Any]] = {}
    for ref, title, rag, restricted, measure_ref, start in rows:
        if not judged_for(measures[measure_ref], start):
            continue
        entry = by_action.setdefault(ref, {"ref": ref, "title": title, "rag": rag, "restricted": restricted,
                                           "measures": []})
        entry["measures"].append(measures[measure_ref])
    found = []
    for entry in by_action.values():
        measure = min(entry["measures"], key=lambda m: RAG_RANK[m["evidence_rag"]])
        hidden = not cleared_for(user, entry["restricted"], measure["restricted"])
        evidence_found = measure["evidence"]
        sentence = (f"measure {measure['ref']} ({'a restricted measure' if hidden else measure['name']}) is "
                    f"{measure['evidence_rag'].capitalize()}: {format_value(evidence_found['value'], measure['unit'])} "
                    f"in {evidence_found['label']} against a target of "
                    f"{format_value(round(evidence_found['expected'], 2), measure['unit'])}")
        found.append({"ref": entry["ref"], "title": "Restricted action" if entry["restricted"] and hidden
                      else entry["title"], "owner_rag": entry["rag"], "evidence_rag": measure["evidence_rag"],
                      "measure_ref": measure["ref"], "period": evidence_found["period"],
                      "reason": sentence[0].upper() + sentence[1:] + "."})
    return found


def flagged_actions(session: Session, *, user: Actor, plan_id: int) -> list[dict[str, Any]]:
    """Actions whose owner's RAG is better than the worst evidence RAG of their measures."""
    flagged = []
    for entry in evidence_by_action(session, user=user, plan_id=plan_id):
        if weaker_than_owner(entry["owner_rag"], [entry["evidence_rag"]]) is None:
            continue
        owner = RAG_LABELS[Rag(entry["owner_rag"])]
        flagged.append(dict(entry, reason=f"Owner says {owner}, but {entry['reason'][0].lower()}"
                                          f"{entry['reason'][1:]}"))
    return flagged
