"""Page script times through AppTest: the seed plan (25 actions) as the baseline, then the
same pages with 10,000 more actions, measured in one run. Prints median seconds per run.

Usage: .venv/bin/python bench/bench_pages.py [--actions 10000]
bench/run.py measures these pages too (at 100 and N actions, with an open round and an owner).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ["pages/overview.py", "pages/actions.py", "pages/my_actions.py", "pages/update_round.py",
         "pages/action_detail.py"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=10_000)
    args = parser.parse_args()
    os.environ["PLAN_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    from bench.pages import open_signed_in
    from plan.db import session_scope
    from plan.demo import add_demo
    from plan.identity import Actor
    from plan.plans import plan_frame
    from plan.setup import init
    from plan.users import actor_for, add_user

    init()
    with session_scope() as session:
        plan_id = plan_frame(session).id
        person = add_user(session, user=Actor.system(), email="admin@example.org", name="Bench Admin",
                          role="admin", cleared_for_restricted=True)
        session.flush()
        admin = actor_for(person)
        add_demo(session, user=admin, plan_id=plan_id, today=datetime.now(UTC))

    def measure() -> dict[str, float]:
        times: dict[str, float] = {}
        for page in PAGES:
            # signed in as tests/ui/helpers.py does it (a real server-side session): the old
            # session_state["actor"] no longer signs anyone in, so this measured the sign-in page
            at = open_signed_in(page, admin, timeout=120, action_ref="3.5")
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                at.run()
                runs.append(time.perf_counter() - started)
            assert not at.exception, [e.value for e in at.exception]
            times[page] = statistics.median(runs)
        return times

    baseline = measure()
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=plan_id, actions=args.actions, today=datetime.now(UTC))
    scaled = measure()
    print(f"{'page':28} {'25 actions':>11} {args.actions + 25:>8} actions {'ratio':>6}")
    for page, base in baseline.items():
        print(f"{page:28} {base:10.3f}s {scaled[page]:14.3f}s {scaled[page] / base:6.1f}x")


if __name__ == "__main__":
    main()
