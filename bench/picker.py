"""Bytes a browser receives per Action detail view, before and after the searched pick list, in
the same run on the same database: the app as it was (a tree unpacked from git at --before,
whose select box held every action of the plan) and the app as it is (a find box and ~20
matches). Both are served by `streamlit run server.py` and read in Debian's chromium, signed in
as the bench's secretariat. A view: the page opened at one action's URL (?ref=); a pick: typing
a ref in the find box and choosing it (the rerun it causes). A benchmark, not a test.

Usage: .venv/bin/python bench/picker.py [--actions 10000] [--before REV] [--repeat 2]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, median  # noqa: E402

BEFORE = "33de74b"  # main before the searched pickers: Action detail offered every action


def _unpack(rev: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="plan-before-"))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _measure(root: Path, url: str, facts: dict[str, Any], ref: str, repeat: int, searched: bool) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from bench.browser import CHROMIUM, CHROMIUM_ARGS, Counter, page_payload, serve, settle, sign_in

    views, picks = [], []
    with serve(url, root) as (address, _server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(600_000)
        counter = Counter(tab)
        sign_in(tab, counter, address, facts["admin"])
        for _ in range(repeat):
            views.append(page_payload(tab, counter, address, f"/action_detail?ref={ref}"))
            page_payload(tab, counter, address, "/action_detail")
            counter.reset()
            counter.last_frame = time.monotonic()
            started = time.perf_counter()
            if searched:
                box = tab.get_by_label("Find an action")
                box.fill(ref)
                box.press("Enter")
                settle(tab, counter)
            tab.get_by_test_id("stSelectbox").first.click()
            tab.keyboard.type(ref)  # the select box's own filter, over what it was sent
            tab.get_by_role("option", name=f"{ref} – ").first.click()
            settle(tab, counter)
            picks.append({"kb": counter.ws / 1024, "s": time.perf_counter() - started})
            tab.get_by_role("heading", name=ref).first.wait_for()
        browser.close()
    return {"view_kb": median([v["kb"] for v in views]), "view_s": median([v["load_s"] for v in views]),
            "pick_kb": median([p["kb"] for p in picks]), "pick_s": median([p["s"] for p in picks])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    from bench.database import build

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    started = time.perf_counter()
    facts = build(url, args.actions)
    print(f"plan: {facts['actions']:,} actions, {facts['updates']:,} updates (built in "
          f"{time.perf_counter() - started:.0f} s)")
    ref = facts["owner_refs"][-1]  # far down the plan: not among the first 20 in plan order
    old = _measure(_unpack(args.before), url, facts, ref, args.repeat, searched=False)
    new = _measure(ROOT, url, facts, ref, args.repeat, searched=True)
    print(f"Action detail at {facts['actions']:,} actions (ref {ref}), median of {args.repeat}:")
    print(f"  {'':28} {'before':>10} {'after':>10} {'after/before':>13}")
    for label, key in (("view (KB received)", "view_kb"), ("view load (s)", "view_s"),
                       ("pick an action (KB)", "pick_kb"), ("pick an action (s)", "pick_s")):
        print(f"  {label:28} {old[key]:10.1f} {new[key]:10.1f} {new[key] / old[key]:13.3f}")


if __name__ == "__main__":
    main()
