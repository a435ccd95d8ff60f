"""The board paper at scale: 10,000 synthetic actions with demo history, the whole plan's paper
timed end to end (the services' queries and the writing), against a bare openpyxl write-only dump
of the very same cells (values only: no styles, print settings, chart or text-as-text), the floor
any openpyxl writer has. Prints both times and the ratio. A benchmark, not a test. The measuring
is bench/export.py, which bench/run.py uses too.

Usage: .venv/bin/python bench/bench_board_paper.py [--url PLAN_DATABASE_URL] [--actions 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=None, help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    args = parser.parse_args()
    os.environ["PLAN_DATABASE_URL"] = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    from plan.db import session_scope
    from plan.demo import add_demo
    from plan.identity import Actor
    from plan.plans import plan_frame
    from plan.setup import init

    init()
    admin = Actor.system("bench")
    started = time.perf_counter()
    with session_scope() as session:
        plan_id = plan_frame(session).id
        added = add_demo(session, user=admin, plan_id=plan_id, actions=args.actions)
    print(f"setup: {added['actions']:,} synthetic actions, {added['updates']:,} updates "
          f"({time.perf_counter() - started:.1f} s)")
    if os.environ["PLAN_DATABASE_URL"].startswith("postgresql"):
        # Fresh bulk-loaded tables have no planner statistics until autovacuum gets to them; a
        # live database has them. Without this, PostgreSQL picks nested loops over 10,000 rows.
        from sqlalchemy import text

        from plan.db import get_engine

        with get_engine().connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()

    from bench.export import measure

    result = measure(plan_id, args.repeat)
    print(f"board paper: {result['rows']:,} data rows, {result['cells']:,} cells, {result['mb']:.1f} MB, "
          f"{result['sheets']} sheets")
    print(f"board paper (services + writer), best of {args.repeat}: {result['best_paper_s']:.2f} s "
          f"(reading through plan.reports/meetings/measures {result['reading_s']:.2f} s, "
          f"writing {result['best_paper_s'] - result['reading_s']:.2f} s)")
    print(f"bare openpyxl write-only dump of the same cells, best of {args.repeat}: {result['best_bare_s']:.2f} s")
    print(f"ratio: {result['best_paper_s'] / result['best_bare_s']:.1f}x end to end; writing alone "
          f"{(result['best_paper_s'] - result['reading_s']) / result['best_bare_s']:.1f}x")


if __name__ == "__main__":
    main()
