"""`python -m plan returns export --owner EMAIL --out FILE` and `returns import FILE [--dry-run] [--confirm-stale]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.exports.path import save_private
from plan.identity import Actor
from plan.plans import plan_frame
from plan.returns.offline import ReturnRejected, ReturnReport, apply_return, return_workbook
from plan.setup import init


def print_report(report: ReturnReport) -> None:
    for row in report.rows:
        print(f"row {row.row} {row.ref} [{row.state}] {row.title[:60]}")
        for problem in row.problems:
            print(f"    problem: {problem}")
        if row.newer_update:
            print(f"    updated since the return was made: {row.newer_update}")
    print(report.summary())


def cmd_export(args: argparse.Namespace) -> int:
    init()
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        made = return_workbook(session, user=Actor.system("command line"), plan_id=frame.id,
                               owner_email=args.owner, agency=args.agency)
    save_private(Path(args.out), made.content)  # marked material, like every file the app writes: 0600
    print(f"Wrote the return for {args.owner or args.agency} to {args.out}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    init()
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"Cannot read {path}: {err.strerror}.") from err
    try:
        with session_scope() as session:
            report = apply_return(session, user=Actor.system("command line"), content=content, filename=path.name,
                                  confirm_stale=args.confirm_stale, dry_run=args.dry_run)
    except ReturnRejected as err:
        print_report(err.report)
        if err.report.rows_in("stale") and not err.report.rows_in("problem"):
            print("Some actions were updated after the return was made: check them, then run again with "
                  "--confirm-stale to apply these updates on top.")
        raise
    print_report(report)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    returns = sub.add_parser("returns", help="offline update returns: export a workbook, import it completed")
    commands = returns.add_subparsers(dest="returns_command", required=True)
    p = commands.add_parser("export", help="a workbook of one owner's (or agency's) open actions to fill in")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--owner", default=None, help="the owner's e-mail")
    who.add_argument("--agency", default=None, help="a lead agency's name")
    p.add_argument("--out", required=True)
    p.add_argument("--plan", default=None)
    p.set_defaults(func=cmd_export)
    p = commands.add_parser("import", help="apply a completed return (all or nothing)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="report each row: ok, blank, stale or its problems")
    p.add_argument("--confirm-stale", action="store_true",
                   help="apply rows whose action was updated after the return was made, on top")
    p.set_defaults(func=cmd_import)
