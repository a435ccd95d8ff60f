"""Soak: the server's resident memory over many write-and-view cycles. Each cycle saves a status
update (through the service, as another user's save would land) and then opens the Dashboard in
a fresh chromium tab signed in by cookie, waits until it is drawn, and closes the tab (its
session ends). RSS of the app process is read after every cycle. Prints RSS at the start (after
the first cycle: imports, the plan's first figures) and at the end, the peak, and the slope by
least squares over all cycles and over the second half, in MB per 100 cycles. A flat line is
the goal (issue 24: each write plus a dashboard view left ~10 MB behind). A benchmark, not a
test.

Usage: .venv/bin/python bench/soak.py [--actions 10000] [--cycles 200] [--page /dashboard]
                                      [--at REV] (soak the app as it was at git revision REV instead)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, rss_mb  # noqa: E402


def slope(values: list[float]) -> float:
    """Least-squares slope of values against their index, per 100 steps."""
    n = len(values)
    if n < 2:
        return float("nan")
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    var = sum((x - mean_x) ** 2 for x in range(n))
    return 100 * cov / var


def _write(facts: dict[str, Any], admin: Any, cycle: int) -> None:
    from plan.db import session_scope
    from plan.updates import record_update

    refs = facts["owner_refs"]
    with session_scope() as session:
        record_update(session, user=admin, plan_id=facts["plan_id"], ref=refs[cycle % len(refs)],
                      rag=("green", "amber", "red")[cycle % 3], delivery_status="in_progress",
                      commentary=f"soak cycle {cycle}")


def soak(root: Path, url: str, facts: dict[str, Any], cycles: int, page: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from bench.browser import CHROMIUM, CHROMIUM_ARGS, Counter, settle, sign_in
    from bench.browser import serve as serve_app
    from bench.database import actor

    admin = actor("admin")
    rss: list[float] = []
    started = time.perf_counter()
    with serve_app(url, root) as (address, server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = first.new_page()
        tab.set_default_timeout(600_000)
        sign_in(tab, Counter(tab), address, facts["admin"])
        cookies = first.storage_state()
        first.close()
        for cycle in range(cycles):
            _write(facts, admin, cycle)
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, storage_state=cookies)
            tab = context.new_page()
            tab.set_default_timeout(600_000)
            counter = Counter(tab)
            tab.goto(address + page)
            settle(tab, counter)
            if "Password" in tab.get_by_test_id("stMain").inner_text():
                raise RuntimeError("the cookie did not keep the sign-in")
            context.close()
            rss.append(rss_mb(server)[0])
            if cycle % 20 == 0:
                print(f"  cycle {cycle}: {rss[-1]:.0f} MB ({time.perf_counter() - started:.0f} s)", flush=True)
        peak = rss_mb(server)[1]
        browser.close()
    half = rss[len(rss) // 2:]
    return {"start": rss[0], "end": rss[-1], "peak": peak, "slope": slope(rss), "slope_2nd_half": slope(half),
            "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--page", default="/dashboard")
    parser.add_argument("--at", default=None, help="soak the app at this git revision instead of this tree")
    args = parser.parse_args()
    from bench.database import build

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    facts = build(url, args.actions)
    print(f"plan: {facts['actions']:,} actions; {args.cycles} cycles of a save and a view of {args.page}")
    runs = {}
    if args.at:
        from bench.picker import _unpack

        runs[f"at {args.at}"] = soak(_unpack(args.at), url, facts, args.cycles, args.page)
    else:
        runs["now"] = soak(ROOT, url, facts, args.cycles, args.page)
    print(f"{'':14} {'start MB':>9} {'end MB':>8} {'peak MB':>8} {'MB/100 cycles':>14} {'2nd half':>9} {'time s':>7}")
    for name, r in runs.items():
        print(f"{name:14} {r['start']:9.0f} {r['end']:8.0f} {r['peak']:8.0f} {r['slope']:14.1f} "
              f"{r['slope_2nd_half']:9.1f} {r['seconds']:7.0f}")


if __name__ == "__main__":
    main()
