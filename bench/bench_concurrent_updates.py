"""Concurrent owners updating actions: throughput with 1 thread (the baseline, same run) and with
8 threads, each read-then-write with the version it read, retrying when refused as stale.
Checks afterwards that every accepted update is in the history.

Usage: .venv/bin/python bench/bench_concurrent_updates.py [--url PLAN_DATABASE_URL] [--updates 400]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=None, help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--updates", type=int, default=400)
    args = parser.parse_args()
    os.environ["PLAN_DATABASE_URL"] = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    from sqlalchemy import func, select

    from models import Action, StatusUpdate
    from plan.db import session_scope
    from plan.errors import StaleVersion
    from plan.identity import Actor
    from plan.plans import plan_frame
    from plan.setup import init
    from plan.updates import record_update

    init()
    admin = Actor.system("bench")
    with session_scope() as session:
        plan_id = plan_frame(session).id

    def run(threads: int, refs: list[str]) -> tuple[float, int, int]:
        per_thread = args.updates // threads
        stale = 0
        lock = threading.Lock()

        def worker(n: int) -> None:
            nonlocal stale
            rng = random.Random(n)
            for i in range(per_thread):
                ref = rng.choice(refs)
                while True:
                    with session_scope() as session:  # what the form holds: the version it was opened at
                        version = session.execute(select(Action.version).where(
                            Action.plan_id == plan_id, Action.ref == ref)).scalar_one()
                    try:
                        with session_scope() as session:
                            record_update(session, user=admin, plan_id=plan_id, ref=ref, rag="green",
                                          delivery_status="in_progress", commentary=f"{threads}/{n}/{i}",
                                          expected_version=version)
                        break
                    except StaleVersion:
                        with lock:
                            stale += 1

        started = time.perf_counter()
        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return time.perf_counter() - started, per_thread * threads, stale

    refs = [f"{t}.{n}" for t, n in ((1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2), (4, 1), (4, 2))]
    results = {
        "1 thread, 8 actions": run(1, refs),
        "8 threads, 8 actions": run(8, refs),
        "8 threads, 1 action": run(8, ["1.1"]),
    }
    with session_scope() as session:
        stored = session.execute(select(func.count()).select_from(StatusUpdate)).scalar_one()
    expected = sum(n for _, n, _ in results.values())
    base = results["1 thread, 8 actions"][1] / results["1 thread, 8 actions"][0]
    print(f"database: {os.environ['PLAN_DATABASE_URL'].split('?')[0]}")
    print(f"{'run':24} {'updates':>8} {'seconds':>8} {'per s':>8} {'vs 1 thread':>12} {'stale retries':>14}")
    for name, (seconds, count, stale) in results.items():
        rate = count / seconds
        print(f"{name:24} {count:8d} {seconds:8.2f} {rate:8.1f} {rate / base:11.2f}x {stale:14d}")
    print(f"history holds {stored} updates; {expected} were accepted: "
          + ("none lost" if stored == expected else f"{expected - stored} LOST"))


if __name__ == "__main__":
    main()
