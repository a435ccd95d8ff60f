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
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from models import Action, Plan, RagDefinition, Theme
from plan import audit
from plan.errors import InvalidFields, InvalidInput, NotFound
from plan.identity import Actor
from plan.imports.parsing import Period
from plan.permissions import require
from plan.text import clean, plural
from plan.vocab import DEFAULT_RAG_MEANINGS, RAG_LABELS, Rag
from plan.workbooks.headers import ColumnMatch

MARKINGS = ("OFFICIAL-SENSITIVE", "OFFICIAL SENSITIVE", "OFFICIAL", "SECRET", "TOP SECRET", "NOT PROTECTIVELY MARKED")
IMPORT_AUTHOR = "import"


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
    def nothing_to_import(self) -> bool:
        """No row would create or change an action or add history: no Import to offer."""
        return not (self.count("create") or self.count("update") or self.history_added)

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
    generated: bool = False  # its ref was made by the import (the sheet gives none)
    findings: list[str] | None = None  # the needs-assessment findings it answers (a "Finding" column)


# ---------------------------------------------------------------- reading the sheet (plan/imports/reading.py)


def read_columns(content: bytes, filename: str, *, sheet: str | None = None,
                 mapping: dict[str, str | None] | None = None, header_row: int | None = None
                 ) -> tuple[int, list[ColumnMatch]]:
    """The header row found and what each column was taken as (for the user to correct)."""
    from plan.imports.reading import preview

    found = preview(content, filename, sheet=sheet, mapping=mapping, header_row=header_row)
    return found.header_row, found.columns


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


def _theme_from_banner(text: str) -> tuple[str, str]:
    """'PREPARE: know the problem' -> ('Prepare', 'know the problem')."""
    parts = re.split(r"\s*[:–—]\s*|\s+-\s+", text, maxsplit=1)
    head, rest = parts[0], parts[1] if len(parts) > 1 else ""
    head, rest = head.strip(), rest.strip()
    if re.fullmatch(r"(theme|priority|objective|area|strand|section|outcome|aim|pillar|workstream)\s*\d+[a-z]?",
                    head, re.I) and rest and len(rest) <= 100:
        return rest, head  # 'Priority 2: Safer streets' -> 'Safer streets'
    if head.isupper():
        head = head.title()
    return head[:100], rest


# ---------------------------------------------------------------- applying it


def import_plan(session: Session, *, user: Actor, content: bytes, filename: str, sheet: str | None = None,
                plan_slug: str | None = None, mapping: dict[str, str | None] | None = None,
                dry_run: bool = False, skip_invalid: bool = False, year: int | None = None,
                header_row: int | None = None) -> ImportReport:
    """Import (or with dry_run, try and undo) a plan spreadsheet, in the caller's transaction.

    `plan_slug`: an existing plan is updated; a slug no plan has yet makes a new plan from the
    file; None: the only plan (InvalidInput asks which when there are several). `mapping`
    corrects what a heading is taken as (heading or column letter -> field), `header_row` which
    row holds the headings; both are used while the table is looked for. Secretariat only. Raises
    NotAllowed, InvalidInput (the file cannot be read, has no header row, which plan is unclear,
    or nothing in it to import) and ImportRejected (rows with errors; nothing written). Returns
    the report; `report.applied` says whether it was kept. Whatever the dry run passes is written:
    every length, uniqueness and required field the database checks is checked first.
    """
    from plan.imports import reading

    require(user, "plan.import")
    plan, new_plan, slug = _target(session, plan_slug)
    read = reading.read_plan(content, filename, sheet=sheet, mapping=mapping, header_row=header_row, year=year,
                             rag_words=_rag_words(session, plan))
    rows, facts = read.rows, read.facts
    report = ImportReport(file=filename, sheet=read.sheet, plan_slug=slug, new_plan=new_plan,
                          header_row=read.header.row, columns=read.columns, rows=[r.report for r in rows],
                          notes=list(facts["notes"]), dry_run=dry_run)
    if not rows:
        raise InvalidInput(f"{filename}: no actions found below the header row (row {read.header.row}): nothing to "
                           "import" + (", and no plan was made." if new_plan else "."))
    if plan is not None and facts["marking"] and facts["marking"] != plan.protective_marking:
        report.notes.append(f"The sheet is marked {facts['marking']}; the plan keeps its own marking, "
                            f"{plan.protective_marking} (change it in Plan settings).")

    outer = session.begin_nested()
    try:
        if plan is None:
            plan = _new_plan(session, slug=slug, facts=facts, rows=rows, filename=filename)
        from plan.imports import apply  # it builds on this module's reading

        themes = {t.name: t for t in session.exec(select(Theme).where(Theme.plan_id == plan.id)).all()}
        prepared = apply.prepare(session, user=user, plan=plan, rows=rows, themes=themes, new_plan=new_plan,
                                 year=facts["year"])
        _check_findings(session, plan, rows)
        _check_personal_data(session, plan, rows)
        bad = report.errors
        for row in rows:
            if row.report.errors and skip_invalid:
                row.report.change = "skipped"
        if bad and not skip_invalid:
            outer.rollback()
            if dry_run:
                return report
            raise ImportRejected(report)
        if report.nothing_to_import:
            outer.rollback()
            if dry_run or not new_plan:  # the same file again: nothing changes, and nothing is said to
                return report
            raise InvalidInput("Nothing to import: every row is skipped, so no plan was made.")
        if dry_run:
            outer.rollback()
            return report
        try:
            apply.write(session, prepared)
        except SQLAlchemyError as err:  # the checks above should make this unreachable; never a traceback
            first = str(getattr(err, "orig", err)).strip().splitlines()[0][:200]
            raise InvalidInput("The import could not be written, so nothing was kept: the database refused it "
                               f"({first}). Please report this with the file.") from None
        _link_findings(session, user, plan, rows)
        if new_plan or report.count("create") or report.count("update") or report.history_added:
            audit.record(session, actor=user, event="plan.import", plan_id=plan.id, entity="plan", entity_key=slug,
                         after={"file": filename[:100], "sheet": read.sheet[:100], "new_plan": new_plan,
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


def _check_findings(session: Session, plan: Plan, rows: list[_Row]) -> None:
    """A "Finding" column names findings the plan holds (recorded on the Coverage page first): an
    unknown one is the row's error in the dry run, so the write never meets it."""
    if not any(r.findings for r in rows):
        return
    from models import Finding

    held = set(session.exec(select(Finding.ref).where(Finding.plan_id == plan.id)).all())
    for row in rows:
        unknown = [f for f in row.findings or [] if f not in held]
        if unknown:
            row.report.errors.append(f"Finding {', '.join(unknown)} is not a finding of this plan: record it on the "
                                     "Coverage page first, or correct the ref (e.g. F1).")


def _check_personal_data(session: Session, plan: Plan, rows: list[_Row]) -> None:
    """An action's title and description are published: words that look like personal data are the
    row's error under the plan's "refuse" policy, and a warning in the dry run under "warn" (the
    community page withholds them either way)."""
    from models import Person
    from plan import personal_data

    known = session.exec(select(Person.email)).all()
    for row in rows:
        for label, text in (("Title", row.values.get("title") or ""), ("Description", row.values.get("description")
                                                                       or "")):
            found = personal_data.findings(text, known_emails=known) if text else []
            if not found:
                continue
            if plan.personal_data_policy == "refuse":
                row.report.errors.append(f"{label} looks like personal data ({'; '.join(found)}), which this plan "
                                         "does not hold: describe the work instead.")
            else:
                row.report.warnings.append(f"{label} may hold personal data ({'; '.join(found)}): plans hold what "
                                           "partners do, not details of people; check it before you import.")


def _link_findings(session: Session, user: Actor, plan: Plan, rows: list[_Row]) -> None:
    """Each imported action answers exactly the findings its cell lists (plan.strategy.link_findings)."""
    links = {r.ref: r.findings for r in rows if r.findings is not None and r.report.change != "skipped"}
    if not links:
        return
    from plan import strategy

    session.flush()
    try:
        strategy.link_findings(session, user, plan.id, links)
    except InvalidFields as err:
        raise InvalidInput("The findings could not be linked, so nothing was kept: "
                           + "; ".join(f"{k}: {v}" for k, v in err.problems.items())) from None


def _rag_words(session: Session, plan: Plan | None) -> dict[str, str]:
    """Status words to the RAG the plan's RAG definitions give them: 'complete' -> blue when Blue
    means 'Complete: delivered ...'; the default meanings for a new plan."""
    if plan is not None:
        held = session.exec(select(RagDefinition).where(RagDefinition.plan_id == plan.id)).all()
        definitions = {d.rag: (d.label, d.meaning) for d in held}
    else:
        definitions = {}
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE):
        definitions.setdefault(rag.value, (RAG_LABELS[rag], DEFAULT_RAG_MEANINGS[rag]))
    words: dict[str, str] = {}
    for rag, (label, meaning) in definitions.items():
        if rag == Rag.NOT_ASSESSED.value:
            continue
        first = " ".join(re.sub(r"[^a-z0-9]+", " ", re.split(r"[:.;,(]", meaning or "", maxsplit=1)[0].lower())
                         .split()).split()
        label_words = " ".join(re.sub(r"[^a-z0-9]+", " ", (label or "").lower()).split())
        # 'On track to be delivered ...' gives 'on track'; 'Complete: delivered' gives 'complete'
        for key in [label_words, " ".join(first), *(" ".join(first[:n]) for n in (3, 2)),
                    first[0] if first and len(first[0]) > 3 else ""]:
            if key:
                words.setdefault(key, rag)
    words.setdefault("completed", words.get("complete", Rag.BLUE.value))
    return words


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


_COMMON = frozenset("""plan plans action actions delivery violence vulnerability vulnerable partnership partnerships
strategy strategic community safety safer council borough county district city serious local reduction reducing
board update updated tracker version draft appendix annex business women girls vawg against exploitation youth
programme framework performance report with from this that year years final agreed""".split())


def _distinct(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _COMMON}


def suggest_target(session: Session, name: str | None, current: str | None) -> tuple[str | None, str]:
    """Which plan a file is for, from the name in its title: (slug of the plan it names, or None
    for a new plan; a short name for that new plan). A plan is named when the title shares a
    word of its own with the plan's name, organisation or short name (a place: 'Southend'), or
    reads almost as its name. A file naming no plan held goes into a new plan by default:
    importing one partnership's file into another's plan by accident is the harm to avoid. A
    file with no title: the plan shown."""
    from rapidfuzz import fuzz

    plans = session.exec(select(Plan).order_by(Plan.id)).all()
    if not name:
        return (current if any(p.slug == current for p in plans) else None), ""
    own = _distinct(name)
    scored = []
    for plan in plans:
        shared = own & _distinct(f"{plan.name} {plan.organisation} {plan.slug.replace('-', ' ')}")
        scored.append((len(shared), fuzz.token_set_ratio(name.lower(), plan.name.lower()), plan.slug != current,
                       plan.slug))
    scored.sort(reverse=True)
    if scored and (scored[0][0] or scored[0][1] >= 90):
        return scored[0][3], ""
    words = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\([^)]*\)", " ", name).lower()).strip("-")
    base = "-".join(w for w in words.split("-") if w not in ("the", "and", "of", "for", "plan", "action"))
    if len(base) > 50:
        base = base[:51].rsplit("-", 1)[0]
    base = base.strip("-") or "imported-plan"
    slug, taken, n = base, {p.slug for p in plans}, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return None, slug
