"""`python -m plan report coverage` and `python -m plan export review`: the Serious Violence Duty
coverage and the annual review from the command line (as the secretariat, cleared)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.plans import plan_frame
from plan.text import plural

ACTOR = "command line"


def cmd_coverage(args: argparse.Namespace) -> int:
    from plan.strategy.gaps import coverage

    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        result = coverage(session, user=Actor.system(ACTOR), plan_id=frame.id)
    if args.json:
        print(json.dumps({
            "plan": frame.slug,
            "findings": [{"ref": f["ref"], "title": f["title"], "priority": f["priority"],
                          "actions": [a["ref"] for a in f["actions"]], "rag": f["rag"]} for f in result["findings"]],
            "uncovered": result["gaps"],
            "actions_answering_no_finding": [a["ref"] for a in result["unanswered"]],
            "authorities": [{"code": a["code"], "name": a["name"], "agencies": a["agencies"], "actions": a["actions"],
                             "rag": a["rag"]} for a in result["authorities"]],
            "authorities_without_action": result["authorities_without_action"],
            "totals": result["totals"],
        }, indent=2, ensure_ascii=False))
        return 0
    t = result["totals"]
    print(f"{frame.name}: {t['covered']} of {t['findings']} findings answered by an action; "
          f"{t['unanswered']} of {plural(t['actions'], 'action')} answer no finding.")
    for f in result["findings"]:
        refs = ", ".join(a["ref"] for a in f["actions"]) or "NO ACTION (a gap)"
        print(f"{f['ref']:<8} {f['title'][:60]:<60} {refs}")
    if result["authorities_without_action"]:
        names = {a["code"]: a["name"] for a in result["authorities"]}
        print("Specified authorities with no action: "
              + "; ".join(names[c] for c in result["authorities_without_action"]))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from plan.exports.path import save_private
    from plan.strategy.review_book import review_export

    out = Path(args.out)
    suffix = "." + args.format
    if out.suffix.lower() != suffix:
        raise InvalidInput(f"--out {out}: a {args.format.upper()} review is written to a {suffix} file; name it "
                           f"{out.with_suffix(suffix).name}.")
    with session_scope() as session:
        frame = plan_frame(session, args.plan)
        made = review_export(session, user=Actor.system(ACTOR), plan_id=frame.id, year=args.year,
                             file_format=args.format)
    save_private(out, made.content)
    print(f"Wrote the annual review {args.year}/{(args.year + 1) % 100:02d} to {out} ({len(made.content):,} bytes). "
          f"Suggested name: {made.filename}.")
    return 0


def register_report(commands: Any) -> None:
    p = commands.add_parser("coverage", help="Serious Violence Duty: findings and the actions answering them, gaps")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_coverage)


def register_export(commands: Any) -> None:
    p = commands.add_parser("review", help="write the Serious Violence Duty annual review (Excel or PDF, marked)")
    p.add_argument("--year", type=int, required=True,
                   help="the year reviewed: 2026 is the financial year April 2026 to March 2027")
    p.add_argument("--out", required=True, help="file to write (.xlsx, or .pdf with --format pdf)")
    p.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
    p.add_argument("--plan", default=None, help="plan slug (default: the first plan)")
    p.set_defaults(func=cmd_review)


