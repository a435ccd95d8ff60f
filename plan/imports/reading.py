"""Reading a council's plan sheet into rows to import: the table found (plan.workbooks.headers),
then each row read as the council wrote it, every interpretation said as a warning.

Above the header: the protective marking, the plan's name (the title row, not an "Appendix 3"
label or a version line) and an "as at" date. A single-cell row just above a header that repeats
under each banner is the first theme, not the plan's name. Below it: banners set the theme;
repeated header rows and the key under the table are skipped (the key's colours read fills);
every other row naming an action or a ref is an action."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plan.errors import InvalidInput
from plan.imports import colours
from plan.imports import people as who
from plan.imports.parsing import (
    FIELD_LABELS,
    VOCABULARY,
    Period,
    Reading,
    cell_text,
    classify_heading,
    one_line,
    parse_rag,
    parse_status,
    period_in,
)
from plan.imports.plan_import import MARKINGS, ColumnMatch, RowReport, _Row, _theme_from_banner
from plan.imports.timescales import read_timescale
from plan.seed import REF_PATTERN
from plan.text import plural
from plan.vocab import RAG_LABELS, Rag
from plan.workbooks.headers import Header, NoHeader, column_letter, find_header, normalise
from plan.workbooks.sheet import Sheet, read_sheet

REF_MAX = 30  # Action.ref
_APPENDIX = re.compile(r"^\s*(appendix|annex|annexe|schedule|attachment)\s+[\w.]{1,6}\s*([:\-–—.]\s*|$)", re.I)
_VERSION = re.compile(r"^\s*(version|v\d|updated|last updated|date|draft|status|owner|author|page)\b", re.I)
_PLAN_WORDS = re.compile(r"\b(plan|strategy|programme|action|delivery|business plan|framework)\b", re.I)
_KEY_ROW = re.compile(r"^\s*(key|rag key|legend|rag rating key|rag definitions?)\b", re.I)


@dataclass
class SheetRead:
    sheet: str
    header: Header
    rows: list[_Row]
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[ColumnMatch]:
        return self.header.columns


@dataclass
class Preview:
    """The table found, before anything is checked: for the page to show and the user to correct."""

    sheet: str
    header_row: int
    columns: list[ColumnMatch]
    sample: list[tuple[int, list[str]]]  # the first rows below the header, as text, by column
    name: str | None
    marking: str | None


def _texts(cells: Sequence[Any]) -> list[tuple[int, str]]:
    return [(i, one_line(v)) for i, v in enumerate(cells) if v is not None and one_line(v)]


def _locate(sheet: Sheet, mapping: Mapping[str, str | None] | None, header_row: int | None) -> Header:
    try:
        header = find_header(sheet.rows, classify_heading, VOCABULARY, mapping=mapping, header_row=header_row)
    except NoHeader as err:
        raise InvalidInput(str(err)) from None
    letters = {normalise(k).removeprefix("no heading "): v for k, v in (mapping or {}).items()
               if re.fullmatch(r"(no heading )?(column )?[a-z]{1,2}", normalise(k))}
    for key, chosen in letters.items():  # 'A=ref': a column named by its letter (one with no heading)
        letter = key.removeprefix("column ").upper()
        found = next((c for c in header.columns if c.letter == letter), None)
        if found is None:
            index = sum((ord(ch) - 64) * 26 ** n for n, ch in enumerate(reversed(letter))) - 1
            found = ColumnMatch(index, f"(no heading, column {letter})", None)
            header.columns.append(found)
        found.field, found.period, found.how = chosen or None, "", "your choice"
        found.label = FIELD_LABELS.get(found.field or "", "")
    header.columns.sort(key=lambda c: c.index)
    for column in header.columns:
        if column.field is not None and column.field not in FIELD_LABELS:
            raise InvalidInput(f"'{column.field}' is not a field; choose one of: {', '.join(FIELD_LABELS)}.")
        column.label = FIELD_LABELS.get(column.field or "", "")
    return header


def _title_rows(above: list[tuple[int, Sequence[Any]]]) -> tuple[str | None, int | None, str | None, int | None]:
    """(marking, its row, plan name, its row) from the rows above the header."""
    marking = marking_row = name = name_row = None
    candidates: list[tuple[int, str]] = []
    for number, cells in above:
        for _, text in _texts(cells):
            upper = text.upper()
            found = next((m for m in MARKINGS if upper == m or upper.startswith(m + " ")), None)
            if found and marking is None:
                marking, marking_row = found.replace("OFFICIAL SENSITIVE", "OFFICIAL-SENSITIVE"), number
                break
            if _VERSION.match(text) or _KEY_ROW.match(text):
                continue
            stripped = _APPENDIX.sub("", text).strip(" -–—:")
            if stripped and not re.fullmatch(r"[\d\s./-]+", stripped):
                candidates.append((number, stripped))
            break
    planned = [c for c in candidates if _PLAN_WORDS.search(c[1])]
    if planned or candidates:
        name_row, name = (planned or candidates)[0]
    return marking, marking_row, name, name_row


def _plan_year(texts: list[str], as_at: date | None) -> int:
    """The first calendar year of the plan's financial year: from its title ('2023/24', '2024-26',
    '2024-2026'), else its date, else today."""
    for text in texts:
        found = re.search(r"\b(20\d\d)\s*[/-]\s*(\d\d|20\d\d)\b", text)
        if found:
            return int(found.group(1))
        found = re.search(r"\b(20\d\d)\b", text)
        if found:
            return int(found.group(1))
    day = as_at or date.today()
    return day.year if day.month >= 4 else day.year - 1


def _as_at(title_rows: list[Sequence[Any]]) -> date | None:
    from plan.imports.plan_import import _as_at as as_at

    return as_at(title_rows)


def preview(content: bytes, filename: str, *, sheet: str | None = None,
            mapping: Mapping[str, str | None] | None = None, header_row: int | None = None,
            sample: int = 8) -> Preview:
    """The table found and what each column was taken as (for the user to correct)."""
    read = read_sheet(content, filename, sheet)
    header = _locate(read, mapping, header_row)
    marking, _, name, _ = _title_rows(read.rows[:header.position])
    shown = []
    for number, cells in read.rows[header.position + 1:]:
        if number in header.repeats or not _texts(cells):
            continue
        shown.append((number, [one_line(cells[c.index]) if c.index < len(cells) else "" for c in header.columns]))
        if len(shown) >= sample:
            break
    return Preview(read.name, header.row, header.columns, shown, name, marking)


def _banner(cells: Sequence[Any], columns: list[ColumnMatch]) -> str | None:
    filled = _texts(cells)
    if len(filled) != 1 or not isinstance(cells[filled[0][0]], str):
        return None
    index, value = filled[0]
    ref_cols = {c.index for c in columns if c.field == "ref"}
    if index in ref_cols and REF_PATTERN.match(value) and re.search(r"\d", value) and len(value) < 12:
        return None  # a ref alone is a row with its action missing, not a banner
    return value


def _key_row(sheet: Sheet, number: int, cells: Sequence[Any]) -> list[tuple[str, str | None]] | None:
    """A row of the key under the table: [(rag, fill)], else None."""
    texts = _texts(cells)
    if not texts or len(texts) > 3:
        return None
    first = texts[0][1]
    if _KEY_ROW.match(first) and len(texts) == 1:
        rest = _KEY_ROW.sub("", first).strip(" :-")
        return [(rag, None) for rag in _rags_named(rest)] or [("", None)]
    index, text = texts[0]  # the key's words lead its row: 'Green - on track', or 'Red' beside 'Off track'
    rag = colours.key_entry(text)
    if rag is None:
        return None
    fill = sheet.fill(number, index)
    if fill is None and index > 0:
        fill = sheet.fill(number, index - 1)  # a coloured swatch beside the words
    return [(rag, fill)]


def _rags_named(text: str) -> list[str]:
    return [parse_rag(m).value for m in re.findall(r"\b(red|amber|green|blue|[RAGB])\s*=", text, re.I)
            if parse_rag(m).value]  # type: ignore[misc]


def read_plan(content: bytes, filename: str, *, sheet: str | None, mapping: Mapping[str, str | None] | None,
              header_row: int | None, year: int | None, rag_words: Mapping[str, str]) -> SheetRead:
    """Every row of the table read and checked on its own (no database)."""
    book = read_sheet(content, filename, sheet)
    header = _locate(book, mapping, header_row)
    table, position, columns = book.rows, header.position, header.columns
    if not any(c.field == "title" for c in columns):
        headings = ", ".join(f"'{c.heading}' ({c.letter})" for c in columns if c.field is None) or "none"
        raise InvalidInput(f"No column of the table (headings in row {header.row}) was taken as the action: "
                           f"the headings no field took are {headings}. Say which column holds the actions "
                           "(on the page, or --mapping \"Heading=title\").")
    above = table[:position]
    marking, marking_row, name, name_row = _title_rows(above)
    facts: dict[str, Any] = {"notes": [], "marking": marking, "name": name, "banners": [], "warnings": []}
    if marking:
        facts["notes"].append(f"Protective marking '{marking}' read from row {marking_row}.")
    else:
        facts["notes"].append("The sheet gives no protective marking: a new plan is marked OFFICIAL-SENSITIVE (the "
                              "default); change it in Plan settings if the plan is marked otherwise.")
    if name:
        facts["notes"].append(f"The plan's name read from row {name_row}: '{name[:120]}'.")
    as_at = _as_at([cells for _, cells in above])
    plan_year = _plan_year([name or ""], as_at)
    facts["plan_year"] = plan_year
    notes = facts["notes"]
    for column in columns:
        if column.how and column.how not in ("its heading", "your choice"):
            notes.append(f"Column {column.letter} '{column.heading}' taken as {column.described}: {column.how}.")
    periods: dict[str, Period | None] = {c.period: period_in(c.heading) for c in columns if c.period}
    if year is None and any(p is not None and p.year is None for p in periods.values()):
        from plan.imports.plan_import import _default_year

        day = as_at or date.today()
        year = _default_year([p for p in periods.values() if p is not None], day)
        named = ", ".join(sorted({c.period for c in columns if c.period}))
        notes.append(f"Columns for {named} give no year: read as the financial year {year}/{(year + 1) % 100:02d}, "
                     f"the latest whose quarters had ended by {day:%d %b %Y} (the sheet's date); give the year to "
                     "change this.")
    year = year or plan_year
    period_order = sorted({c.period for c in columns if c.period},
                          key=lambda label: (periods[label].end(year) if periods[label] else date.max))  # type: ignore[union-attr]
    by_field = {c.field: c for c in columns if c.field and not c.period}
    extras = [c for c in columns if c.field is None]
    for column in extras:
        notes.append(f"Column '{column.heading}' is no field of an action: kept with each action.")
    if header.repeats:
        notes.append(f"The header is repeated at row{'s' if len(header.repeats) > 1 else ''} "
                     + ", ".join(str(n) for n in sorted(header.repeats)) + ": those rows are skipped.")
    owner_is_agency = "owner" in by_field and "lead_agency" not in by_field

    # the single-cell row just above the header is the first theme when the table has banners too
    first_banner = None
    for number, cells in reversed(above):
        if not _texts(cells):
            continue
        text = _banner(cells, columns)
        if text and number != name_row and number != marking_row and not _KEY_ROW.match(text):
            first_banner = (number, text)
        break

    # the key under the table first, so every colour read below can be matched to it
    key: dict[str, str] = {}
    key_rows: list[tuple[int, str]] = []
    seen_action = False
    for number, cells in table[position + 1:]:
        texts = _texts(cells)
        if number in header.repeats or not texts:
            continue
        entries = _key_row(book, number, cells) if seen_action and len(texts) <= 3 else None
        if entries is not None:
            key_rows.append((number, texts[0][1][:60]))
            for rag, fill in entries:
                if rag and fill:
                    key.setdefault(fill, rag)
        elif len(texts) >= 2:
            seen_action = True
    skip = header.repeats | {n for n, _ in key_rows}

    rows: list[_Row] = []
    banner_theme = ""
    previous_ref, since_previous = "", 0
    seen_refs: dict[str, int] = {}
    pending_banner: list[tuple[int, str]] = []
    later_banners = False
    for number, cells in table[position + 1:]:
        if number in skip or not _texts(cells):
            continue
        if (banner := _banner(cells, columns)) is not None:
            banner_theme = banner
            later_banners = True
            pending_banner.append((number, banner))
            continue
        read = _read_row(number, cells, by_field=by_field, columns=columns, period_order=period_order,
                         periods=periods, extras=extras, rag_words=rag_words, plan_year=plan_year,
                         owner_is_agency=owner_is_agency, theme=banner_theme, seen=seen_refs,
                         previous=(previous_ref, since_previous), facts=facts, book=book, key=key)
        if read is None:  # a note row: not an action
            continue
        rows.append(read)
        if read.generated:
            since_previous += 1
        else:
            previous_ref, since_previous = read.ref, 0
    facts["banners"] = pending_banner
    if first_banner and (later_banners or header.repeats) and rows and not rows[0].theme:
        facts["banners"].insert(0, first_banner)
        for row in rows:
            if row.theme:
                break
            row.theme = first_banner[1]
        notes.append(f"Row {first_banner[0]} ('{first_banner[1][:60]}') above the header is the first theme.")
    if not any(r.theme for r in rows) or any(not r.theme for r in rows):
        fallback = name or book.name
        if any(not r.theme for r in rows):
            untitled = sum(not r.theme for r in rows)
            notes.append(f"{plural(untitled, 'action')} {'has' if untitled == 1 else 'have'} no theme (no banner "
                         "above them and no theme "
                         f"column): put under '{_theme_from_banner(fallback)[0]}', the plan's own name.")
        for row in rows:
            row.theme = row.theme or fallback
    for row in rows:
        row.report.theme = _theme_from_banner(row.theme)[0]
    if key_rows:
        notes.append(f"Row{'s' if len(key_rows) > 1 else ''} {', '.join(str(n) for n, _ in key_rows)} "
                     f"('{key_rows[0][1]}'): the key, not actions"
                     + (f" (its colours: {', '.join(f'{RAG_LABELS[Rag(r)]} {f}' for f, r in key.items())})."
                        if key else "."))
    coloured = sum(1 for r in rows if any("cell's colour" in w for w in r.report.warnings))
    if coloured:
        notes.append(f"{plural(coloured, 'action')} {'has its' if coloured == 1 else 'have their'} RAG read from "
                     "a cell's colour"
                     + (" matched to the key under the table." if key else
                        " (the sheet has no key: the nearest of red, amber, green and blue)."))
    roles = [r for r in rows if r.values.get("owner") and "@" not in r.values["owner"]]
    if roles:
        verb = "names its" if len(roles) == 1 else "name their"
        notes.append(f"{plural(len(roles), 'action')} {verb} lead as a role, a group "
                     "or a name, not an account (e.g. '"
                     + roles[0].values["owner"][:40] + "'): kept as written; assign people to them on Users.")
    followed = {r.theme for r in rows}
    for number, banner in facts["banners"]:
        if banner not in followed:
            notes.append(f"Row {number} ('{banner[:60]}') has no actions under it: not a theme.")
    facts["banners"] = [(n, b) for n, b in facts["banners"] if b in followed]
    facts["year"] = year
    return SheetRead(book.name, header, rows, facts)


def _cell(cells: Sequence[Any], column: ColumnMatch | None) -> Any:
    return cells[column.index] if column is not None and column.index < len(cells) else None


def _read_row(number: int, cells: Sequence[Any], *, by_field: dict[str, ColumnMatch], columns: list[ColumnMatch],
              period_order: list[str], periods: dict[str, Period | None], extras: list[ColumnMatch],
              rag_words: Mapping[str, str], plan_year: int, owner_is_agency: bool, theme: str,
              seen: dict[str, int], previous: tuple[str, int], facts: dict[str, Any], book: Sheet,
              key: dict[str, str]) -> _Row | None:
    def get(name: str) -> Any:
        return _cell(cells, by_field.get(name))

    report = RowReport(row=number, ref="", title="")
    warn, fail = report.warnings.append, report.errors.append
    raw_ref = get("ref")
    ref = one_line(raw_ref)
    if isinstance(raw_ref, float):  # Excel keeps 1.10 typed as a number as 1.1
        ref = str(int(raw_ref)) if raw_ref.is_integer() else repr(raw_ref)
        warn(f"Ref {ref} is a number in the sheet: if it was written 1.10, 2.20 ..., the trailing zero is lost; "
             "format the column as text and import again.")
    if ref.endswith(".") and ref[:-1].replace(".", "").isdigit():
        ref = ref[:-1]
    title_text = cell_text(get("title"))
    title = one_line(title_text)
    generated = False
    if not title:
        if not ref:  # a note under the table: nothing names an action
            facts["notes"].append(f"Row {number} names no action and no ref: not imported "
                                  f"('{one_line(cells[_texts(cells)[0][0]])[:60]}').")
            return None
        fail("The action has no words: give it a title.")
    if len(title) > 300:
        warn(f"The action's words are {len(title)} characters: the title is the first 300, the whole text is kept "
             "as its description.")
        title = title[:299] + "…"
    if not ref:
        generated = True
        prev, count = previous
        ref = f"{prev}-{count + 1}" if prev else f"R{count + 1}"
        if len(ref) > REF_MAX or ref in seen:
            ref = f"R{number}"
        warn(f"No ref given: given '{ref}' (after the row above)." if prev else
             f"No ref given: given '{ref}' (the sheet's order).")
    elif len(ref) > REF_MAX:
        fail(f"Ref '{ref[:40]}…' is {len(ref)} characters: the most is {REF_MAX}; shorten it in the sheet.")
    elif not REF_PATTERN.match(ref):
        fail(f"Ref '{ref}': use letters, digits, dots or hyphens, e.g. 2.4, 2.4a or PREV-03.")
    if ref in seen:
        fail(f"Ref '{ref}' is used twice (first at row {seen[ref]}); each action needs its own ref.")
    seen.setdefault(ref, number)
    report.ref, report.title = ref, title
    row_theme = one_line(get("theme")) or theme
    values: dict[str, Any] = {"title": title}
    notes: list[tuple[str, str]] = []
    if "description" in by_field or len(one_line(title_text)) > 300:
        raw = get("description")
        description = "" if raw is None else str(raw).replace("\r\n", "\n").strip()
        if len(one_line(title_text)) > 300:
            description = (title_text + ("\n\n" + description if description else "")).strip()
        values["description"] = description
    partners: list[str] = []
    _leads(get, by_field, owner_is_agency, values, partners, warn)
    if "partners" in by_field:
        names = who.parts_of(cell_text(get("partners")), commas=True)
        kept = [n for n in names if n.lower() not in ("all", "all partners", "n/a", "na", "none", "tbc")]
        if len(kept) < len(names):
            warn("Partners 'All'/'TBC' name no agency: not linked (the words are kept).")
            notes.append((by_field["partners"].heading, "; ".join(names)))
        partners.extend(kept)
    if partners or "partners" in by_field or "lead_agency" in values:
        values["partners"] = [p[:200] for p in dict.fromkeys(partners) if p[:200] != values.get("lead_agency")]
    _dates(get, by_field, plan_year, values, warn, fail)
    history = _history(cells, number, columns, period_order, periods, rag_words, values, notes, warn, fail, book, key,
                       by_field)
    extra = {c.heading: cell_text(cells[c.index]) for c in extras if c.index < len(cells) and cell_text(cells[c.index])}
    for heading, text in notes:
        extra[heading] = text
    found = None
    if "findings" in by_field:  # "F1, F3" or one a line; an empty cell: the action answers none
        found = [f for f in re.split(r"[,;\n]+|\s+and\s+", cell_text(get("findings"))) if f.strip()]
        found = list(dict.fromkeys(f.strip().upper()[:30] for f in found))
    return _Row(number, ref, title, row_theme, values, history, extra, report, generated, found)


def _leads(get: Any, by_field: dict[str, ColumnMatch], owner_is_agency: bool, values: dict[str, Any],
           partners: list[str], warn: Any) -> None:
    """The lead officer, lead agency and the partners a lead cell names (see plan.imports.people)."""
    if "owner" in by_field:
        text = cell_text(get("owner"))
        found = who.organisations(text) if owner_is_agency and text else None
        if found:
            values["owner"] = ""
            values["lead_agency"] = found[0][:200]
            partners.extend(found[1:])
            warn(f"Lead '{one_line(text)}' names organisation{'s' if len(found) > 1 else ''}: lead agency "
                 f"{found[0]}" + (f", partners {', '.join(found[1:])}." if len(found) > 1 else "."))
        else:
            named = who.people(text)
            if len(named) > 1:
                warn(f"Lead '{one_line(text)}' names {plural(len(named), 'person', 'people')}: {named[0]} leads; "
                     + ", ".join(named[1:]) + " named as partners.")
                values["named_partners"] = "; ".join(named[1:])
            elif "named_partners" not in values:
                values["named_partners"] = ""
            values["owner"] = named[0][:200] if named else ""
            if not named:
                warn("No lead officer named: the action has no owner yet.")
    if "lead_agency" in by_field:
        text = one_line(get("lead_agency"))
        found = who.parts_of(text) if text else []
        if len(found) > 1 and all(who.is_organisation(p) or len(p) <= 40 for p in found):
            warn(f"Lead agency '{text}' names {len(found)}: {found[0]} leads, {', '.join(found[1:])} as partners.")
            values["lead_agency"] = found[0][:200]
            partners.extend(found[1:])
        else:
            values["lead_agency"] = text[:200] or None


def _dates(get: Any, by_field: dict[str, ColumnMatch], plan_year: int, values: dict[str, Any], warn: Any,
           fail: Any) -> None:
    if "start_date" in by_field:
        start = read_timescale(get("start_date"), plan_year=plan_year, end=False)
        if start.warning:
            warn(f"Start date: {start.warning}")
        if start.error:
            fail(f"Start date: {start.error}")
        values["start_date"] = start.start or start.due if not start.frequency else None
    if "due_date" in by_field:
        due = read_timescale(get("due_date"), plan_year=plan_year, end=True)
        if due.warning:
            warn(f"Due date: {due.warning}")
        if due.error:
            fail(f"Due date: {due.error}")
        values["due_date"] = due.due
        values["reporting_frequency"] = due.frequency
        if due.start is not None and not values.get("start_date"):
            values["start_date"] = due.start
    if values.get("start_date") and values.get("due_date") and values["due_date"] < values["start_date"]:
        fail(f"Due date {values['due_date']:%d %b %Y} is before the start date {values['start_date']:%d %b %Y}.")


def _fill_rag(book: Sheet, number: int, index: int, key: dict[str, str]) -> tuple[str | None, str]:
    fill = book.fill(number, index)
    if fill is None:
        return None, ""
    if fill in key:
        return key[fill], f"the key's {RAG_LABELS[Rag(key[fill])]}"
    rag = colours.nearest(fill)
    return rag, "the nearest RAG colour" if rag else ""


def _history(cells: Sequence[Any], number: int, columns: list[ColumnMatch], period_order: list[str],
             periods: dict[str, Period | None], rag_words: Mapping[str, str], values: dict[str, Any],
             notes: list[tuple[str, str]], warn: Any, fail: Any, book: Sheet, key: dict[str, str],
             by_field: dict[str, ColumnMatch]) -> list[tuple[Period | None, dict[str, Any]]]:
    history: list[tuple[Period | None, dict[str, Any]]] = []
    has_rag_column = any(c.field == "rag" for c in columns)
    for label in [*period_order, ""]:
        entry: dict[str, Any] = {}
        rag_column = None
        for column in columns:
            if column.field is None or column.period != label or (not label and column.field not in (
                    "rag", "status", "commentary", "blockers", "support_asked", "evidence_url")):
                continue
            entry[column.field] = _cell(cells, column)
            if column.field == "rag":
                rag_column = column
        where = f"{label}: " if label else ""
        coloured = ""
        if one_line(entry.get("rag")) == "":
            # a colour-only RAG: the RAG cell's own fill, or (no RAG column) the row's status, ref or action cell
            candidates = [rag_column] if rag_column is not None else (
                [by_field.get(k) for k in ("status", "commentary", "ref", "title")] if not has_rag_column and not label
                else [])
            for column in candidates:
                if column is None:
                    continue
                found, how = _fill_rag(book, number, column.index, key)
                if found:
                    entry["rag"] = RAG_LABELS[Rag(found)]
                    coloured = (f"{where}RAG {RAG_LABELS[Rag(found)]} read from the cell's colour (column "
                                f"{column_letter(column.index)}, {how}).")
                    break
        if not any(v is not None and str(v).strip() for v in entry.values()):
            continue
        if coloured:
            warn(coloured)
        rag = parse_rag(entry.get("rag"))
        status = parse_status(entry.get("status"))
        as_rag = parse_rag(entry.get("status")) if status.error else None
        if as_rag is not None and as_rag.value is not None:  # a 'Status' column holding RAG words
            if rag.value is None and not rag.error:
                rag = as_rag
                status = Reading(None, f"status '{one_line(entry.get('status'))}' is a rating: taken as the RAG.")
            else:
                status = Reading(None, f"status '{one_line(entry.get('status'))}' is a rating, and the RAG is given: "
                                       "the status is worked out from the RAG.")
        if rag.value is None and not rag.error and status.value is not None:
            word = normalise(entry.get("status"))
            chosen = rag_words.get(word) or rag_words.get(status.value.replace("_", " "))  # type: ignore[union-attr]
            if chosen:
                rag = Reading(chosen, f"status '{one_line(entry.get('status'))}' gives the RAG "
                                      f"{RAG_LABELS[Rag(chosen)]}, as the plan's RAG definitions say.")
        for reading in (rag, status):
            if reading.warning:
                warn(where + reading.warning)
            if reading.error:
                fail(where + reading.error)
        texts = {k: cell_text(entry.get(k)) for k in ("commentary", "blockers", "support_asked", "evidence_url")}
        if rag.value is None and not rag.error:
            if texts["commentary"]:
                warn(f"{where}an update with no RAG: kept with the action, not as history.")
                notes.append((f"Update {label}" if label else "Update", texts["commentary"]))
            if status.value is not None and not label:
                values["delivery_status"] = status.value
            continue
        history.append((periods.get(label) if label else None,
                        {"rag": rag.value, "status": status.value, **texts, "label": label}))
    return history
