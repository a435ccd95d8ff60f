"""Import an existing plan from the spreadsheet a council keeps (XLSX or CSV).

The header row is the first row (of the first 30) where at least two headings name fields and
one of them is the action or its ref; rows above it (marking, title) are read for the marking,
the plan's name and an "as at" date. Below it:
- a row that only names something (one cell, often merged) is a theme banner: it sets the theme
  of the rows below it, until the next banner or a theme column says otherwise;
- one RAG / update column per period ("Q1 RAG", "RAG (Q1)", "Update (Q2)") is history, appended
  in period order (author "import", `at` the period's end) under plan.updates.record_update's rules;
- columns no field takes are kept with the action (`Action.extra`: JSON {heading: text}).

Rules
- Every row is read and checked first: warnings say what was interpreted, errors what cannot be.
  Then every row is checked against the plan as held (plan/imports/apply.py, in Python, with the
  services' own rules), and only then written, in bulk, in the caller's transaction: any row with
  an error and nothing is kept (ImportRejected, carrying the report), unless skip_invalid, when
  those rows are left out and listed. A dry run stops before the writing, so its report is exactly
  what an import would do.
- Actions are matched by ref: an existing action has its words brought in line with the sheet
  (dates are not moved: the baseline never changes, a new due date goes through Due dates);
  history already held is not added twice (a submission key per row and period), and history
  older than the action's latest update is not added (it would move the current RAG back).
  Re-importing the same file changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, select

from models import Action, Plan, RagDefinition, Theme
from plan import audit
from plan.errors import InvalidInput, NotFound
from plan.identity import Actor
from plan.imports.parsing import (
    FIELD_LABELS,
    Period,
    Reading,
    cell_text,
    match_heading,
    one_line,
    parse_date,
    parse_rag,
    parse_status,
)
from plan.measures.importer import _cells as _any_cells
from plan.permissions import require
from plan.seed import REF_PATTERN
from plan.text import clean, plural
from plan.vocab import DEFAULT_RAG_MEANINGS, RAG_LABELS, Rag

MARKINGS = ("OFFICIAL-SENSITIVE", "OFFICIAL SENSITIVE", "OFFICIAL", "SECRET", "TOP SECRET", "NOT PROTECTIVELY MARKED")
IMPORT_AUTHOR = "import"


@dataclass
class ColumnMatch:
    """What a column of the sheet was taken as; the user may correct `field`."""

    index: int
    heading: str
    field: str | None  # None: kept with the action
    period: str = ""  # the period label for a per-period RAG or update

    @property
    def described(self) -> str:
        if self.field is None:
            return "kept with the action"
        label = FIELD_LABELS.get(self.field, self.field)
        return f"{label} ({self.period})" if self.period else label


@dataclass
class RowReport:
    row: int  # the sheet's row number
    ref: str
    title: str
    theme: str = ""
    change: str = ""  # create, update, unchanged, skipped
    changed_fields: list[str] = field(default_factory=list)
    history_added: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    file: str
    sheet: str
    plan_slug: str
    new_plan: bool
    header_row: int
    columns: list[ColumnMatch]
    rows: list[RowReport]
    notes: list[str]  # about the sheet as a whole
    dry_run: bool
    applied: bool = False

    @property
    def skipped(self) -> list[RowReport]:
        return [r for r in self.rows if r.change == "skipped"]

    @property
    def errors(self) -> list[RowReport]:
        return [r for r in self.rows if r.errors]

    def count(self, change: str) -> int:
        return sum(r.change == change for r in self.rows)

    @property
    def history_added(self) -> int:
        return sum(r.history_added for r in self.rows)

    def summary(self) -> str:
        verb = "Would" if self.dry_run else ""
        parts = [f"{self.count('create')} new", f"{self.count('update')} changed",
                 f"{self.count('unchanged')} unchanged", f"{plural(self.history_added, 'update')} added to history"]
        if self.skipped:
            parts.append(f"{plural(len(self.skipped), 'row')} skipped")
        target = f"new plan '{self.plan_slug}'" if self.new_plan else f"plan '{self.plan_slug}'"
        head = f"{verb + ' import' if verb else 'Imported'} into {target}: "
        return head + ", ".join(parts) + "."


class ImportRejected(InvalidInput):
    """Rows with errors: nothing was written. `report` holds every row and its problems."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        bad = report.errors
        lines = [f"row {r.row}{' (' + r.ref + ')' if r.ref else ''}: {' '.join(r.errors)}" for r in bad[:30]]
        super().__init__(f"Nothing was imported: {plural(len(bad), 'row')} cannot be read. "
                         "Fix them, or choose to skip them.\n" + "\n".join(lines))


@dataclass
class _Row:
    number: int
    ref: str
    title: str
    theme: str
    values: dict[str, Any]
    history: list[tuple[Period | None, dict[str, Any]]]
    extra: dict[str, str]
    report: RowReport


# ---------------------------------------------------------------- reading the sheet


def _cells(content: bytes, filename: str, sheet: str | None) -> tuple[str, list[tuple[int, Sequence[Any]]]]:
    """The sheet's rows as (row number, values). A workbook is read once, values only, by
    python-calamine (openpyxl, read-only, if calamine cannot open it); its recorded size is not
    trusted (some writers get it wrong), so no row or column is cut off. CSV files are read as the
    measures importer reads them."""
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        title, table = _any_cells(content, filename, sheet)
        return title, [(number, [value for value, _ in cells]) for number, cells in table]
    fast = _calamine_cells(content, filename, sheet)
    return fast if fast is not None else _openpyxl_cells(content, filename, sheet)


def _openpyxl_cells(content: bytes, filename: str, sheet: str | None) -> tuple[str, list[tuple[int, Sequence[Any]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001  any failure to read means the same to the user
        raise InvalidInput(f"{filename} cannot be read as an Excel workbook ({type(err).__name__}); save it "
                           "as .xlsx and try again.") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput(f"{filename} has no sheet '{sheet}'; its sheets are: {', '.join(book.sheetnames)}.")
        ws = book[sheet] if sheet else book.worksheets[0]
        ws.reset_dimensions()
        rows = list(enumerate(ws.iter_rows(values_only=True), 1))
        return ws.title, rows
    finally:
        book.close()


def _calamine_cells(content: bytes, filename: str, sheet: str | None
                    ) -> tuple[str, list[tuple[int, Sequence[Any]]]] | None:
    """The sheet's rows through python-calamine (a Rust reader: 0.07 s for a plan of 10,000 rows
    where openpyxl takes 0.66 s), with its values made what openpyxl gives: an empty cell is None,
    a date a datetime, a whole number an int. None when calamine cannot open the file (openpyxl
    then tries, and says why it cannot)."""
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # noqa: BLE001  openpyxl reads it again and words the failure
        return None
    names = list(book.sheet_names)
    if not names:
        return None
    if sheet is not None and sheet not in names:
        raise InvalidInput(f"{filename} has no sheet '{sheet}'; its sheets are: {', '.join(names)}.")
    title = sheet or names[0]
    rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)  # row numbers as the sheet's
    return title, [(number, tuple(_as_openpyxl(v) for v in cells)) for number, cells in enumerate(rows, 1)]


def _as_openpyxl(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


def read_columns(content: bytes, filename: str, *, sheet: str | None = None) -> tuple[int, list[ColumnMatch]]:
    """The header row found and what each column was taken as (for the user to correct)."""
    _, table = _cells(content, filename, sheet)
    position, columns = _header(table)
    return table[position][0], columns


def _header(table: list[tuple[int, Sequence[Any]]]) -> tuple[int, list[ColumnMatch]]:
    for position, (_, cells) in enumerate(table[:30]):
        columns = []
        for index, value in enumerate(cells):
            if value is None or not str(value).strip():
                continue
            key, period = match_heading(value)
            columns.append(ColumnMatch(index, one_line(value), key, period.label if period else ""))
        keys = [c.field for c in columns if c.field]
        if len(keys) >= 2 and ("title" in keys or "ref" in keys):
            return position, columns
    raise InvalidInput("No header row found: the sheet needs a row of headings above the actions naming at least "
                       "the action (e.g. 'Action') or its ref ('Ref', 'No.') and one more field "
                       "('Lead Officer', 'Due', 'RAG', ...).")


def _apply_mapping(columns: list[ColumnMatch], mapping: dict[str, str | None] | None) -> list[ColumnMatch]:
    """The user's corrections: heading -> field ('' or None: keep with the action)."""
    if not mapping:
        return columns
    corrected = []
    for column in columns:
        if column.heading in mapping:
            chosen = mapping[column.heading] or None
            if chosen is not None and chosen not in FIELD_LABELS:
                raise InvalidInput(f"'{chosen}' is not a field; choose one of: {', '.join(FIELD_LABELS)}.")
            column = ColumnMatch(column.index, column.heading, chosen, column.period if chosen else "")
        corrected.append(column)
    return corrected


def _as_at(title_rows: list[Sequence[Any]]) -> date | None:
    """The latest date written in the title rows ('updated for Board 14/10/2025')."""
    found: list[date] = []
    for cells in title_rows:
        for value in cells:
            if isinstance(value, datetime):
                found.append(value.date())
            for day, month, year in re.findall(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b", str(value or "")):
                y = int(year) + (2000 if len(year) == 2 else 0)
                try:
                    found.append(date(y, int(month), int(day)))
                except ValueError:
                    pass
    return max(found) if found else None


def _default_year(periods: list[Period], as_at: date) -> int:
    """For periods without a year ('Q1', 'Q2'): the latest financial year whose named quarters
    had all ended by the sheet's date."""
    year = as_at.year if as_at.month >= 4 else as_at.year - 1
    while any(p.end(year) > as_at for p in periods if p.year is None):
        year -= 1
    return year


def _banner(cells: Sequence[Any], columns: list[ColumnMatch]) -> str | None:
    filled = [(i, v) for i, v in enumerate(cells) if v is not None and str(v).strip()]
    if len(filled) != 1 or not isinstance(filled[0][1], str):
        return None
    index, value = filled[0]
    ref_cols = {c.index for c in columns if c.field == "ref"}
    if index in ref_cols and REF_PATTERN.match(value.strip()) and re.search(r"\d", value) and len(value.strip()) < 12:
        return None  # a ref alone is a row with its action missing, not a banner
    return one_line(value)


def _theme_from_banner(text: str) -> tuple[str, str]:
    """'PREPARE: know the problem' -> ('Prepare', 'know the problem')."""
    parts = re.split(r"\s*[:–—]\s*|\s+-\s+", text, maxsplit=1)
    head, rest = parts[0], parts[1] if len(parts) > 1 else ""
    head = head.strip()
    if head.isupper():
        head = head.title()
    return head[:100], rest.strip()


def _read(content: bytes, filename: str, sheet: str | None, mapping: dict[str, str | None] | None,
          year: int | None) -> tuple[str, int, list[ColumnMatch], list[_Row], dict[str, Any]]:
    title, table = _cells(content, filename, sheet)
    position, columns = _header(table)
    columns = _apply_mapping(columns, mapping)
    above = [cells for _, cells in table[:position]]
    sheet_facts: dict[str, Any] = {"notes": [], "marking": None, "name": None, "banners": []}
    for cells in above:
        for value in cells:
            text = one_line(value)
            if text.upper() in MARKINGS and sheet_facts["marking"] is None:
                sheet_facts["marking"] = text.upper().replace("OFFICIAL SENSITIVE", "OFFICIAL-SENSITIVE")
            elif text and sheet_facts["name"] is None:
                sheet_facts["name"] = text
    periods = {c.period: match_heading(c.heading)[1] for c in columns if c.period}
    if year is None and any(p is not None and p.year is None for p in periods.values()):
        as_at = _as_at(above) or date.today()
        year = _default_year([p for p in periods.values() if p is not None], as_at)
        named = ", ".join(sorted({c.period for c in columns if c.period}))
        sheet_facts["notes"].append(f"Columns for {named} give no year: read as the financial year "
                                    f"{year}/{(year + 1) % 100:02d}, the latest whose quarters had ended by "
                                    f"{as_at:%d %b %Y} (the sheet's date); give the year to change this.")
    year = year or date.today().year
    period_order = sorted({c.period for c in columns if c.period},
                          key=lambda label: (periods[label].end(year) if periods[label] else date.max))
    by_field = {c.field: c for c in columns if c.field and not c.period}
    extras = [c for c in columns if c.field is None]
    for column in extras:
        sheet_facts["notes"].append(f"Column '{column.heading}' is no field of an action: kept with each action.")

    rows: list[_Row] = []
    banner_theme = ""
    previous_ref = ""
    seen_refs: dict[str, int] = {}
    for number, cells in table[position + 1:]:
        values = cells
        if all(v is None or not str(v).strip() for v in values):
            continue
        if (banner := _banner(cells, columns)) is not None:
            banner_theme = banner
            sheet_facts["banners"].append((number, banner))
            continue

        def get(key: str, values: list[Any] = values) -> Any:
            column = by_field.get(key)
            return values[column.index] if column is not None and column.index < len(values) else None

        report = RowReport(row=number, ref="", title="")
        raw_ref = get("ref")
        ref = one_line(raw_ref)
        if isinstance(raw_ref, float):  # Excel keeps 1.10 typed as a number as 1.1
            ref = str(int(raw_ref)) if raw_ref.is_integer() else repr(raw_ref)
            report.warnings.append(f"Ref {ref} is a number in the sheet: if it was written 1.10, 2.20 ..., the "
                                   "trailing zero is lost; format the column as text and import again.")
        if ref.endswith(".") and ref[:-1].replace(".", "").isdigit():
            ref = ref[:-1]
        title_text = cell_text(get("title"))
        title = one_line(title_text)
        if not title:
            if not ref:  # a note or key row under the table: nothing names an action
                sheet_facts["notes"].append(f"Row {number} names no action and no ref: not imported "
                                            f"('{one_line(values[0] if values else '')[:60]}').")
                continue
            report.errors.append("The action has no words: give it a title.")
        if len(title) > 300:
            report.warnings.append(f"The action's words are {len(title)} characters: the title is the first 300, "
                                   "the whole text is kept as its description.")
            title = title[:299] + "…"
        if not ref:
            ref = f"{previous_ref}a" if previous_ref else f"R{number}"
            while ref in seen_refs:
                ref += "a"
            report.warnings.append(f"No ref given: given '{ref}' (after the row above).")
        elif not REF_PATTERN.match(ref):
            report.errors.append(f"Ref '{ref}': use letters, digits, dots or hyphens, e.g. 2.4, 2.4a or PREV-03.")
        if ref in seen_refs:
            report.errors.append(f"Ref '{ref}' is used twice (first at row {seen_refs[ref]}); each action needs its "
                                 "own ref.")
        seen_refs.setdefault(ref, number)
        previous_ref = ref
        report.ref, report.title = ref, title
        theme = one_line(get("theme")) or banner_theme
        if not theme:
            report.warnings.append("No theme (no banner row above and no theme column): put under 'General'.")
            theme = "General"
        report.theme = _theme_from_banner(theme)[0]
        row_values: dict[str, Any] = {"title": title}
        if "description" in by_field or len(one_line(title_text)) > 300:
            raw = get("description")
            description = "" if raw is None else str(raw).replace("\r\n", "\n").strip()
            if len(one_line(title_text)) > 300:
                description = (title_text + ("\n\n" + description if description else "")).strip()
            row_values["description"] = description
        owner_text = cell_text(get("owner"))
        owner = "; ".join(owner_text.split("\n"))
        if "owner" in by_field:
            if not owner:
                report.warnings.append("No lead officer named: the action has no owner yet.")
            row_values["owner"] = owner[:200]
        if "lead_agency" in by_field:
            row_values["lead_agency"] = one_line(get("lead_agency"))[:200] or None
        if "partners" in by_field:
            names = [one_line(p) for p in re.split(r"[;\n]", cell_text(get("partners"))) if one_line(p)]
            kept = [n for n in names if n.lower() not in ("all", "all partners", "n/a", "na", "none", "tbc")]
            if len(kept) < len(names):
                report.warnings.append("Partners 'All'/'TBC' name no agency: not linked (the words are kept).")
                row_values.setdefault("_notes", []).append(
                    (by_field["partners"].heading, "; ".join(names)))
            row_values["partners"] = kept
        for key, end in (("start_date", False), ("due_date", True)):
            if key in by_field:
                reading = parse_date(get(key), end=end)
                label = FIELD_LABELS[key]
                if reading.warning:
                    report.warnings.append(f"{label}: {reading.warning}")
                if reading.error:
                    report.errors.append(f"{label}: {reading.error}")
                row_values[key] = reading.value
        if row_values.get("start_date") and row_values.get("due_date") and \
                row_values["due_date"] < row_values["start_date"]:
            report.errors.append(f"Due date {row_values['due_date']:%d %b %Y} is before the start date "
                                 f"{row_values['start_date']:%d %b %Y}.")
        history: list[tuple[Period | None, dict[str, Any]]] = []
        for label in [*period_order, ""]:
            entry: dict[str, Any] = {}
            for column in columns:
                if column.field is None or column.period != label or (not label and column.field not in
                                                                       ("rag", "status", "commentary", "blockers",
                                                                        "support_asked", "evidence_url")):
                    continue
                value = values[column.index] if column.index < len(values) else None
                entry[column.field] = value
            if not any(v is not None and str(v).strip() for v in entry.values()):
                continue
            where = f"{label}: " if label else ""
            rag = parse_rag(entry.get("rag"))
            status = parse_status(entry.get("status"))
            as_rag = parse_rag(entry.get("status")) if status.error else None
            if as_rag is not None and as_rag.value is not None:  # a 'Status' column holding RAG words
                if rag.value is None and not rag.error:
                    rag = as_rag
                    status = Reading(None, f"status '{one_line(entry.get('status'))}' is a rating: taken as the RAG.")
                else:
                    status = Reading(None, f"status '{one_line(entry.get('status'))}' is a rating, and the RAG is "
                                           "given: the status is worked out from the RAG.")
            for reading in (rag, status):
                if reading.warning:
                    report.warnings.append(where + reading.warning)
                if reading.error:
                    report.errors.append(where + reading.error)
            texts = {k: cell_text(entry.get(k)) for k in ("commentary", "blockers", "support_asked", "evidence_url")}
            if rag.value is None and not rag.error:
                if texts["commentary"]:
                    report.warnings.append(f"{where}an update with no RAG: kept with the action, not as history.")
                    row_values.setdefault("_notes", []).append(
                        (f"Update {label}" if label else "Update", texts["commentary"]))
                continue
            history.append((periods.get(label) if label else None,
                            {"rag": rag.value, "status": status.value, **texts, "label": label}))
        extra = {c.heading: cell_text(values[c.index]) for c in extras
                 if c.index < len(values) and cell_text(values[c.index])}
        for heading, text in row_values.pop("_notes", []):
            extra[heading] = text
        rows.append(_Row(number, ref, title, theme, row_values, history, extra, report))
    roles = [r for r in rows if r.values.get("owner") and "@" not in r.values["owner"]]
    if roles:
        sheet_facts["notes"].append(f"{plural(len(roles), 'action')} name their lead as a role, a group or a name, "
                                    "not an "
                                    "account (e.g. '" + roles[0].values["owner"][:40] + "'): kept as written; "
                                    "assign people to them on Users.")
    followed = {r.theme for r in rows}
    for number, banner in sheet_facts["banners"]:
        if banner not in followed:
            sheet_facts["notes"].append(f"Row {number} ('{banner[:60]}') has no actions under it: not a theme.")
    sheet_facts["banners"] = [(n, b) for n, b in sheet_facts["banners"] if b in followed]
    sheet_facts["year"] = year
    return title, table[position][0], columns, rows, sheet_facts


# ---------------------------------------------------------------- applying it


def import_plan(session: Session, *, user: Actor, content: bytes, filename: str, sheet: str | None = None,
                plan_slug: str | None = None, mapping: dict[str, str | None] | None = None,
                dry_run: bool = False, skip_invalid: bool = False, year: int | None = None) -> ImportReport:
    """Import (or with dry_run, try and undo) a plan spreadsheet, in the caller's transaction.

    `plan_slug`: an existing plan is updated; a slug no plan has yet makes a new plan from the
    file; None: the only plan (InvalidInput asks which when there are several). `mapping`
    corrects what a heading is taken as. Secretariat only. Raises NotAllowed, InvalidInput (the
    file cannot be read, has no header row, or which plan is unclear) and ImportRejected (rows
    with errors; nothing written). Returns the report; `report.applied` says whether it was kept.
    """
    require(user, "plan.import")
    sheet_title, header_row, columns, rows, facts = _read(content, filename, sheet, mapping, year)
    plan, new_plan, slug = _target(session, plan_slug)
    report = ImportReport(file=filename, sheet=sheet_title, plan_slug=slug, new_plan=new_plan, header_row=header_row,
                          columns=columns, rows=[r.report for r in rows], notes=list(facts["notes"]),
                          dry_run=dry_run)
    if not rows:
        raise InvalidInput(f"{filename}: no actions found below the header row (row {header_row}).")

    outer = session.begin_nested()
    try:
        if plan is None:
            plan = _new_plan(session, slug=slug, facts=facts, rows=rows, filename=filename)
        from plan.imports import apply  # it builds on this module's reading

        themes = {t.name: t for t in session.exec(select(Theme).where(Theme.plan_id == plan.id)).all()}
        prepared = apply.prepare(session, user=user, plan=plan, rows=rows, themes=themes, new_plan=new_plan,
                                 year=facts["year"])
        bad = report.errors
        for row in rows:
            if row.report.errors and skip_invalid:
                row.report.change = "skipped"
        if bad and not skip_invalid:
            outer.rollback()
            if dry_run:
                return report
            raise ImportRejected(report)
        if dry_run:
            outer.rollback()
            return report
        apply.write(session, prepared)
        if new_plan or report.count("create") or report.count("update") or report.history_added:
            audit.record(session, actor=user, event="plan.import", plan_id=plan.id, entity="plan", entity_key=slug,
                         after={"file": filename[:100], "sheet": sheet_title, "new_plan": new_plan,
                                "created": report.count("create"), "changed": report.count("update"),
                                "history_added": report.history_added,
                                "skipped": [r.row for r in report.skipped]})
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    report.applied = True
    return report


def _target(session: Session, slug: str | None) -> tuple[Plan | None, bool, str]:
    plans = session.exec(select(Plan).order_by(Plan.id)).all()
    if slug:
        found = next((p for p in plans if p.slug == slug), None)
        if found is None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", slug):
            raise InvalidInput(f"'{slug}' cannot name a new plan: use lower-case letters, digits and hyphens.")
        return found, found is None, slug
    if len(plans) == 1:
        return plans[0], False, plans[0].slug
    if not plans:
        raise NotFound("No plan exists yet: name the new plan (e.g. --plan westhaven-sv) to create it from the file.")
    raise InvalidInput("There are several plans: say which to import into ("
                       + ", ".join(p.slug for p in plans) + "), or name a new one.")


def _new_plan(session: Session, *, slug: str, facts: dict[str, Any], rows: list[_Row], filename: str) -> Plan:
    name = (facts["name"] or filename.rsplit(".", 1)[0])[:200]
    plan = Plan(slug=slug, name=name, organisation="", protective_marking=facts["marking"] or "OFFICIAL-SENSITIVE")
    session.add(plan)
    session.flush()
    for rag in Rag:
        session.add(RagDefinition(plan_id=plan.id, rag=rag.value, label=RAG_LABELS[rag],
                                  meaning=DEFAULT_RAG_MEANINGS[rag]))
    descriptions = {}
    for _, banner in facts["banners"]:
        theme_name, description = _theme_from_banner(banner)
        descriptions.setdefault(theme_name, description)
    names = list(dict.fromkeys([_theme_from_banner(r.theme)[0] for r in rows if not r.report.errors]))
    for position, theme_name in enumerate(names):
        session.add(Theme(plan_id=plan.id, name=theme_name, description=descriptions.get(theme_name, ""),
                          position=position))
    session.flush()
    return plan


def _theme_for(themes: dict[str, Theme], text: str) -> Theme | None:
    """A banner or theme cell to one of the plan's themes: 'PREVENTION: stop it' -> Prevent."""
    name = _theme_from_banner(text)[0].casefold()
    for theme in themes.values():
        if theme.name.casefold() == name or theme.name.casefold() == text.casefold():
            return theme
    for theme in themes.values():
        short = theme.name.casefold()
        if len(short) >= 4 and (name.startswith(short) or short.startswith(name)):
            return theme
    return None


_KEY_ENCODER = json.JSONEncoder(sort_keys=True, default=str)  # json.dumps's text, without a new encoder per call


def _key(plan_id: int, ref: str, label: str, entry: dict[str, Any]) -> str:
    digest = hashlib.sha256(_KEY_ENCODER.encode([plan_id, ref, label, entry]).encode())
    return "import-" + digest.hexdigest()[:40]


def _extra_of(action: Action) -> dict[str, str]:
    try:
        value = json.loads(action.extra) if action.extra else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _cleaned(extra: dict[str, str]) -> dict[str, str]:
    return {k[:100]: clean(v)[:4000] for k, v in extra.items()}


def _keep_extra(action: Action, extra: dict[str, str]) -> None:
    """Unmapped columns stay with the action (Action.extra, {heading: text}); a heading the sheet
    no longer has is kept, one it has again is replaced."""
    action.extra = json.dumps({**_extra_of(action), **_cleaned(extra)}, ensure_ascii=False, sort_keys=True)
