"""`python -m plan export board-paper|restricted-annex|yaml ...`: the board paper (Excel or PDF), its
restricted annex, or a plan as a plan file, from the command line, through the same export path as
the app (marked, text as text, audited as the command line, written 0600)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.exports.meeting_minutes import minutes
from plan.exports.paper import board_paper, restricted_annex
from plan.exports.path import save_private
from plan.identity import Actor
from plan.plans import plan_frame
from plan.text import plural


def _out(args: argparse.Namespace) -> Path:
    out = Path(args.out)
    suffix = "." + args.format
    if out.suffix.lower() != suffix:
        other = "pdf" if suffix == ".xlsx" else "xlsx"
        raise InvalidInput(f"--out {out}: a {args.format.upper()} paper is written to a {suffix} file; name it "
                           f"{out.with_suffix(suffix).name} (or choose --format {other}).")
    return out


def cmd_board_paper(args: argparse.Namespace) -> int:
    if args.meeting is not None and args.as_of:
        raise InvalidInput("Give --meeting or --as-of, not both: a meeting's paper is as at its date.")
    if args.restricted_annex:
        raise InvalidInput("The restricted annex is a file of its own, never part of the circulated paper: "
                           "write it with `python -m plan export restricted-annex --out FILE`.")
    out = _out(args)
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        paper = board_paper(session, user=Actor.system("command line"), plan_id=frame.id, board=args.board,
                            meeting_id=args.meeting, as_of=args.as_of, purpose=args.purpose,
                            recommendations=args.recommendation, author=args.author, file_format=args.format,
                            personal_data_confirmed=args.confirm_no_personal_data)
    save_private(out, paper.content)  # marked material: readable by its owner only, like a backup
    print(f"Wrote the board paper to {out} ({len(paper.content):,} bytes, {plural(paper.rows, 'row')}). "
          f"Suggested name: {paper.filename}.")
    return 0


def cmd_restricted_annex(args: argparse.Namespace) -> int:
    if args.meeting is not None and args.as_of:
        raise InvalidInput("Give --meeting or --as-of, not both: a meeting's paper is as at its date.")
    out = _out(args)
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        annex = restricted_annex(session, user=Actor.system("command line"), plan_id=frame.id, board=args.board,
                                 meeting_id=args.meeting, as_of=args.as_of, file_format=args.format)
    save_private(out, annex.content)
    print(f"Wrote the RESTRICTED ANNEX to {out} ({len(annex.content):,} bytes, {annex.rows:,} restricted actions). "
          f"Suggested name: {annex.filename}. Handle it as restricted: never circulate it with the paper.")
    return 0


def cmd_minutes(args: argparse.Namespace) -> int:
    out = _out(args)
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        made = minutes(session, user=Actor.system("command line"), plan_id=frame.id, meeting_id=args.meeting,
                       file_format=args.format)
    save_private(out, made.content)
    print(f"Wrote the minutes to {out} ({len(made.content):,} bytes). Suggested name: {made.filename}.")
    return 0


def cmd_plan_yaml(args: argparse.Namespace) -> int:
    from plan.maintenance.yaml_export import export_yaml

    out = Path(args.out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise InvalidInput(f"--out {out}: a plan file is YAML; name the file .yaml.")
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        exported = export_yaml(session, user=Actor.system("command line"), plan_id=frame.id)
    save_private(out, exported.content)  # it may hold restricted actions
    print(f"Wrote plan '{frame.slug}' to {out} ({len(exported.content):,} bytes), marked "
          f"{frame.protective_marking}. Load it with: python -m plan init --seed {out} --plan NEW-SLUG")
    return 0


def add_parser(sub: Any) -> None:
    """Register `export board-paper` on the main parser's subcommands."""
    commands = sub.add_parser("export", help="exports: the board paper, a plan file").add_subparsers(
        dest="export_command", required=True)
    for name, helps, func in (
            ("board-paper", "write the board paper (Excel or PDF, print-ready, marked)", cmd_board_paper),
            ("restricted-annex", "write the restricted annex for the same paper: a file of its own, for cleared "
             "readers only", cmd_restricted_annex)):
        p = commands.add_parser(name, help=helps)
        p.add_argument("--out", required=True, help="file to write (.xlsx, or .pdf with --format pdf)")
        p.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx",
                       help="xlsx (default) or pdf (the same pages, printed by LibreOffice)")
        p.add_argument("--board", default=None, help="a board's code (e.g. HWBB): only the actions reporting to it")
        p.add_argument("--meeting", type=int, default=None, help="a meeting's id: the paper as at that meeting")
        p.add_argument("--as-of", default=None, help="the plan as at this date (YYYY-MM-DD; default today)")
        p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
        p.set_defaults(func=func)
        if name == "board-paper":
            p.add_argument("--purpose", default=None, help="the paper's purpose (default: written from the paper)")
            p.add_argument("--recommendation", action="append", default=None,
                           help="a recommendation (repeat for each; default: written from the paper)")
            p.add_argument("--author", default=None, help="the author named on the cover (default: command line)")
            p.add_argument("--confirm-no-personal-data", action="store_true",
                           help="the purpose and recommendations hold no personal data (when the check warns)")
            p.add_argument("--restricted-annex", action="store_true", help=argparse.SUPPRESS)
    p = commands.add_parser("minutes", help="write a meeting's minutes (Excel or PDF, marked)")
    p.add_argument("--meeting", type=int, required=True,
                   help="the meeting's id (in the Meetings page's URL: ?meeting=ID)")
    p.add_argument("--out", required=True, help="file to write (.xlsx, or .pdf with --format pdf)")
    p.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.set_defaults(func=cmd_minutes)
    p = commands.add_parser("yaml", help="write a plan as a plan file (the format of seed_actions.yaml)")
    p.add_argument("--out", required=True, help="file to write (.yaml)")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.set_defaults(func=cmd_plan_yaml)
    from plan.strategy.cli import register_export

    register_export(commands)  # export review --year YYYY: the Serious Violence Duty annual review


__all__ = ["add_parser"]
