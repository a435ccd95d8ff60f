"""Data returns: what each contributor owes, figures submitted one at a time or uploaded in a
file (all or nothing), and the tracker of who has sent what.

Each return is appended with who and when; the newest return for a period is its current
figure, and every earlier one stays in the history (a revision keeps the old value). A return
can be a number, a suppressed small number ("<5") or "not yet available"; it can be marked
provisional.

When is a figure due? `lag_days` after the period ends (the measure's usual data lag; 30 days
when the measure does not say). A period is owed once it has ended; it is late once its due
date has passed without a figure (a number or a suppressed one; "not yet available" is an
answer, but the figure is still owed and still late).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models import Agency, Measure, MeasureValue, Plan
from plan import audit
from plan.errors import InvalidFields, InvalidInput, NotAllowed, NotFound, PlanError
from plan.identity import Actor
from plan.measures import periods as P
from plan.measures.definitions import is_restricted, restricted_condition
from plan.measures.figures import Figure, describe_figure, parse_figure
from plan.measures.periods import MEASURE_PERIOD, PERIOD
from plan.measures.terms import RowsRejected
from plan.permissions import allowed, cleared_for, require, require_cleared
from plan.personal_data import PersonalDataWarning, checked_text
from plan.workbooks import read_sheet

__all__ = ["MEASURE_PERIOD", "PERIOD", "owed_returns", "read_returns_file", "returns_tracker", "submit_value",
           "submit_values", "upload_returns"]

DEFAULT_LAG_DAYS = 30
OWED_PERIODS = 8  # the most periods owed shown per measure


@dataclass
class _Prepared:
    measure: Measure
    period: P.Period
    figure: Figure
    note: str
    previous: MeasureValue | None
    reported_status: str = ""  # the status the partner's own sheet gave this figure ('' for none)

    @property
    def unchanged(self) -> bool:
        p = self.previous
        return (p is not None and p.state == self.figure.state and p.value == self.figure.value
                and p.provisional == self.figure.provisional and self.note in ("", p.note)
                and self.reported_status in ("", p.reported_status or ""))


def _measure(session: Session, plan_id: int, ref: str) -> Measure:
    measure = session.exec(select(Measure).where(Measure.plan_id == plan_id, Measure.ref == str(ref).strip())).first()
    if measure is None:
        raise NotFound(f"There is no measure '{ref}' in this plan.")
    return measure


def _may_submit(user: Actor, measure: Measure) -> None:
    if allowed(user, "measure.submit_any"):
        return
    if user.person_id is not None and measure.contributor_person_id == user.person_id:
        return
    if user.agency_id is None or user.agency_id != measure.source_agency_id:
        raise NotAllowed(f"Measure {measure.ref} is reported by another agency; you can submit figures only "
                         "for your own agency's measures.")


def _current(session: Session, measure_id: int | None, period: str) -> MeasureValue | None:
    return session.exec(select(MeasureValue).where(MeasureValue.measure_id == measure_id,
                                                   MeasureValue.period == period)
                        .order_by(MeasureValue.id.desc())).first()


def _prepare(session: Session, *, user: Actor, plan_id: int, measure_ref: str, period: object, value: object,
             note: str, provisional: bool, personal_data_confirmed: bool, today: date,
             percent_cell: bool = False, blank_is_missing: bool = False) -> _Prepared:
    """Check one return, every field at once: raises InvalidFields keyed period / value / note /
    personal_data_confirmed (a form shows each beside its field), or PersonalDataWarning alone
    when the note is the only thing to look at again."""
    measure = _measure(session, plan_id, measure_ref)
    _may_submit(user, measure)
    # a measure serving only restricted actions: its figures are restricted detail
    require_cleared(user, is_restricted(session, measure.id), what=f"Measure {measure.ref}")
    problems: dict[str, str] = {}
    read: P.Period | None = None
    try:
        read = P.for_measure(P.parse_period(period), kind=measure.kind, frequency=measure.frequency)
        misfit = P.check_fits(read, kind=measure.kind, frequency=measure.frequency)
        if misfit:
            raise InvalidInput(f"Measure {measure.ref}: {misfit}.")
        if read.end >= today:
            raise InvalidInput(f"{read.display} has not ended yet (it ends on {read.end:%d/%m/%Y}); give its "
                               "figure once the period is over.")
    except InvalidInput as err:
        problems["period"] = str(err)
    figure = Figure("missing", None, "")
    try:
        if (value is None or (isinstance(value, str) and not value.strip())) and not blank_is_missing:
            raise InvalidInput(f"No figure given for {measure.ref}" + (f" {read.display}" if read else "")
                               + ": write the figure, <5 (or *) for a suppressed small number, or "
                               "'not yet available'.")
        figure = parse_figure(value, unit=measure.unit, percent_cell=percent_cell)
    except InvalidInput as err:
        problems["value"] = str(err)
    if provisional and not figure.provisional:
        figure = Figure(figure.state, figure.value, figure.raw, True)
    warning: PersonalDataWarning | None = None
    try:
        note = checked_text(session, plan_id=plan_id, label="Note", text=note or "",
                            confirmed=personal_data_confirmed)
    except PersonalDataWarning as err:
        warning = err
    except InvalidInput as err:
        problems["note"] = str(err)
    if problems:
        if warning is not None:
            problems["personal_data_confirmed"] = str(warning)
        raise InvalidFields(problems)
    if warning is not None:
        raise warning
    assert read is not None
    return _Prepared(measure, read, figure, note, _current(session, measure.id, read.label))


def _write(session: Session, *, user: Actor, plan_id: int, item: _Prepared, source: str,
           is_demo: bool = False, at: datetime | None = None) -> dict[str, Any]:
    previous = item.previous
    result = {"ref": item.measure.ref, "period": item.period.label, "label": item.period.display,
              "state": item.figure.state, "value": item.figure.value, "raw": item.figure.raw,
              "provisional": item.figure.provisional, "revision": previous is not None,
              "previous": _brief(previous), "changed": not item.unchanged,
              "shown": describe_figure(item.figure.state, item.figure.value, item.figure.raw,
                                       item.figure.provisional, item.measure.unit)}
    if item.unchanged:
        return result
    row = MeasureValue(measure_id=item.measure.id, period=item.period.label, period_start=item.period.start,
                       period_end=item.period.end, value=item.figure.value, state=item.figure.state,
                       raw=item.figure.raw[:100], provisional=item.figure.provisional, note=item.note, source=source,
                       reported_status=item.reported_status,
                       submitted_by_person_id=user.person_id, submitted_by_name=user.name, is_demo=is_demo,
                       created_at=at or datetime.now(UTC))
    session.add(row)
    plan = session.get(Plan, plan_id)
    audit.record(session, actor=user, event="measure.value", plan_id=plan_id, entity="measure",
                 entity_key=item.measure.ref, before=_brief(previous),
                 after={"period": item.period.label, "state": item.figure.state, "value": item.figure.value,
                        "raw": item.figure.raw, "provisional": item.figure.provisional, "note": item.note,
                        "source": source,
                        **({"reported_status": item.reported_status} if item.reported_status else {})},
                 detail=(plan.slug if plan else "") + (" (revision)" if previous is not None else ""),
                 restricted=is_restricted(session, item.measure.id))
    return result


def _brief(row: MeasureValue | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"period": row.period, "state": row.state, "value": row.value, "raw": row.raw,
            "provisional": row.provisional, "submitted_by": row.submitted_by_name, "submitted_at": row.created_at}


def submit_value(session: Session, *, user: Actor, plan_id: int, measure_ref: str, period: object, value: object,
                 note: str = "", provisional: bool = False, personal_data_confirmed: bool = False,
                 today: date | None = None) -> dict[str, Any]:
    """Append a figure for a measure and period: a number ("1,145", "55%", 12.5), a suppressed
    small number ("<5", "*", "c", "x") or "not yet available". Contributors submit for their own
    agency's measures (or those they are named for); the secretariat for any. A figure for a
    period that already has one is a revision: appended, the old one kept in the history. The
    same figure again changes nothing (changed: False). Raises NotFound, NotAllowed,
    InvalidInput, PersonalDataWarning."""
    require(user, "measure.submit_own_agency")
    item = _prepare(session, user=user, plan_id=plan_id, measure_ref=measure_ref, period=period, value=value,
                    note=note, provisional=provisional, personal_data_confirmed=personal_data_confirmed,
                    today=today or date.today())
    return _write(session, user=user, plan_id=plan_id, item=item, source="form")


def submit_values(session: Session, *, user: Actor, plan_id: int, rows: Sequence[Mapping[str, Any]],
                  dry_run: bool = False, personal_data_confirmed: bool = False, today: date | None = None,
                  source: str = "upload") -> dict[str, Any]:
    """Several figures at once (an upload): every row is checked first; if any is wrong nothing
    is written and RowsRejected names each bad row with its reason. Rows: {row, measure,
    period, value, provisional?, note?}. Returns {"added", "unchanged", "rows"}."""
    require(user, "measure.submit_own_agency")
    if not rows:
        raise InvalidInput("The file has no figures in it: give one row per measure and period.")
    today = today or date.today()
    problems: list[tuple[int, str]] = []
    prepared: list[_Prepared] = []
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows, start=1):
        number = int(row.get("row") or index)
        try:
            item = _prepare(session, user=user, plan_id=plan_id, measure_ref=str(row.get("measure") or ""),
                            period=row.get("period"), value=row.get("value"), note=str(row.get("note") or ""),
                            provisional=_yes(row.get("provisional")), today=today,
                            personal_data_confirmed=personal_data_confirmed,
                            percent_cell=bool(row.get("percent_cell")))
        except PlanError as err:
            problems.append((number, str(err)))
            continue
        key = (item.measure.ref, item.period.label)
        if key in seen:
            problems.append((number, f"{item.measure.ref} {item.period.display} is also on row {seen[key]}; "
                                     "give each measure and period once."))
            continue
        seen[key] = number
        prepared.append(item)
    if problems:
        raise RowsRejected(problems, what="upload")
    results = [] if dry_run else [_write(session, user=user, plan_id=plan_id, item=item, source=source)
                                  for item in prepared]
    if dry_run:
        results = [{"ref": i.measure.ref, "period": i.period.label, "label": i.period.display,
                    "state": i.figure.state, "value": i.figure.value, "raw": i.figure.raw,
                    "provisional": i.figure.provisional, "revision": i.previous is not None,
                    "previous": _brief(i.previous), "changed": not i.unchanged,
                    "shown": describe_figure(i.figure.state, i.figure.value, i.figure.raw, i.figure.provisional,
                                             i.measure.unit)} for i in prepared]
    return {"added": sum(r["changed"] for r in results), "unchanged": sum(not r["changed"] for r in results),
            "rows": results, "dry_run": dry_run}


def _yes(value: object) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "y", "p", "provisional", "x")


# ---------------------------------------------------------------- reading an upload

_COLUMNS = {
    "measure": ("measure", "measure ref", "ref", "code", "measure code", "indicator ref", "kpi ref"),
    "period": ("period", "reporting period", "quarter", "month"),
    "value": ("value", "figure", "result", "actual", "data"),
    "provisional": ("provisional", "provisional?"),
    "note": ("note", "notes", "comment", "comments"),
}


def _heading(text: object) -> str:
    return " ".join(str(text or "").strip().lower().replace("_", " ").split())


def read_returns_file(content: bytes, filename: str) -> list[dict[str, Any]]:
    """Rows of an uploaded CSV or XLSX: a header row with measure, period and value (and
    optionally provisional and note), then one row per figure. Rows are numbered as the file
    numbers them, so an error names the row the contributor sees. Raises InvalidInput."""
    table = _rows(content, filename)
    for index, (_, cells) in enumerate(table[:20]):
        headings = [_heading(c) for c, _ in cells]
        columns = {key: next((i for i, h in enumerate(headings) if h in names), None)
                   for key, names in _COLUMNS.items()}
        if columns["measure"] is not None and columns["period"] is not None and columns["value"] is not None:
            rows = []
            for data_number, data in table[index + 1:]:
                if all(c in (None, "") for c, _ in data):
                    continue
                row: dict[str, Any] = {"row": data_number}
                for key, column in columns.items():
                    if column is not None and column < len(data):
                        row[key] = data[column][0]
                        if key == "value":
                            row["percent_cell"] = data[column][1]
                rows.append(row)
            return rows
    raise InvalidInput(f"{filename} has no header row naming the columns measure, period and value; add one "
                       "(a row with those three words) above the figures.")


def _rows(content: bytes, filename: str) -> list[tuple[int, list[tuple[Any, bool]]]]:
    """The first sheet's rows as (row number, [(value, shown as a percent)]), through the one
    reader of uploads (within its caps, only the cells the file holds)."""
    read = read_sheet(content, filename)
    percent = read.percent
    return [(number, [(value, (number, index) in percent) for index, value in enumerate(values)])
            for number, values in read.rows]


def upload_returns(session: Session, *, user: Actor, plan_id: int, content: bytes, filename: str,
                   dry_run: bool = False, personal_data_confirmed: bool = False,
                   today: date | None = None) -> dict[str, Any]:
    """Read a CSV/XLSX of figures and submit them all or none (see submit_values)."""
    require(user, "measure.submit_own_agency")
    rows = read_returns_file(content, filename)
    return submit_values(session, user=user, plan_id=plan_id, rows=rows, dry_run=dry_run,
                         personal_data_confirmed=personal_data_confirmed, today=today)


# ---------------------------------------------------------------- owed and the tracker


def _supplier_condition(user: Actor) -> Any:
    if allowed(user, "measure.submit_any"):
        return True
    conditions = []
    if user.agency_id is not None:
        conditions.append(Measure.source_agency_id == user.agency_id)
    if user.person_id is not None:
        conditions.append(Measure.contributor_person_id == user.person_id)
    return or_(*conditions) if conditions else False


def _due(period: P.Period, lag_days: int | None) -> date:
    return period.end + timedelta(days=DEFAULT_LAG_DAYS if lag_days is None else lag_days)


def _states(session: Session, measure_ids: list[int], since: date) -> dict[tuple[int, str], MeasureValue]:
    """The current return per (measure, period) for periods ending on or after `since`."""
    if not measure_ids:
        return {}
    latest = (select(func.max(MeasureValue.id)).where(MeasureValue.measure_id.in_(measure_ids),
                                                      MeasureValue.period_end >= since)
              .group_by(MeasureValue.measure_id, MeasureValue.period))
    rows = session.exec(select(MeasureValue).where(MeasureValue.id.in_(latest))).all()
    return {(row.measure_id, row.period): row for row in rows}


def _owed_periods(measure: Measure, first_day: date, today: date, count: int) -> list[P.Period]:
    """The measure's own periods that have ended, from the one holding first_day, newest `count`."""
    last = P.containing(today, measure.frequency)
    ended = [p for p in P.sequence(P.containing(first_day, measure.frequency), last, measure.frequency)
             if p.end < today]
    return ended[-count:]


def _status(row: MeasureValue | None, due: date, today: date) -> tuple[str, bool]:
    received = row is not None and row.state in ("value", "suppressed")
    late = not received and today > due
    if received:
        return "received", False
    if row is not None:
        return "not_available", late
    return ("late" if late else "due"), late


def owed_returns(session: Session, *, user: Actor, plan_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """The measures the user supplies (their agency's, or those they are named for; the
    secretariat: all), each with its periods owed since the plan started (the last eight), due
    dates and what has been received. Raises NotAllowed."""
    require(user, "measure.submit_own_agency")
    today = today or date.today()
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    start = plan.start_date or today - timedelta(days=365)
    rows = session.exec(select(Measure, Agency.name, restricted_condition().label("restricted"))
                        .outerjoin(Agency, Agency.id == Measure.source_agency_id)
                        .where(Measure.plan_id == plan_id, Measure.switched_off_at.is_(None), _supplier_condition(user))
                        .order_by(Measure.ref)).all()
    current = _states(session, [m.id for m, _, _ in rows if m.id is not None],
                      P.containing(start, "annual").start)
    result = []
    for measure, agency, restricted in rows:
        periods = []
        for period in reversed(_owed_periods(measure, start, today, OWED_PERIODS)):
            row = current.get((measure.id, period.label))  # type: ignore[arg-type]
            due = _due(period, measure.lag_days)
            status, late = _status(row, due, today)
            periods.append({"period": period.label, "label": period.display, "due_on": due, "status": status,
                            "late": late, "state": row.state if row else None, "value": row.value if row else None,
                            "raw": row.raw if row else "", "provisional": row.provisional if row else False,
                            "shown": _shown(row, measure.unit)})
        hidden = not cleared_for(user, restricted)
        result.append({"ref": measure.ref, "name": "Restricted measure" if hidden else measure.name,
                       "unit": measure.unit, "kind": measure.kind, "frequency": measure.frequency,
                       "lag_days": measure.lag_days if measure.lag_days is not None else DEFAULT_LAG_DAYS,
                       "source_agency": agency or "", "periods": periods,
                       "owed": sum(p["status"] != "received" for p in periods),
                       "late": sum(p["late"] for p in periods)})
    return result


def _shown(row: MeasureValue | None, unit: str) -> str:
    """A return as the tracker shows it: the figure, '<5 (suppressed)', 'not yet available'."""
    if row is None:
        return ""
    return describe_figure(row.state, row.value, row.raw, row.provisional, unit)


def returns_tracker(session: Session, *, user: Actor, plan_id: int, today: date | None = None,
                    periods: int = 4) -> dict[str, Any]:
    """Which agencies have sent figures for which period, and what is late. Columns are the
    last `periods` reporting periods of the plan's cycle (the current one included); each cell
    counts the measures' own periods that have ended within it: expected, received, not yet
    available, due (not late yet), late. `measures` gives each measure's own periods in each
    column with their status and the figure in words ("<5 (suppressed)"); names of measures
    serving only restricted actions are masked for users not cleared.
    The secretariat and chairs see every agency; a contributor sees their own. Raises NotAllowed."""
    require(user, "measure.track")
    today = today or date.today()
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    cycle = plan.reporting_cycle if plan.reporting_cycle in ("monthly", "bimonthly", "quarterly") else "quarterly"
    columns = _owed_periods_for_cycle(cycle, plan.start_date, today, periods)
    conditions = [Measure.plan_id == plan_id, Measure.switched_off_at.is_(None)]  # a core measure switched off
    if not allowed(user, "round.view"):
        conditions.append(_supplier_condition(user))
    rows = session.exec(select(Measure, Agency.name, restricted_condition().label("restricted"))
                        .outerjoin(Agency, Agency.id == Measure.source_agency_id)
                        .where(*conditions).order_by(Agency.name, Measure.ref)).all()
    if not columns:
        return {"periods": [], "labels": [], "agencies": [], "late": [], "measures": []}
    current = _states(session, [m.id for m, _, _ in rows if m.id is not None], columns[0].start)
    agencies: dict[str, dict[str, Any]] = {}
    late: list[dict[str, Any]] = []
    measures: list[dict[str, Any]] = []
    for measure, agency, restricted in rows:
        name = agency or "No source agency named"
        title = "Restricted measure" if not cleared_for(user, restricted) else measure.name
        entry = agencies.setdefault(name, {"agency": name, "cells": {c.label: _empty_cell() for c in columns}})
        own: dict[str, list[dict[str, Any]]] = {c.label: [] for c in columns}
        for period in _owed_periods(measure, columns[0].start, today, 1000):
            column = next((c for c in columns if c.start <= period.end <= c.end), None)
            if column is None:
                continue
            row = current.get((measure.id, period.label))  # type: ignore[arg-type]
            due = _due(period, measure.lag_days)
            status, is_late = _status(row, due, today)
            cell = entry["cells"][column.label]
            cell["expected"] += 1
            cell[{"received": "received", "not_available": "not_available", "late": "late", "due": "due"}[status]] += 1
            if is_late and status == "not_available":
                cell["late"] += 1
            own[column.label].append({"period": period.label, "label": period.display, "status": status,
                                      "late": is_late, "due_on": due, "shown": _shown(row, measure.unit)})
            if is_late:
                late.append({"ref": measure.ref, "name": title, "agency": name, "period": period.label,
                             "label": period.display, "due_on": due, "days_late": (today - due).days,
                             "not_available": status == "not_available"})
        measures.append({"ref": measure.ref, "name": title, "agency": name, "frequency": measure.frequency,
                         "cells": own})
    for entry in agencies.values():
        for cell in entry["cells"].values():
            cell["status"] = _cell_status(cell)
    return {"periods": [c.label for c in columns], "labels": [c.display for c in columns],
            "agencies": list(agencies.values()),
            "late": sorted(late, key=lambda r: (-r["days_late"], r["agency"], r["ref"])),
            "measures": measures}


def _empty_cell() -> dict[str, Any]:
    return {"expected": 0, "received": 0, "not_available": 0, "due": 0, "late": 0}


def _cell_status(cell: Mapping[str, int]) -> str:
    if not cell["expected"]:
        return "nothing owed"
    if cell["received"] == cell["expected"]:
        return "all in"
    words = [f"{cell['received']} of {cell['expected']} in"]
    if cell["not_available"]:
        words.append(f"{cell['not_available']} not yet available")
    if cell["late"]:
        words.append(f"{cell['late']} late")
    elif cell["due"] or cell["not_available"]:
        words.append("rest not yet due")
    return "; ".join(words)


def _owed_periods_for_cycle(cycle: str, start: date | None, today: date, count: int) -> list[P.Period]:
    last = P.containing(today, cycle)
    first = P.containing(start or today - timedelta(days=366), cycle)
    begun = [p for p in P.sequence(first, last, cycle) if p.start <= today]
    return begun[-count:]
