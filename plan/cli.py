"""`python -m plan ...`: the secretariat's commands, over the same services as the app."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from plan import backup as backup_service
from plan.db import database_url, session_scope
from plan.demo import add_demo
from plan.errors import PlanError
from plan.identity import Actor
from plan.plans import plan_frame
from plan.setup import SEED_FILE, init


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_init(args: argparse.Namespace) -> int:
    slug, created = init(Path(args.seed))
    where = _safe_url(database_url())
    print(f"Loaded plan '{slug}' from {args.seed} into {where}." if created
          else f"Database {where} is up to date; plan '{slug}' was already loaded. Nothing changed.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    init()
    started = time.perf_counter()
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        added = add_demo(session, user=Actor.system("demo"), plan_id=frame.id, actions=args.actions)
    print(f"Added demo data to '{frame.slug}': {added['actions']} synthetic actions, {added['updates']} "
          f"status updates, {added['measure_values']} measure values "
          f"({time.perf_counter() - started:.1f} s). All are labelled as demo data.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    counts = backup_service.backup(args.out)
    print(f"Backed up {sum(counts.values())} rows from {len(counts)} tables to {args.out}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    counts = backup_service.restore(args.file)
    print(f"Restored {sum(counts.values())} rows into {_safe_url(database_url())}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m plan", description=(
        "Action Plan Tracker commands. The database is PLAN_DATABASE_URL (default: data/plan.db)."))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("init", help="migrate the database and load the seed plan if it is empty")
    p.add_argument("--seed", default=str(SEED_FILE), help="plan file to load (default: seed_actions.yaml)")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("demo", help="add labelled demo history (and synthetic actions) to a plan")
    p.add_argument("--actions", type=int, default=0, help="also add this many synthetic actions")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("backup", help="write a consistent copy of everything to a file")
    p.add_argument("--out", required=True, help="file to write (.json, or .json.gz to compress)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="restore a backup into an empty database")
    p.add_argument("file", help="backup file made by `backup`")
    p.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "actions", 0) < 0:
        print("error: --actions must be 0 or more.", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except PlanError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
