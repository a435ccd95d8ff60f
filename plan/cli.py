"""`python -m plan ...`: the secretariat's commands, over the same services as the app."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from plan import backup as backup_service
from plan import users
from plan.db import database_url, session_scope
from plan.demo import add_demo
from plan.errors import InvalidInput, PlanError
from plan.exports.cli import add_parser as add_export_parser
from plan.identity import Actor
from plan.imports.cli import add_parser as add_import_parser
from plan.measures.cli import add_parser as add_measures_parser
from plan.plans import plan_frame
from plan.reports.cli import register as add_report_parser
from plan.returns.cli import add_parser as add_returns_parser
from plan.setup import SEED_FILE, init
from plan.text import plural
from plan.vocab import Role


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_init(args: argparse.Namespace) -> int:
    slug, created = init(Path(args.seed), plan_slug=args.plan)
    where = _safe_url(database_url())
    print(f"Loaded plan '{slug}' from {args.seed} into {where}." if created
          else f"Database {where} is up to date; plan '{slug}' was already loaded. Nothing changed."
          + ("" if Path(args.seed) == SEED_FILE else " To load this file as another plan, add --plan NEW-SLUG."))
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from datetime import date

    from plan.maintenance.plans import refresh_plan

    try:
        start = date.fromisoformat(args.start)
    except ValueError as err:
        raise InvalidInput(f"--start {args.start}: write the date as YYYY-MM-DD, e.g. 2027-07-01.") from err
    with session_scope() as session:
        old = plan_frame(session, args.plan)
        refreshed = refresh_plan(session, user=Actor.system("command line"), plan_id=old.id, new_slug=args.slug,
                                 new_name=args.name, start_date=start)
    print(f"Made plan '{args.slug}' from '{old.slug}', starting {start:%d %b %Y}: {len(refreshed.carried)} open "
          f"actions carried forward, {len(refreshed.left_behind)} finished ones left behind; '{old.slug}' and "
          "its history are unchanged.")
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
    # Audited as the command line; the file is readable by its owner only (0600).
    counts = backup_service.backup(args.out, actor=Actor.system("command line"))
    print(f"Backed up {plural(sum(counts.values()), 'row')} from {plural(len(counts), 'table')} to {args.out} "
          "(readable by you only: it holds restricted detail).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    # A bad file raises BackupError before anything is written; main() prints its message.
    counts = backup_service.restore(args.file, actor=Actor.system("command line"))
    print(f"Restored {plural(sum(counts.values()), 'row')} into {_safe_url(database_url())}.")
    return 0


def cmd_grant_app_role(args: argparse.Namespace) -> int:
    """Run as the owner of the tables (PLAN_DATABASE_URL of the owner), after `init`."""
    from plan.db import get_engine
    from plan.db_roles import grant_app_role

    granted = grant_app_role(get_engine(), args.role)
    limited = ", ".join(f"{table} ({' '.join(p)})" for table, p in granted.items() if "UPDATE" not in p)
    print(f"Granted {args.role} the app's access to {plural(len(granted), 'table')} in {_safe_url(database_url())}; "
          f"no UPDATE or DELETE on {limited}. Run the app with PLAN_DATABASE_URL naming {args.role}.")
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    """From a prompt (typed twice) or standard input; never from a flag, so it stays out of
    shell history and process lists."""
    if args.sso:
        return None
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise InvalidInput("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_user_add(args: argparse.Namespace) -> int:
    init()
    password = _read_password(args)
    with session_scope() as session:
        person = users.add_user(session, user=Actor.system("command line"), email=args.email, name=args.name,
                                role=args.role, agency=args.agency, cleared_for_restricted=args.cleared,
                                password=password)
        how = "single sign-on" if password is None else "a local password"
        print(f"Added {person.name} <{person.email}> as {person.role}, signing in with {how}.")
    return 0


def cmd_user_update(args: argparse.Namespace) -> int:
    with session_scope() as session:
        users.update_user(session, user=Actor.system("command line"), email=args.email, role=args.role,
                          cleared_for_restricted=args.cleared, active=args.active, agency=args.agency)
    print(f"Updated {args.email}.")
    return 0


def cmd_user_password(args: argparse.Namespace) -> int:
    args.sso = False
    password = _read_password(args)
    with session_scope() as session:
        users.set_password(session, user=Actor.system("command line"), email=args.email, password=password or "")
    print(f"Password set for {args.email}.")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    with session_scope() as session:
        for row in users.list_users(session, user=Actor.system("command line")):
            flags = ("cleared " if row["cleared_for_restricted"] else "") + ("" if row["active"] else "disabled")
            print(f"{row['email']:40} {row['role']:12} {row['name']} ({row['agency'] or 'no agency'}) {flags}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        users.assign_owner(session, user=Actor.system("command line"), plan_id=frame.id, ref=args.ref,
                           email=args.email or None)
    print(f"Action {args.ref} is now owned by {args.email or 'the role named in the plan'}.")
    return 0


def cmd_delegate(args: argparse.Namespace) -> int:
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        users.set_delegate(session, user=Actor.system("command line"), plan_id=frame.id, ref=args.ref,
                           email=args.email, named=not args.remove)
    print(f"{args.email} {'may no longer' if args.remove else 'may now'} update action {args.ref}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m plan", description=(
        "Action Plan Tracker commands. The database is PLAN_DATABASE_URL (default: data/plan.db)."))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("init", help="migrate the database and load the seed plan if it is empty")
    p.add_argument("--seed", default=str(SEED_FILE), help="plan file to load (default: seed_actions.yaml)")
    p.add_argument("--plan", default=None, help="load the file as this plan (a new short name) even when other "
                   "plans exist; refused if the name is taken")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("refresh", help="next year's plan: same frame, open actions carried forward")
    p.add_argument("--plan", required=True, help="last year's plan (its short name)")
    p.add_argument("--slug", required=True, help="next year's short name, e.g. southend-vv-2027")
    p.add_argument("--name", required=True, help="next year's name")
    p.add_argument("--start", required=True, help="the date it starts (YYYY-MM-DD)")
    p.set_defaults(func=cmd_refresh)
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

    p = sub.add_parser("grant-app-role", help="PostgreSQL: grant a role that does not own the tables what the "
                       "app needs (audit trail: read and append only)")
    p.add_argument("role", help="an existing PostgreSQL role, not the owner of the tables")
    p.set_defaults(func=cmd_grant_app_role)

    user = sub.add_parser("user", help="accounts: add, update, password, list").add_subparsers(
        dest="user_command", required=True)
    roles = [r.value for r in Role]
    p = user.add_parser("add", help="add an account (password from a prompt or standard input)")
    p.add_argument("email")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=roles)
    p.add_argument("--agency", default=None, help="the agency's name as the plan lists it")
    p.add_argument("--cleared", action="store_true", help="cleared to see restricted (police-sensitive) detail")
    p.add_argument("--sso", action="store_true", help="signs in with the organisation's account: no password")
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("update", help="change role, clearance, agency, or disable/enable")
    p.add_argument("email")
    p.add_argument("--role", choices=roles, default=None)
    p.add_argument("--cleared", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--active", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--agency", default=None)
    p.set_defaults(func=cmd_user_update)
    p = user.add_parser("password", help="set a password (from a prompt or standard input)")
    p.add_argument("email")
    p.set_defaults(func=cmd_user_password)
    p = user.add_parser("list", help="list accounts")
    p.set_defaults(func=cmd_user_list)
    p = sub.add_parser("assign", help="name the person who owns an action")
    p.add_argument("ref")
    p.add_argument("email", nargs="?", default="", help="omit to return the action to its role")
    p.add_argument("--plan", default=None)
    p.set_defaults(func=cmd_assign)
    p = sub.add_parser("delegate", help="let a person update an action for its owner")
    p.add_argument("ref")
    p.add_argument("email")
    p.add_argument("--remove", action="store_true", help="take the delegation away")
    p.add_argument("--plan", default=None)
    p.set_defaults(func=cmd_delegate)
    add_measures_parser(sub)  # python -m plan measures import|list|tracker
    add_export_parser(sub)  # python -m plan export board-paper
    add_import_parser(sub)  # python -m plan import FILE
    add_returns_parser(sub)  # python -m plan returns export|import
    add_report_parser(sub)  # python -m plan report summary|exceptions|changes
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
