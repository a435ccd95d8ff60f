"""Import measures with their history from the wide spreadsheets partnerships keep: title rows,
then a header row, then one row per measure with its definition and one column per period.

    Code | Indicator | Measure type | Baseline (2023/24) | Target | Polarity | Frequency | Source |
    2024/25 Q1 | 2024/25 Q2 | ... | Comment

The header row is the first row that names the measure (Indicator, Measure, Name...) and has at
least one column that is a period ("Q1 24/25", "Apr-Jun 2024", "Jan-25", "AY 2023/24"). Other
columns are matched by their heading (see COLUMNS); anything else is reported and ignored.

Rules
- Every row is checked before anything is written; one bad row and nothing is written, and
  every bad row is named with its reason (RowsRejected). A dry run checks and reports only.
- Measures are matched by their code (ref): a new code makes a measure, a known one has its
  definition brought in line with the sheet (audited before and after). Columns the sheet does
  not have leave the definition as it is.
- Figures: a number, "55%", "1,145"; "<5", "*", "c", "x" are suppressed; "n/a" and "not yet
  available" are missing; a blank cell is missing when it comes after the row's first figure
  (nothing was received) and is skipped before it (the measure was not collected then). A blank
  never replaces a figure already held; any other change to a period's figure is appended as a
  revision, the old one kept.
- A row may name no action (a measure of the plan as a whole, linked later in the app); the
  actions a row names are added, links made in the app are never removed.
- A target without a number ("Reduce", "Monitor", "Below regional average") is kept as words:
  the measure then gets no evidence RAG.
- Re-importing the same file changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from models import Action, Measure, Plan
from plan import audit
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.measures import periods as P
from plan.measures.definitions import (
    FIELDS,
    _snapshot,
    action_refs,
    check_definition,
    create_measure,
    is_restricted,
    load,
    update_measure,
)
from plan.measures.figures import Figure, parse_figure
from plan.measures.returns import _current, _Prepared, _write
from plan.measures.targets import parse_target
from plan.measures.terms import RowsRejected, parse_frequency, parse_unit
from plan.permissions import cleared_for, require
from plan.workbooks import read_sheet

# field -> headings that mean it (compared lower-case, punctuation as spaces, brackets dropped)
COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("code", "ref", "reference", "measure ref", "measure code", "id", "kpi ref", "pi ref", "indicator ref",
            "no", "number", "indicator code", "kpi code"),
    "name": ("indicator", "measure", "name", "measure name", "indicator name", "kpi", "performance indicator",
             "title", "description of measure"),
    "definition": ("definition", "description", "measure definition", "how measured"),
    "kind": ("measure type", "type", "kind", "measure kind", "count type"),
    "unit": ("unit", "units", "unit of measure"),
    "baseline": ("baseline", "baseline value"),
    "baseline_period": ("baseline period", "baseline year", "baseline date"),
    "target_text": ("target", "targets", "target value"),
    "target_date": ("target date", "target by", "due"),
    "direction": ("polarity", "direction", "direction of good", "good is", "better is", "good performance is"),
    "tolerance": ("tolerance", "tolerance %", "amber tolerance", "amber threshold"),
    "frequency": ("frequency", "reporting frequency", "reported"),
    "source": ("source", "source agency", "data source", "provider", "data provider", "agency"),
    "contributor": ("contributor", "data contributor", "contributor email", "data owner email"),
    "lag": ("lag", "data lag", "lag days", "usual lag"),
    "notes": ("comment", "comments", "notes", "note", "commentary"),
    "actions": ("action", "actions", "action ref", "action refs", "linked action", "linked actions", "action no"),
}
WORDS = {heading: key for key, headings in COLUMNS.items() for heading in headings}


def _heading(text: object) -> tuple[str, str]:
    """(key words, bracketed part): 'Baseline (2023/24)' -> ('baseline', '2023/24')."""
    raw = " ".join(str(text or "").split())
    bracket = re.search(r"\(([^)]*)\)", raw)
    words = re.sub(r"\([^)]*\)", " ", raw).lower()
    words = " ".join(re.sub(r"[^a-z0-9%]+", " ", words).split())
    return words, bracket.group(1).strip() if bracket else ""


@dataclass
class _Column:
    index: int
    heading: str
    key: str | None = None  # a field
    period: P.Period | None = None
    extra: str = ""  # what the heading's brackets say (the baseline's period)


@dataclass
class _Row:
    number: int
    ref: str
    fields: dict[str, Any]
    actions: list[str]
    figures: list[tuple[P.Period, Figure, bool]] = field(default_factory=list)  # (period, figure, from a blank)
    source_text: str = ""


def _cells(content: bytes, filename: str, sheet: str | None) -> tuple[str, list[tuple[int, list[tuple[Any, bool]]]]]:
    """The sheet's rows as (row number, [(value, shown as a percent)]), through the one reader of
    uploads (within its caps, only the cells the file holds)."""
    read = read_sheet(content, filename, sheet)
    percent = read.percent
    return read.name, [(number, [(value, (number, index) in percent) for index, value in enumerate(values)])
                       for number, values in read.rows]


def _header(rows: list[tuple[int, list[tuple[Any, bool]]]]) -> tuple[int, list[_Column], list[str]]:
    for position, (_, cells) in enumerate(rows[:30]):
        columns, warnings, names = [], [], False
        for index, (value, _) in enumerate(cells):
            if value is None or str(value).strip() == "":
                continue
            words, extra = _heading(value)
            key = WORDS.get(words)
            column = _Column(index, " ".join(str(value).split()), key=key, extra=extra)
            if key is None:
                try:
                    column.period = P.parse_period(value)
                except InvalidInput:
                    warnings.append(f"Column '{column.heading}' is not a field or a period, so it was ignored.")
                    continue
            names = names or key == "name"
            columns.append(column)
        if names and any(c.period for c in columns):
            return position, columns, warnings
    raise InvalidInput("No header row found: the sheet needs a row naming the measure (Indicator, Measure or Name) "
                       "with at least one period column (e.g. Q1 24/25, Apr-Jun 2024, Jan-25), above the measures.")


def _describe_type(text: str, row: int, problems: list[tuple[int, str]]) -> dict[str, Any]:
    """'Cumulative since 01/04/2024', 'Rate per 100,000 aged 10-17, rolling 12 months',
    'Percentage', 'Count in quarter' -> kind, unit, counted-since."""
    lowered = text.lower()
    found: dict[str, Any] = {}
    rate = re.search(r"rate\s+per\s+(1|10|100)[, ]?000", lowered)
    if rate:
        found["unit"] = f"rate per {rate.group(1)},000"
    elif "percent" in lowered or "%" in lowered or "proportion" in lowered:
        found["unit"] = "%"
    if "cumulative" in lowered or "running total" in lowered or "year to date" in lowered:
        found["kind"] = "cumulative"
        since = re.search(r"(?:since|from)\s+(.+)$", text, re.I)
        if since:
            words = since.group(1).strip()
            try:
                found["cumulative_since"] = datetime.strptime(words, "%d/%m/%Y").date()
            except ValueError:
                try:
                    found["cumulative_since"] = P.parse_period(words).start
                except InvalidInput:
                    problems.append((row, f"measure type: '{words}' is not a date to count from; write it as "
                                          "01/04/2024."))
    elif "rolling" in lowered or "12 months to" in lowered:
        found["kind"] = "rolling_12"
    elif any(w in lowered for w in ("snapshot", "as at", "position", "percent", "%", "proportion", "rate")):
        found["kind"] = "snapshot"
    elif any(w in lowered for w in ("count", "number", "total in")):
        found["kind"] = "count"
    else:
        problems.append((row, f"measure type: '{text}' is not a kind of measure; write count (in the period), "
                              "cumulative since a date, snapshot, percentage, or rate per 100,000 (rolling 12 "
                              "months)."))
    return found


def _frequency_of(columns: list[_Column]) -> str:
    periods = [c.period for c in columns if c.period is not None]
    for frequency in ("quarterly", "monthly", "termly", "annual", "bimonthly"):
        if periods and all(P.fits(p, frequency) for p in periods):
            return frequency
    return "quarterly"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _read_rows(session: Session, plan_id: int, table: list[tuple[int, list[tuple[Any, bool]]]], start: int,
               columns: list[_Column], today: date, problems: list[tuple[int, str]],
               warnings: list[str]) -> list[_Row]:
    by_key = {c.key: c for c in columns if c.key}
    period_columns = [c for c in columns if c.period is not None]
    default_frequency = _frequency_of(columns)
    action_refs_known = set(session.exec(select(Action.ref).where(Action.plan_id == plan_id)).all())
    seen: dict[str, int] = {}
    rows: list[_Row] = []
    for number, cells in table[start + 1:]:
        def cell(key: str, cells: list[tuple[Any, bool]] = cells) -> Any:
            column = by_key.get(key)
            return cells[column.index][0] if column and column.index < len(cells) else None

        filled = [c for c, _ in cells if c is not None and str(c).strip() != ""]
        if not filled:
            continue
        ref, name = _text(cell("ref")), _text(cell("name"))
        if not ref and not name:
            warnings.append(f"Row {number} was skipped: it names no measure ({_text(filled[0])[:60]}).")
            continue
        if not ref:
            problems.append((number, f"'{name[:60]}' has no code; give it one in the "
                                     f"'{by_key['ref'].heading if 'ref' in by_key else 'Code'}' column."))
            continue
        if ref in seen:
            problems.append((number, f"code {ref} is also on row {seen[ref]}; each measure needs its own code."))
            continue
        seen[ref] = number
        before = len(problems)
        held = session.exec(select(Measure.unit, Measure.kind, Measure.frequency, Measure.direction)
                            .where(Measure.plan_id == plan_id, Measure.ref == ref)).first()
        fields: dict[str, Any] = {"ref": ref, "name": name}
        kind_text = _text(cell("kind"))
        described = _describe_type(kind_text, number, problems) if kind_text else {}
        fields.update(described)
        if "unit" in by_key and _text(cell("unit")):
            try:
                fields["unit"] = parse_unit(_text(cell("unit")), "unit")
            except InvalidInput as err:
                problems.append((number, str(err)))
        unit = fields.get("unit")
        if unit is None and not kind_text and held is not None:
            unit = held.unit
        if unit is None:
            samples = [str(cells[c.index][0]) for c in period_columns if c.index < len(cells)] + [str(cell("baseline"))]
            unit = "%" if any(s.strip().endswith("%") for s in samples) else "count"
            fields["unit"] = unit
            if kind_text == "" and "kind" not in fields:
                fields["kind"] = "snapshot" if unit == "%" else "count"
        for key in ("definition", "notes"):
            if key in by_key:
                fields[key] = _text(cell(key))
        if "frequency" in by_key and _text(cell("frequency")):
            try:
                fields["frequency"] = parse_frequency(_text(cell("frequency")), "frequency")
            except InvalidInput as err:
                problems.append((number, str(err)))
        elif held is None:
            fields["frequency"] = default_frequency  # a new measure: as often as the sheet's columns
        if "baseline" in by_key:
            raw = cell("baseline")
            try:
                figure = parse_figure(raw, unit=unit, percent_cell=_percent(cells, by_key.get("baseline")))
            except InvalidInput as err:
                problems.append((number, f"baseline: {err}"))
                figure = Figure("missing", None, "")
            if figure.state == "suppressed":
                warnings.append(f"Row {number} ({ref}): the baseline '{figure.raw}' is suppressed, so no baseline "
                                "was set.")
            fields["baseline"] = figure.value
            if by_key["baseline"].extra:
                fields["baseline_period"] = by_key["baseline"].extra
        if "baseline_period" in by_key and _text(cell("baseline_period")):
            fields["baseline_period"] = _text(cell("baseline_period"))
        if "target_text" in by_key:
            target_cell = cell("target_text")
            fields["target_text"] = (f"{float(target_cell) * 100:g}%" if _percent(cells, by_key["target_text"])
                                     else _text(target_cell))
        if "target_date" in by_key:
            fields["target_date"] = _text(cell("target_date"))
        if "direction" in by_key and _text(cell("direction")):
            fields["direction"] = _text(cell("direction"))
        elif "direction" not in fields:
            hint = parse_target(fields.get("target_text") or "").direction_hint
            if hint:
                fields["direction"] = hint
            elif held is None:
                problems.append((number, "no direction of good: add a Polarity column (higher, lower or contextual)."))
        if "tolerance" in by_key and _text(cell("tolerance")):
            fields["tolerance"] = _text(cell("tolerance")).rstrip("%")
        if "lag" in by_key and _text(cell("lag")):
            fields["lag_days"] = _lag_days(_text(cell("lag")), number, problems)
        if "contributor" in by_key:
            fields["contributor"] = _text(cell("contributor"))
        source_text = _text(cell("source")) if "source" in by_key else ""
        if source_text:
            fields["source_agency"] = source_text
        actions = [a for a in re.split(r"[,;\s]+", _text(cell("actions"))) if a] if "actions" in by_key else []
        unknown = [a for a in actions if a not in action_refs_known]
        if unknown:
            problems.append((number, f"action {', '.join(unknown)} is not in the plan; give action refs as the plan "
                                     "writes them (e.g. 3.5), or leave the cell empty."))
        row = _Row(number, ref, fields, actions, source_text=source_text)
        kind = fields.get("kind") or (held.kind if held else "count")
        frequency = fields.get("frequency") or (held.frequency if held else default_frequency)
        started = False
        for column in period_columns:
            value = cells[column.index][0] if column.index < len(cells) else None
            blank = value is None or str(value).strip() == ""
            assert column.period is not None
            period = P.for_measure(column.period, kind=kind, frequency=frequency)
            if blank:
                if started and period.end < today:
                    row.figures.append((period, Figure("missing", None, ""), True))
                continue
            started = True
            try:
                figure = parse_figure(value, unit=fields.get("unit") or unit,
                                      percent_cell=cells[column.index][1])
            except InvalidInput as err:
                problems.append((number, f"column '{column.heading}': {err}"))
                continue
            if period.end >= today:
                problems.append((number, f"column '{column.heading}': {period.display} has not ended yet, so it "
                                         "cannot have a figure."))
                continue
            misfit = P.check_fits(period, kind=kind, frequency=frequency)
            if misfit:
                problems.append((number, f"column '{column.heading}': {misfit}."))
                continue
            row.figures.append((period, figure, False))
        if len(problems) == before:
            rows.append(row)
    return rows


def _percent(cells: list[tuple[Any, bool]], column: _Column | None) -> bool:
    return bool(column is not None and column.index < len(cells) and cells[column.index][1])


def _lag_days(text: str, row: int, problems: list[tuple[int, str]]) -> int | None:
    found = re.match(r"^(\d+)\s*(d|day|days|w|wk|wks|week|weeks|m|month|months)?$", text.strip().lower())
    if not found:
        problems.append((row, f"data lag: '{text}' is not a lag; write it as days (42), weeks (6 weeks) or months "
                              "(2 months)."))
        return None
    number, unit = int(found.group(1)), (found.group(2) or "d")[0]
    return number * {"d": 1, "w": 7, "m": 30}[unit]


def import_measures(session: Session, *, user: Actor, plan_id: int, content: bytes, filename: str,
                    sheet: str | None = None, dry_run: bool = False, today: date | None = None,
                    personal_data_confirmed: bool = False) -> dict[str, Any]:
    """Import (or, with dry_run, only check and report) a wide measures spreadsheet into the
    plan, in the caller's transaction. Secretariat only. Raises NotAllowed, InvalidInput (the
    file cannot be read, or has no header row) and RowsRejected (every bad row, with its
    reason; nothing written)."""
    require(user, "measure.import")
    today = today or date.today()
    title, table = _cells(content, filename, sheet)
    position, columns, warnings = _header(table)
    problems: list[tuple[int, str]] = []
    rows = _read_rows(session, plan_id, table, position, columns, today, problems, warnings)
    period_labels = list(dict.fromkeys(c.period.label for c in columns if c.period))
    duplicates = [c.heading for c in columns if c.period] if len(period_labels) < sum(
        1 for c in columns if c.period) else []
    if duplicates:
        problems.append((table[position][0], f"two columns are the same period ({', '.join(duplicates)}); keep one."))

    plans: list[dict[str, Any]] = []
    restricted_refs = set(session.exec(select(Action.ref).where(Action.plan_id == plan_id,
                                                                Action.restricted.is_(True))).all())
    for row in rows:
        existing = session.exec(select(Measure).where(Measure.plan_id == plan_id, Measure.ref == row.ref)).first()
        secret = (existing is not None and is_restricted(session, existing.id)) or set(row.actions) & restricted_refs
        if not cleared_for(user, bool(secret)):  # the one clearance rule, as the measure forms apply it
            problems.append((row.number, f"{row.ref} is restricted (or names a restricted action): only someone "
                                         "cleared for restricted items can import it; leave the row out."))
            continue
        known_fields = {k: v for k, v in row.fields.items() if k in FIELDS}
        if personal_data_confirmed:  # the words were checked for personal data (check_definition)
            known_fields["personal_data_confirmed"] = True
        if row.source_text and not _agency_known(session, row.source_text):
            known_fields.pop("source_agency", None)
            if existing is None or existing.source_text != row.source_text[:200]:
                warnings.append(f"Row {row.number} ({row.ref}): no agency of the plan is called '{row.source_text}'; "
                                "the source is kept as written, and only the secretariat can submit its figures "
                                "until the source agency is named in the app.")
        values, found = check_definition(session, known_fields, plan_id=plan_id, current=existing)
        if found:
            problems.extend((row.number, message) for message in found.values())
            continue
        changed: list[str] = []
        if existing is not None:
            before = _snapshot(existing, [])
            changed = sorted(k for k, v in values.items() if before.get(_SNAPSHOT_KEY.get(k, k)) != v)
            if row.source_text and "source_agency" not in known_fields and existing.source_text != row.source_text:
                changed.append("source_text")
        plans.append({"row": row, "existing": existing, "fields": known_fields, "changed": changed})
    if problems:
        raise RowsRejected(sorted(problems), what="spreadsheet")

    report: list[dict[str, Any]] = []
    added = revisions = 0
    for item in plans:
        row, existing = item["row"], item["existing"]
        fields = dict(item["fields"])
        if existing is None:
            change = "new"
            if not dry_run:
                create_measure(session, user=user, plan_id=plan_id, fields=dict(fields, actions=row.actions),
                               source_text=row.source_text)
        else:
            linked = action_refs(session, [existing.id]).get(existing.id, [])  # type: ignore[list-item]
            new_links = [a for a in row.actions if a not in linked]
            change = "changed" if item["changed"] or new_links else "unchanged"
            if not dry_run and change == "changed":
                if new_links:
                    fields["actions"] = linked + new_links
                update_measure(session, user=user, plan_id=plan_id, ref=row.ref, changes=fields)
                if row.source_text and "source_agency" not in fields:
                    load(session, plan_id, row.ref).source_text = row.source_text[:200]
        measure = None if dry_run and existing is None else load(session, plan_id, row.ref)
        row_added = row_revised = 0
        for period, figure, from_blank in row.figures:
            previous = _current(session, measure.id, period.label) if measure is not None else None
            if from_blank and previous is not None:
                continue  # a blank never replaces a figure already held
            prepared = _Prepared(measure or Measure(plan_id=plan_id, ref=row.ref, name=""), period, figure,
                                 "", previous)
            if prepared.unchanged:
                continue
            row_added += 1
            row_revised += previous is not None
            if not dry_run:
                _write(session, user=user, plan_id=plan_id, item=prepared, source="import")
        added += row_added
        revisions += row_revised
        report.append({"row": row.number, "ref": row.ref, "name": row.fields.get("name", ""), "change": change,
                       "changed_fields": item["changed"], "values_added": row_added, "revisions": row_revised,
                       "actions": row.actions})
    summary = {"file": filename, "sheet": title, "header_row": table[position][0], "periods": period_labels,
               "measures": report, "values_added": added, "revisions": revisions,
               "new": sum(r["change"] == "new" for r in report),
               "changed": sum(r["change"] == "changed" for r in report),
               "unchanged": sum(r["change"] == "unchanged" for r in report),
               "warnings": warnings, "dry_run": dry_run}
    if not dry_run and (summary["new"] or summary["changed"] or added):
        plan = session.get(Plan, plan_id)
        audit.record(session, actor=user, event="measure.import", plan_id=plan_id, entity="measure",
                     entity_key=filename[:100],
                     after={"new": summary["new"], "changed": summary["changed"], "values_added": added,
                            "revisions": revisions, "sheet": title},
                     detail=plan.slug if plan else "")
    return summary


_SNAPSHOT_KEY = {"description": "definition"}


def _agency_known(session: Session, name: str) -> bool:
    from sqlalchemy import func

    from models import Agency

    return session.exec(select(Agency.id).where(func.lower(Agency.name) == name.strip().lower())).first() is not None

