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
from plan.measures import headings as H
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
from plan.measures.figures import Figure, format_value
from plan.measures.report_cells import ReportCell, read_report_cell, read_status, unit_from_cells
from plan.measures.returns import _current, _Prepared, _write
from plan.measures.targets import parse_target
from plan.measures.terms import RowsRejected, parse_frequency, parse_unit
from plan.permissions import cleared_for, require
from plan.workbooks import read_sheet
from plan.workbooks.headers import ColumnMatch, Header, NoHeader, find_header


@dataclass
class _Column:
    index: int
    heading: str
    key: str | None = None  # a field
    period: P.Period | None = None
    extra: str = ""  # the baseline's period, as the heading gives it (a label, or '')
    year_to_date: bool = False  # "Q3 YTD": the column's figures count from the year's start


@dataclass
class _Row:
    number: int
    ref: str
    fields: dict[str, Any]
    actions: list[str]
    # (period, figure, from a blank, the cell's note, the sheet's own status for it)
    figures: list[tuple[P.Period, Figure, bool, str, str]] = field(default_factory=list)
    source_text: str = ""


def _cells(content: bytes, filename: str, sheet: str | None) -> tuple[str, list[tuple[int, list[tuple[Any, bool]]]]]:
    """The sheet's rows as (row number, [(value, shown as a percent)]), through the one reader of
    uploads (within its caps, only the cells the file holds)."""
    read = read_sheet(content, filename, sheet)
    percent = read.percent
    return read.name, [(number, [(value, (number, index) in percent) for index, value in enumerate(values)])
                       for number, values in read.rows]


@dataclass
class MeasuresPreview:
    """The table found in a measures sheet and what each column was taken as, for the user to
    correct before the dry run (the page shows it; the CLI takes --mapping and --header-row)."""

    sheet: str
    header_row: int
    columns: list[ColumnMatch]
    sample: list[tuple[int, list[str]]]  # the first rows under the header, as text, by column


def _find(rows: list[tuple[int, list[tuple[Any, bool]]]], mapping: dict[str, str | None] | None,
          header_row: int | None) -> tuple[Header, int | None]:
    """The header row (plan.workbooks.headers, the one finder) with the measures' vocabulary;
    bare "Q1" / "Apr-Jun" headings take their year from the title rows above."""
    unknown = sorted({v for v in (mapping or {}).values() if v and v not in H.HEADINGS and v != "figure"})
    if unknown:
        raise InvalidInput(f"The mapping names {', '.join(unknown)}, which is not a field of a measure; the "
                           f"fields are: {', '.join(H.HEADINGS)}.")
    values = [(number, [v for v, _ in cells]) for number, cells in rows]
    guess = H.year_of_report(H.titles_above(values, min(len(values), 10)))
    try:
        found = find_header(values, H.classifier(guess), H.VOCABULARY, mapping=mapping, header_row=header_row)
        year = H.year_of_report(H.titles_above(values, found.position)) or guess
        if year != guess:
            found = find_header(values, H.classifier(year), H.VOCABULARY, mapping=mapping, header_row=header_row)
    except NoHeader as err:
        raise InvalidInput(f"{err} A measures sheet needs a row naming the measure (Indicator, Measure or Name) "
                           "with at least one period column (e.g. Q1 24/25, Apr-Jun 2024, Jan-25), above the "
                           "measures.") from None
    return found, year


def preview_measures(content: bytes, filename: str, *, sheet: str | None = None,
                     mapping: dict[str, str | None] | None = None, header_row: int | None = None,
                     sample: int = 6) -> MeasuresPreview:
    """The table found and each column's reading; reads the file only (no plan, no database)."""
    name, table = _cells(content, filename, sheet)
    found, _ = _find(table, mapping, header_row)
    shown = []
    for number, cells in table[found.position + 1:]:
        if number in found.repeats or not any(v is not None and str(v).strip() for v, _ in cells):
            continue
        shown.append((number, [_text(cells[c.index][0]) if c.index < len(cells) else "" for c in found.columns]))
        if len(shown) >= sample:
            break
    return MeasuresPreview(name, found.row, found.columns, shown)


def _header(rows: list[tuple[int, list[tuple[Any, bool]]]], mapping: dict[str, str | None] | None,
            header_row: int | None) -> tuple[int, list[_Column], list[str], set[int]]:
    """The header row found and each column as a field or a period."""
    found, year = _find(rows, mapping, header_row)
    columns, warnings = [], []
    for match in found.columns:
        columns_of = _column(match, year)
        if columns_of is None:
            warnings.append(f"Column '{match.heading}' is not a field or a period, so it was ignored.")
            continue
        columns.append(columns_of)
    if not any(c.period for c in columns):
        raise InvalidInput(f"No header row found: row {found.row} names the measure but no column is a period; "
                           "head each column of figures with its period (e.g. Q1 24/25, Apr-Jun 2024, Jan-25, "
                           "or Q1 with the year in the title).")
    return found.position, columns, warnings, found.repeats


def _column(match: ColumnMatch, year: int | None) -> _Column | None:
    if match.field is None:
        return None
    column = _Column(match.index, match.heading,
                     extra=H.baseline_period(match.heading, year) if match.field == "baseline" else "")
    if match.field == "figure":
        if not match.period:
            return None
        column.period = P.from_label(match.period)
        column.year_to_date = bool(_YTD_WORDS.search(match.heading))
    else:
        column.key = match.field
    return column


_YTD_WORDS = re.compile(r"\b(ytd|year to date|cumulative|running total)\b", re.I)
_BANNER_WORDS = re.compile(r"\b(csp|partnership|district|borough|area|division|locality|priority|theme|ward|"
                           r"county|city|town)\b", re.I)


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


def _read_rows(session: Session, plan_id: int, table: list[tuple[int, list[tuple[Any, bool]]]], start: int,  # noqa: C901
               columns: list[_Column], today: date, problems: list[tuple[int, str]],
               warnings: list[str], repeats: set[int]) -> list[_Row]:
    by_key = {c.key: c for c in columns if c.key}
    period_columns = [c for c in columns if c.period is not None]
    default_frequency = _frequency_of(columns)
    action_refs_known = set(session.exec(select(Action.ref).where(Action.plan_id == plan_id)).all())
    held_refs = dict(session.exec(select(Measure.ref, Measure.name).where(Measure.plan_id == plan_id)).all())
    coded = "ref" in by_key
    by_name = {name.strip().lower(): ref for ref, name in held_refs.items()}
    taken = set(held_refs)
    generated: list[str] = []
    seen: dict[str, int] = {}
    banner = ""
    rows: list[_Row] = []
    cell_notes: list[str] = []
    for number, cells in table[start + 1:]:
        if number in repeats:
            continue

        def cell(key: str, cells: list[tuple[Any, bool]] = cells) -> Any:
            column = by_key.get(key)
            return cells[column.index][0] if column and column.index < len(cells) else None

        filled = [c for c, _ in cells if c is not None and str(c).strip() != ""]
        if not filled:
            continue
        if _is_banner(filled):
            banner = _banner_title(str(filled[0]))
            continue
        ref, name = _text(cell("ref")), _text(cell("name"))
        if not ref and not name:
            warnings.append(f"Row {number} was skipped: it names no measure ({_text(filled[0])[:60]}).")
            continue
        if not coded:
            if banner:
                name = f"{name} – {banner}"
            key_name = name.lower()
            if key_name in seen:
                problems.append((number, f"'{name[:60]}' is also on row {seen[key_name]}; with no Code column each "
                                         "measure needs its own name (or add a Code column)."))
                continue
            seen[key_name] = number
            ref = by_name.get(key_name) or _new_code(taken)
            if ref not in held_refs:
                generated.append(ref)
        elif not ref:
            problems.append((number, f"'{name[:60]}' has no code; give it one in the "
                                     f"'{by_key['ref'].heading}' column."))
            continue
        elif ref in seen:
            problems.append((number, f"code {ref} is also on row {seen[ref]}; each measure needs its own code."))
            continue
        seen.setdefault(ref, number)
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
        figure_cells = [cells[c.index] for c in period_columns if c.index < len(cells)]
        if unit is None:
            samples = [_text(v) for v, _ in figure_cells] + [_text(cell("baseline"))]
            percent = any(p for v, p in figure_cells if v is not None) or _percent(cells, by_key.get("baseline"))
            unit = "%" if percent else unit_from_cells(samples) or "count"
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
            _baseline(cells, by_key["baseline"], unit, number, ref, fields, problems, warnings)
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
            hint = parse_target(fields.get("target_text") or "").direction_hint or _direction_in(name)
            if hint:
                fields["direction"] = hint
            elif held is None:
                fields["direction"] = "contextual"
                warnings.append(f"Row {number} ({ref}): the sheet gives no direction of good (no Polarity column, "
                                "and neither the target nor the name says reduce or increase), so it was taken as "
                                "contextual: it has no evidence RAG until one is set.")
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
        status = ""
        if "reported_status" in by_key:
            read_word = read_status(cell("reported_status"))
            if read_word is None:
                warnings.append(f"Row {number} ({ref}): the status '{_text(cell('reported_status'))[:40]}' is not "
                                "Red, Amber, Green, Grey or Blue, so it was not kept.")
            status = read_word or ""
        row = _Row(number, ref, fields, actions, source_text=source_text)
        frequency = fields.get("frequency") or (held.frequency if held else default_frequency)
        readings: list[tuple[_Column, ReportCell | None]] = []
        for column in period_columns:
            value = cells[column.index][0] if column.index < len(cells) else None
            if value is None or str(value).strip() == "":
                readings.append((column, None))
                continue
            try:
                reading = read_report_cell(value, unit=fields.get("unit") or unit,
                                           percent_cell=cells[column.index][1])
            except InvalidInput as err:
                problems.append((number, f"column '{column.heading}': {err}"))
                continue
            if reading.warning:
                cell_notes.append(f"Row {number} ({ref}), column '{column.heading}': {reading.warning}.")
            readings.append((column, reading))
        to_date = any(c.year_to_date or (r is not None and r.year_to_date) for c, r in readings)
        if held is None and not kind_text and (to_date or _YTD_WORDS.search(name)) and period_columns:
            first = min(c.period.start for c in period_columns if c.period is not None)
            fields["kind"] = "cumulative"
            fields["cumulative_since"] = P.containing(first, "annual").start
        kind = fields.get("kind") or (held.kind if held else "count")
        started = False
        latest: int | None = None
        for column, reading in readings:
            assert column.period is not None
            period = P.for_measure(column.period, kind=kind, frequency=frequency)
            if reading is None:
                if started and period.end < today:
                    row.figures.append((period, Figure("missing", None, ""), True, "", ""))
                continue
            started = True
            figure = reading.figure
            if period.end >= today:
                if figure.state == "missing":
                    continue  # "not yet available" for a period still running: nothing is owed yet
                problems.append((number, f"column '{column.heading}': {period.display} has not ended yet, so it "
                                         "cannot have a figure."))
                continue
            misfit = P.check_fits(period, kind=kind, frequency=frequency)
            if misfit:
                problems.append((number, f"column '{column.heading}': {misfit}."))
                continue
            latest = len(row.figures)
            row.figures.append((period, figure, False, reading.note, ""))
        if status:
            if latest is None:
                warnings.append(f"Row {number} ({ref}): the status '{status}' was not kept: the row has no figure "
                                "to keep it with.")
            else:
                period, figure, blank, note, _ = row.figures[latest]
                row.figures[latest] = (period, figure, blank, note, status)
        if len(problems) == before:
            rows.append(row)
    if generated:
        warnings.insert(0, f"The sheet has no code column, so {len(generated)} new measures were given codes "
                           f"({generated[0]} to {generated[-1]}); importing the sheet again finds them by name.")
    warnings.extend(cell_notes[:CELL_NOTES])
    if len(cell_notes) > CELL_NOTES:
        warnings.append(f"... and {len(cell_notes) - CELL_NOTES} more cells read the same ways.")
    return rows


CELL_NOTES = 60  # cells whose reading is listed one by one in the report


def _is_banner(filled: list[Any]) -> bool:
    """A row holding only a heading for the rows below ("BRADFORD CSP", "Priority 2: Violence")."""
    if len(filled) != 1 or not isinstance(filled[0], str):
        return False
    text = " ".join(filled[0].split())
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(text) <= 80 and (text.upper() == text or bool(_BANNER_WORDS.search(text)))


def _banner_title(text: str) -> str:
    """'BRADFORD CSP' -> 'Bradford CSP': short words in capitals are kept (CSP, VRU)."""
    words = " ".join(text.split()).rstrip(":")
    if words.upper() != words:
        return words
    return " ".join(w if len(w) <= 3 and w.isalpha() else w.capitalize() for w in words.split())


def _new_code(taken: set[str]) -> str:
    number = 1
    while f"M{number}" in taken:
        number += 1
    taken.add(f"M{number}")
    return f"M{number}"


_LOWER = re.compile(r"^(reduce|reducing|reduction|decrease|decreasing|fewer|lower|cut|minimise|prevent)\b", re.I)
_HIGHER = re.compile(r"^(increase|increasing|improve|improving|more|raise|maximise|maintain or increase)\b", re.I)


def _direction_in(name: str) -> str | None:
    """'Reduce total crime' -> lower; 'Increase the number of ...' -> higher (PCC and CSP
    indicators are written as the aim)."""
    if _LOWER.match(name.strip()):
        return "lower"
    if _HIGHER.match(name.strip()):
        return "higher"
    return None


def _baseline(cells: list[tuple[Any, bool]], column: _Column, unit: str, number: int, ref: str,
              fields: dict[str, Any], problems: list[tuple[int, str]], warnings: list[str]) -> None:
    raw = cells[column.index][0] if column.index < len(cells) else None
    try:
        reading = read_report_cell(raw, unit=unit, percent_cell=_percent(cells, column))
    except InvalidInput as err:
        problems.append((number, f"baseline: {err}"))
        return
    figure = reading.figure
    if figure.state == "suppressed":
        warnings.append(f"Row {number} ({ref}): the baseline '{figure.raw}' is suppressed, so no baseline was set.")
    elif reading.warning:
        # the cell's own words are kept in the measure's notes: a baseline has no note of its own
        written = f"Baseline as written: {' '.join(str(raw).split())}"
        fields["notes"] = f"{fields['notes']}\n{written}" if fields.get("notes") else written
        shown = f"read as {format_value(figure.value, unit)}" if figure.state == "value" else "no baseline was set"
        warnings.append(f"Row {number} ({ref}), baseline: '{' '.join(str(raw).split())}' {shown}; the cell as "
                        "written is kept in the measure's notes.")
    fields["baseline"] = figure.value
    if column.extra:
        fields["baseline_period"] = column.extra  # the period the heading gives
    if figure.state == "value" and reading.note:
        found = H.period_of_heading(reading.note)
        if found is not None:
            fields["baseline_period"] = found.label  # "8.48% (December 2012)": the cell's own date first


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
                    mapping: dict[str, str | None] | None = None, header_row: int | None = None,
                    personal_data_confirmed: bool = False) -> dict[str, Any]:
    """Import (or, with dry_run, only check and report) a wide measures spreadsheet into the
    plan, in the caller's transaction. Secretariat only. `mapping` (heading -> field, None for
    none) and `header_row` are the user's corrections, as for a plan sheet. Raises NotAllowed,
    InvalidInput (the file cannot be read, or has no header row) and RowsRejected (every bad
    row, with its reason; nothing written)."""
    require(user, "measure.import")
    today = today or date.today()
    title, table = _cells(content, filename, sheet)
    position, columns, warnings, repeats = _header(table, mapping, header_row)
    problems: list[tuple[int, str]] = []
    rows = _read_rows(session, plan_id, table, position, columns, today, problems, warnings, repeats)
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
        for period, figure, from_blank, note, status in row.figures:
            previous = _current(session, measure.id, period.label) if measure is not None else None
            if from_blank and previous is not None:
                continue  # a blank never replaces a figure already held
            prepared = _Prepared(measure or Measure(plan_id=plan_id, ref=row.ref, name=""), period, figure,
                                 note, previous, reported_status=status)
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

