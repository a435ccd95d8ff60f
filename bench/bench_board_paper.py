"""The board paper at scale: 10,000 synthetic actions with demo history, the whole plan's paper
timed end to end (the services' queries and the writing), against a bare openpyxl write-only dump
of the very same cells (values only: no styles, print settings, chart or text-as-text), the floor
any openpyxl writer has. Prints both times and the ratio. A benchmark, not a test.

Usage: .venv/bin/python bench/bench_board_paper.py [--url PLAN_DATABASE_URL] [--actions 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
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

    from openpyxl import Workbook, load_workbook

    from plan.db import session_scope
    from plan.demo import add_demo
    from plan.exports import board_paper
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

    paper_times, stages = [], {}
    paper = None
    for _ in range(args.repeat):
        marks: list[tuple[float, str]] = []
        t0 = time.perf_counter()
        with session_scope() as session:
            paper = board_paper(session, user=admin, plan_id=plan_id,
                                progress=lambda f, words, marks=marks: marks.append((time.perf_counter(), words)))
        paper_times.append(time.perf_counter() - t0)
        if paper_times[-1] == min(paper_times):
            stages = {words: at - t0 for at, words in marks}
    assert paper is not None

    # The same cells, as values, per sheet: what a bare dump writes.
    book = load_workbook(io.BytesIO(paper.content))
    sheets = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book}
    cells = sum(len(r) for rows in sheets.values() for r in rows)

    def bare() -> bytes:
        out = Workbook(write_only=True)
        for title, rows in sheets.items():
            ws = out.create_sheet(title)
            for row in rows:
                ws.append(row)
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()

    bare_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - t0)

    best_paper, best_bare = min(paper_times), min(bare_times)
    reading = stages.get("Writing the summary and exceptions", 0.0)
    print(f"board paper: {paper.rows:,} data rows, {cells:,} cells, {len(paper.content) / 1e6:.1f} MB, "
          f"{len(sheets)} sheets")
    print(f"board paper (services + writer), best of {args.repeat}: {best_paper:.2f} s "
          f"(reading through plan.reports/meetings/measures {reading:.2f} s, writing {best_paper - reading:.2f} s)")
    print(f"bare openpyxl write-only dump of the same cells, best of {args.repeat}: {best_bare:.2f} s")
    print(f"ratio: {best_paper / best_bare:.1f}x end to end; writing alone {(best_paper - reading) / best_bare:.1f}x")


if __name__ == "__main__":
    main()
