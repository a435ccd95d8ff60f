"""`python -m plan import FILE [--sheet NAME] [--plan SLUG] [--dry-run] [--skip-invalid]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.imports.plan_import import ImportRejected, ImportReport, import_plan
from plan.setup import init


def print_report(report: ImportReport) -> None:
    print(f"{report.file}, sheet '{report.sheet}': header at row {report.header_row}.")
    print("Columns: " + "; ".join(f"'{c.heading}' -> {c.described}" for c in report.columns))
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


def cmd_import(args: argparse.Namespace) -> int:
    init()
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"Cannot read {path}: {err.strerror}.") from err
    mapping = json.loads(args.mapping) if args.mapping else None
    try:
        with session_scope() as session:
            report = import_plan(session, user=Actor.system("command line"), content=content, filename=path.name,
                                 sheet=args.sheet, plan_slug=args.plan, mapping=mapping, dry_run=args.dry_run,
                                 skip_invalid=args.skip_invalid, year=args.year)
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
    p.add_argument("--mapping", default=None,
                   help='correct what headings mean, as JSON: {"Notes / risks": "blockers", "Priority": null}')
    p.set_defaults(func=cmd_import)
