"""`python -m plan import FILE [--sheet NAME] [--plan SLUG] [--dry-run] [--skip-invalid]`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.imports.parsing import FIELD_LABELS
from plan.imports.plan_import import ImportRejected, ImportReport, import_plan
from plan.setup import init


def print_report(report: ImportReport) -> None:
    print(f"{report.file}, sheet '{report.sheet}': header at row {report.header_row}.")
    print("Columns: " + "; ".join(f"{c.letter} '{c.heading}' -> {c.described}" for c in report.columns))
    for note in report.notes:
        print(f"  note: {note}")
    for row in report.rows:
        print(f"row {row.row} {row.ref or '(no ref)'} [{row.change or 'error'}] {row.title[:70]}"
              + (f" (+{row.history_added} history)" if row.history_added else ""))
        for warning in row.warnings:
            print(f"    warning: {warning}")
        for error in row.errors:
            print(f"    ERROR: {error}")
    if report.skipped:
        print("Skipped rows: " + ", ".join(f"{r.row} ({r.ref})" for r in report.skipped))
    print(report.summary())


def parse_mapping(given: list[str], fields: Iterable[str] = FIELD_LABELS) -> dict[str, str | None] | None:
    """--mapping "Aims=title" (repeatable; "Notes=" for no field; a column letter, "A=ref", for a
    column with no heading), or one JSON object as before. `fields` are the kind of sheet's own
    (a plan's by default; measures pass theirs)."""
    mapping: dict[str, str | None] = {}
    for text in given:
        if text.strip().startswith("{"):
            try:
                found = json.loads(text)
            except ValueError as err:
                raise InvalidInput(f"--mapping {text!r} is not JSON: {err}.") from None
            if not isinstance(found, dict):
                raise InvalidInput('--mapping as JSON is an object: {"Heading": "field"}.')
            mapping.update({str(k): (str(v) if v else None) for k, v in found.items()})
            continue
        heading, sep, chosen = text.rpartition("=")
        if not sep or not heading.strip():
            raise InvalidInput(f"--mapping {text!r}: write it as \"Heading=field\", e.g. \"Aims=title\"; fields: "
                               + ", ".join(fields) + ".")
        mapping[heading.strip()] = chosen.strip() or None
    return mapping or None


def cmd_import(args: argparse.Namespace) -> int:
    init()
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"Cannot read {path}: {err.strerror}.") from err
    mapping = parse_mapping(args.mapping or [])
    try:
        with session_scope() as session:
            report = import_plan(session, user=Actor.system("command line"), content=content, filename=path.name,
                                 sheet=args.sheet, plan_slug=args.plan, mapping=mapping, dry_run=args.dry_run,
                                 skip_invalid=args.skip_invalid, year=args.year, header_row=args.header_row)
    except ImportRejected as err:
        print_report(err.report)
        raise
    print_report(report)
    if args.dry_run and report.errors and not args.skip_invalid:
        print("Rows with errors would stop the import: fix them, or use --skip-invalid.")
        return 1
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="import a plan from a council's spreadsheet (XLSX or CSV)")
    p.add_argument("file")
    p.add_argument("--sheet", default=None, help="the sheet to read (default: the first)")
    p.add_argument("--plan", default=None, help="plan slug: an existing plan is updated, a new slug makes a new plan")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--skip-invalid", action="store_true", help="leave out rows with errors (listed); import the rest")
    p.add_argument("--year", type=int, default=None,
                   help="financial year (e.g. 2025 for 2025/26) of period columns that give none ('Q1 RAG')")
    p.add_argument("--mapping", action="append", default=None,
                   help='correct what a heading means: "Aims=title" (repeat for more; "Notes=" for no field; '
                        '"A=ref" for column A), or JSON {"Notes / risks": "blockers"}')
    p.add_argument("--header-row", type=int, default=None,
                   help="the row holding the column headings (default: found by scoring the first 40 rows)")
    p.set_defaults(func=cmd_import)
