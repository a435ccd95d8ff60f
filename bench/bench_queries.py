"""How the plan's main queries scale: the seed plan (25 actions) is the baseline, measured in
the same run as a plan of 10,000 more actions with four periods of history each.

Usage: .venv/bin/python bench/bench_queries.py [--actions 10000] [--url PLAN_DATABASE_URL]
Prints median milliseconds per call and the ratio to the baseline. Uses a temporary SQLite
database unless --url is given (that database must be empty).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _median_ms(call: Callable[[], object], repeat: int = 15) -> float:
    call()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["PLAN_DATABASE_URL"] = args.url or f"sqlite:///{folder}/bench.db"

    from plan.actions import ActionFilter, action_detail, list_actions, rag_counts
    from plan.db import session_scope
    from plan.demo import add_demo
    from plan.identity import Actor
    from plan.plans import plan_frame
    from plan.setup import init

    init()
    reader, admin = Actor.public(), Actor.system("bench")
    with session_scope() as session:
        plan_id = plan_frame(session).id

    def measure() -> dict[str, float]:
        def run(fn: Callable[..., object], **kw: object) -> Callable[[], object]:
            def call() -> object:
                with session_scope() as session:
                    return fn(session, **kw)
            return call

        return {
            "rag_counts by theme": _median_ms(run(rag_counts, plan_id=plan_id, by="theme")),
            "rag_counts by board": _median_ms(run(rag_counts, plan_id=plan_id, by="board")),
            "list_actions first page": _median_ms(run(list_actions, user=reader, plan_id=plan_id)),
            "list_actions text search": _median_ms(run(list_actions, user=reader, plan_id=plan_id,
                                                       filters=ActionFilter(text="school"))),
            "list_actions overdue, Red": _median_ms(run(list_actions, user=reader, plan_id=plan_id,
                                                        filters=ActionFilter(overdue_only=True, rags=["red"]))),
            "action_detail": _median_ms(run(action_detail, user=reader, plan_id=plan_id, ref="3.5")),
        }

    with session_scope() as session:
        add_demo(session, user=admin, plan_id=plan_id, today=datetime.now(UTC))
    baseline = measure()
    started = time.perf_counter()
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=plan_id, actions=args.actions, today=datetime.now(UTC))
    load_s = time.perf_counter() - started
    scaled = measure()

    print(f"database: {os.environ['PLAN_DATABASE_URL'].split('?')[0]}")
    print(f"generated {args.actions} actions with history in {load_s:.1f} s")
    print(f"{'query':30} {'25 actions':>12} {args.actions + 25:>10} actions {'ratio':>7}")
    for name, base in baseline.items():
        print(f"{name:30} {base:10.2f}ms {scaled[name]:13.2f}ms {scaled[name] / base:7.1f}x")


if __name__ == "__main__":
    main()
