"""The Board paper page as a user meets it against the command line, in the same run: click
"Prepare board paper" in chromium and wait until the download is offered and saved, against
`python -m plan export board-paper` on the same database (both the whole plan's Excel paper).
Prints both times and the ratio (target: the page within 2x the command line). A benchmark, not
a test.

Usage: .venv/bin/python bench/paper_page.py [--url PLAN_DATABASE_URL] [--actions 10000] [--repeat 2]
(without --url: a temporary SQLite database with the seed plan and that many synthetic actions)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cli(env: dict[str, str], out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "plan", "export", "board-paper", "--out", str(out)], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=None)
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    env = {**os.environ, "PLAN_DATABASE_URL": args.url or f"sqlite:///{folder / 'plan.db'}"}
    os.environ.update(env)
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, make_accounts, serve, sign_in

    if not args.url:
        subprocess.run([sys.executable, "-m", "plan", "demo", "--actions", str(args.actions)], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    make_accounts(env)
    from playwright.sync_api import expect, sync_playwright

    page_times, cli_times = [], []
    with serve(folder, env) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(600_000)
        page.goto(url + "/board_paper")
        sign_in(page, "admin")
        expect(page.get_by_role("heading", name="Board paper")).to_be_visible()
        for _ in range(args.repeat):  # alternating: the page, then the command line
            page.reload()
            expect(page.get_by_role("button", name="Prepare board paper")).to_be_visible()
            started = time.perf_counter()
            page.get_by_role("button", name="Prepare board paper").click()
            link = page.get_by_role("button", name="Download OFFICIAL-SENSITIVE board-paper")
            expect(link).to_be_visible(timeout=600_000)
            with page.expect_download() as download:
                link.click()
            download.value.save_as(folder / "from-page.xlsx")
            page_times.append(time.perf_counter() - started)
            cli_times.append(_cli(env, folder / "from-cli.xlsx"))
        browser.close()
    page_s, cli_s = statistics.median(page_times), statistics.median(cli_times)
    print(f"board paper page, click to saved download (median of {args.repeat}): {page_s:.1f} s")
    print(f"command line export, same database (median of {args.repeat}): {cli_s:.1f} s "
          "(includes starting Python)")
    print(f"paper_page_ratio: {page_s / cli_s:.2f} (target at most 2)")


if __name__ == "__main__":
    main()
