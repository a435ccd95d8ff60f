"""`python -m plan export board-paper|yaml ...`: the board paper, or a plan as a plan file, from the
command line, through the same export path as the app (marked, text as text, audited as the
command line)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.exports.paper import board_paper
from plan.identity import Actor
from plan.plans import plan_frame


def cmd_board_paper(args: argparse.Namespace) -> int:
    if args.meeting is not None and args.as_of:
        raise InvalidInput("Give --meeting or --as-of, not both: a meeting's paper is as at its date.")
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise InvalidInput(f"--out {out}: the board paper is an Excel workbook; name the file .xlsx.")
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        paper = board_paper(session, user=Actor.system("command line"), plan_id=frame.id, board=args.board,
                            meeting_id=args.meeting, as_of=args.as_of, restricted_annex=args.restricted_annex)
    # Marked material: readable by its owner only, like a backup.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(paper.content)
    print(f"Wrote the board paper to {out} ({len(paper.content):,} bytes, {paper.rows:,} rows). "
          f"Suggested name: {paper.filename}." + (" It holds the RESTRICTED ANNEX." if args.restricted_annex else ""))
    return 0


def cmd_plan_yaml(args: argparse.Namespace) -> int:
    from plan.maintenance.yaml_export import export_yaml

    out = Path(args.out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise InvalidInput(f"--out {out}: a plan file is YAML; name the file .yaml.")
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        exported = export_yaml(session, user=Actor.system("command line"), plan_id=frame.id)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it may hold restricted actions
    with os.fdopen(fd, "wb") as file:
        file.write(exported.content)
    print(f"Wrote plan '{frame.slug}' to {out} ({len(exported.content):,} bytes), marked "
          f"{frame.protective_marking}. Load it with: python -m plan init --seed {out} --plan NEW-SLUG")
    return 0


def add_parser(sub: Any) -> None:
    """Register `export board-paper` on the main parser's subcommands."""
    commands = sub.add_parser("export", help="exports: the board paper, a plan file").add_subparsers(
        dest="export_command", required=True)
    p = commands.add_parser("board-paper", help="write the board paper (Excel, print-ready, marked)")
    p.add_argument("--out", required=True, help="file to write (.xlsx)")
    p.add_argument("--board", default=None, help="a board's code (e.g. HWBB): only the actions reporting to it")
    p.add_argument("--meeting", type=int, default=None, help="a meeting's id: the paper as at that meeting")
    p.add_argument("--as-of", default=None, help="the plan as at this date (YYYY-MM-DD; default today)")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.add_argument("--restricted-annex", action="store_true",
                   help="add the restricted annex (restricted actions' detail): handle as restricted")
    p.set_defaults(func=cmd_board_paper)
    p = commands.add_parser("yaml", help="write a plan as a plan file (the format of seed_actions.yaml)")
    p.add_argument("--out", required=True, help="file to write (.yaml)")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.set_defaults(func=cmd_plan_yaml)


__all__ = ["add_parser"]
