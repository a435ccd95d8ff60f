"""`python -m plan report ...`: the chair's view for the secretariat's scripts and for checking.
Registered by plan/cli.py (`register(sub)`); the same services as the app, as the command line
(the secretariat, cleared for restricted items)."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from typing import Any

from plan.db import session_scope
from plan.identity import Actor
from plan.plans import plan_frame
from plan.reports.asof import RAGS
from plan.reports.attention import exceptions
from plan.reports.between import rag_changes
from plan.reports.dashboard import summary_by_theme
from plan.reports.rules import label
from plan.text import plural

ACTOR = "command line"
COLUMNS = [*RAGS, "total"]


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False,
                      default=lambda v: v.isoformat() if isinstance(v, date | datetime) else str(v))


def cmd_summary(args: argparse.Namespace) -> int:
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        result = summary_by_theme(session, user=Actor.system(ACTOR), plan_id=frame.id, as_of=args.as_of)
    if args.json:
        print(_json({"plan": frame.slug, **result}))
        return 0
    print(f"{frame.name}: RAG by theme as at {result['as_of']}")
    heads = ["Theme", "Red", "Amber", "Green", "Blue", "Not assessed", "Total"]
    rows = [[name, *[str(counts[c]) for c in COLUMNS]] for name, counts in result["by_theme"].items()]
    rows.append(["All", *[str(result["total"][c]) for c in COLUMNS]])
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    for row in [heads, *rows]:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
    return 0


def cmd_exceptions(args: argparse.Namespace) -> int:
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        rows = exceptions(session, user=Actor.system(ACTOR), plan_id=frame.id, as_of=args.as_of, since=args.since,
                          evidence=None)
    if args.json:
        print(_json([{"ref": r["ref"], "rag": r["rag"], "reasons": r["reasons"], "codes": r["codes"],
                      "suggested_rag": r["suggested_rag"], "suggested_reason": r["suggested_reason"],
                      "agreed_rag": r["agreed_rag"], "days_overdue": r["days_overdue"]} for r in rows]))
        return 0
    print(f"{frame.name}: {plural(len(rows), 'action')} need the group's attention")
    for r in rows:
        print(f"{r['ref']:<8} {label(r['rag']):<17} {' '.join(r['reasons'])}")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        rows = rag_changes(session, user=Actor.system(ACTOR), plan_id=frame.id, since=args.since, until=args.until)
    if args.json:
        print(_json(rows))
        return 0
    print(f"{frame.name}: {plural(len(rows), 'action')} changed RAG between {args.since} "
          f"and {args.until or 'today'}")
    for r in rows:
        print(f"{r['ref']:<8} {label(r['from_rag'])} -> {label(r['to_rag'])}")
    return 0


def register(sub: Any) -> None:
    """Add `report summary|exceptions|changes` to the `python -m plan` parser."""
    report = sub.add_parser("report", help="the chair's view: RAG by theme, exceptions, changes (--json)")
    commands = report.add_subparsers(dest="report_command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
        p.add_argument("--json", action="store_true", help="print JSON for scripts")

    p = commands.add_parser("summary", help="RAG counts by theme as at a date (from the history)")
    p.add_argument("--as-of", dest="as_of", default=None, help="YYYY-MM-DD (default: today)")
    common(p)
    p.set_defaults(func=cmd_summary)
    p = commands.add_parser("exceptions", help="what needs the group's attention, and why")
    p.add_argument("--as-of", dest="as_of", default=None, help="YYYY-MM-DD (default: today)")
    p.add_argument("--since", default=None, help="compare with this date (default: the last closed meeting)")
    common(p)
    p.set_defaults(func=cmd_exceptions)
    p = commands.add_parser("changes", help="actions whose RAG differs between two dates")
    p.add_argument("--since", required=True, help="YYYY-MM-DD")
    p.add_argument("--until", default=None, help="YYYY-MM-DD (default: today)")
    common(p)
    p.set_defaults(func=cmd_changes)
    from plan.strategy.cli import register_report

    register_report(commands)  # report coverage: the Serious Violence Duty findings and gaps
