"""`python -m plan measures ...`: import the partnership's measures spreadsheet, list measures
(as JSON for scripts), and show the data returns tracker."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.plans import plan_frame
from plan.text import plural


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def measure_json(measure: dict[str, Any]) -> dict[str, Any]:
    """One measure as `measures list --json` prints it: the fields scripts rely on first."""
    values = [{"period": v["period"], "label": v["label"], "value": v["value"], "state": v["state"],
               "raw": v["raw"], "provisional": v["provisional"]} for v in measure["values"]]
    latest = next((v for v in reversed(values) if v["state"] == "value"), None)
    found = measure["evidence"]
    return {
        "ref": measure["ref"], "name": measure["name"], "kind": measure["kind"], "direction": measure["direction"],
        "unit": measure["unit"], "frequency": measure["frequency"], "target_text": measure["target_text"],
        "target": measure["target"], "target_type": measure["target_type"], "target_date": measure["target_date"],
        "baseline": measure["baseline"], "baseline_period": measure["baseline_period"],
        "tolerance": measure["tolerance"], "source_agency": measure["source_agency"] or measure["source_text"],
        "actions": measure["actions"], "values": values, "latest": latest,
        "evidence_rag": measure["evidence_rag"], "evidence_reason": found["reason"],
        "evidence_period": found["period"], "expected": found["expected"],
        "direction_of_travel": measure["direction_of_travel"],
        "direction_vs_last_year": measure["direction_vs_last_year"],
    }


def cmd_import(args: argparse.Namespace) -> int:
    from plan.imports.cli import parse_mapping
    from plan.measures.headings import HEADINGS
    from plan.measures.importer import import_measures
    from plan.setup import init

    init()
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"Cannot read {path}: {err.strerror}.") from None
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        report = import_measures(session, user=Actor.system("command line"), plan_id=frame.id, content=content,
                                 filename=path.name, sheet=args.sheet, dry_run=args.dry_run,
                                 mapping=parse_mapping(args.mapping or [], HEADINGS), header_row=args.header_row,
                                 personal_data_confirmed=args.confirm_no_personal_data)
        if args.dry_run:
            session.rollback()  # a dry run writes nothing, whatever happened
    where = f"sheet '{report['sheet']}', " if report["sheet"] else ""
    print(f"{'Dry run: nothing was saved. ' if args.dry_run else ''}{path.name} ({where}header on row "
          f"{report['header_row']}, {plural(len(report['periods']), 'period')}) into plan '{frame.slug}':")
    for row in report["measures"]:
        detail = plural(row['values_added'], 'figure') + (
            f", {plural(row['revisions'], 'revision')}" if row["revisions"] else "")
        fields = f" ({', '.join(row['changed_fields'])})" if row["changed_fields"] else ""
        print(f"  row {row['row']}: {row['ref']} {row['name'][:60]}: {row['change']}{fields}; {detail}")
    verb = "would add" if args.dry_run else "added"
    print(f"{report['new']} new, {report['changed']} changed, {report['unchanged']} unchanged measures; "
          f"{verb} {plural(report['values_added'], 'figure')} ({plural(report['revisions'], 'revision')}).")
    for warning in report["warnings"]:
        print(f"note: {warning}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from plan.measures.definitions import list_measures
    from plan.setup import init

    init()  # an empty database is migrated and loaded first, as `init` would
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        measures = list_measures(session, user=Actor.system("command line"), plan_id=frame.id)
    if args.json:
        json.dump([measure_json(m) for m in measures], sys.stdout, default=_json_default, indent=1,
                  ensure_ascii=False)
        print()
        return 0
    for m in measures:
        latest = m["latest"]
        shown = f"{latest['raw'] or latest['value']} ({latest['label']})" if latest else "no figure yet"
        rag = (m["evidence_rag"] or "-").capitalize()
        print(f"{m['ref']:8} {rag:6} {m['direction_of_travel'] or '-':7} {m['name'][:55]:55} {shown}")
    return 0


def cmd_tracker(args: argparse.Namespace) -> int:
    from plan.measures.returns import returns_tracker
    from plan.setup import init

    init()
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        tracker = returns_tracker(session, user=Actor.system("command line"), plan_id=frame.id,
                                  periods=args.periods)
    if args.json:
        json.dump(tracker, sys.stdout, default=_json_default, indent=1, ensure_ascii=False)
        print()
        return 0
    print(f"{'Agency':50} " + " ".join(f"{label:>44}" for label in tracker["labels"]))
    for row in tracker["agencies"]:
        print(f"{row['agency'][:50]:50} " + " ".join(f"{row['cells'][p]['status'][:44]:>44}"
                                                    for p in tracker["periods"]))
    for late in tracker["late"]:
        print(f"late: {late['agency']}: {late['ref']} {late['name'][:50]} for {late['label']}, due "
              f"{late['due_on']:%d/%m/%Y} ({plural(late['days_late'], 'day')} late)")
    return 0


def add_parser(sub: Any) -> None:
    """Register `measures import|list|tracker` on the main parser's subcommands."""
    measures = sub.add_parser("measures", help="measures: import a spreadsheet, list, returns tracker")
    commands = measures.add_subparsers(dest="measures_command", required=True)
    p = commands.add_parser("import", help="import measures and their history from a wide spreadsheet "
                                           "(one row per measure, one column per period)")
    p.add_argument("file", help=".xlsx or .csv")
    p.add_argument("--sheet", default=None, help="the sheet to read (default: the first)")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.add_argument("--dry-run", action="store_true", help="check and report only; save nothing")
    p.add_argument("--mapping", action="append", metavar="HEADING=FIELD",
                   help="what a heading means, e.g. \"Outcome=name\" (repeatable; \"Change=\" for no field)")
    p.add_argument("--header-row", type=int, default=None, help="the sheet row that holds the headings")
    p.add_argument("--confirm-no-personal-data", action="store_true",
                   help="after a personal-data warning: you have checked the measures' words name no person")
    p.set_defaults(func=cmd_import)
    p = commands.add_parser("list", help="list measures with their figures and evidence RAG")
    p.add_argument("--plan", default=None)
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per measure")
    p.set_defaults(func=cmd_list)
    p = commands.add_parser("tracker", help="which agencies have sent figures for which period; what is late")
    p.add_argument("--plan", default=None)
    p.add_argument("--periods", type=int, default=4)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tracker)


__all__ = ["add_parser", "measure_json"]
