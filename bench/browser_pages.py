"""Pages as users meet them, in chromium, against a bare Streamlit page with the same widgets in
the same run: for each page, the app (`streamlit run server.py`, signed in through the form) and
the bare page (bench/bare_widgets.py replaying the titles, text, tables, charts, select boxes
with their options, inputs and buttons the app's page drew, read from AppTest, with no
database, sign-in or layout) are opened alternately, each `--repeat` times. Per page: the time
from navigation until drawn (no frame for 1.5 s, not counted) and the bytes received (websocket
frames and non-static HTTP bodies), the app's median over the bare page's. Each size's plan is
built by the bench's own plan builder (bench/database.build). A benchmark, not a test: it
asserts nothing about time.

(bench/pages.py times page scripts through AppTest for bench/run.py; this is its browser twin.)

Usage: .venv/bin/python bench/browser_pages.py [--sizes 25,10000] [--repeat 3] [--pages overview,actions]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, median  # noqa: E402

# name: (page file, URL path, who, session state that opens the same view under AppTest)
PAGES: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "overview": ("pages/overview.py", "/", "admin", {}),
    "actions": ("pages/actions.py", "/actions", "admin", {}),
    "dashboard": ("pages/dashboard.py", "/dashboard", "admin", {}),
    "action_detail": ("pages/action_detail.py", "/action_detail?ref={ref}", "admin", {"action_ref": "{ref}"}),
    "edit_plan": ("pages/edit_plan.py", "/edit_plan?ref={ref}", "admin", {"edit_ref": "{ref}"}),
    "measures": ("pages/measures.py", "/measures", "admin", {}),
    "update_round": ("pages/update_round.py", "/update_round", "admin", {}),
    "board_paper": ("pages/board_paper.py", "/board_paper", "admin", {}),
    "my_actions": ("pages/my_actions.py", "/my_actions", "owner", {}),
}
TEXT = ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success")
LABELLED = ("text_input", "text_area", "checkbox", "button", "form_submit_button", "date_input", "number_input")


def widget_spec(at: Any) -> list[tuple[str, Any]]:
    """What the page drew, as (kind, what bare_widgets.py needs to draw it again)."""
    spec: list[tuple[str, Any]] = []
    for kind in TEXT:
        spec += [(kind, e.value) for e in getattr(at, kind)]
    spec += [("metric", (e.label, e.value)) for e in at.metric]
    spec += [("dataframe", e.value) for e in at.dataframe]
    spec += [("plotly_chart", e.proto.spec) for e in at.get("plotly_chart")]
    for kind in ("selectbox", "multiselect", "radio"):
        spec += [(kind, (e.label, list(e.options))) for e in getattr(at, kind)]
    for kind in LABELLED:
        spec += [("button" if kind == "form_submit_button" else kind, e.label) for e in getattr(at, kind)]
    tabs = [t.label for t in at.tabs]
    if tabs:
        spec.append(("tabs", tabs))
    spec += [("expander", e.label) for e in at.expander]
    return spec


def one_size(actions: int, repeat: int, names: list[str]) -> dict[str, Any]:
    from bench.browser import CHROMIUM, CHROMIUM_ARGS, Counter, page_payload, serve, sign_in
    from bench.database import actor, build
    from bench.pages import open_signed_in

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    facts = build(url, actions)
    ref = facts["owner_refs"][-1]
    specs = folder / "specs"
    specs.mkdir()
    for name in names:
        file, _, who, state = PAGES[name]
        at = open_signed_in(file, actor(who), **{k: v.format(ref=ref) for k, v in state.items()})
        (specs / f"{name}.pickle").write_bytes(pickle.dumps(widget_spec(at)))
    from playwright.sync_api import sync_playwright

    bare_env = {**os.environ, "BENCH_BARE_SPEC": str(specs)}
    port = _free_port()
    log = (folder / "bare.log").open("w")
    bare = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "bench/bare_widgets.py",
                             "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
                             "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
                            cwd=ROOT, env=bare_env, stdout=log, stderr=subprocess.STDOUT)
    results: dict[str, Any] = {}
    try:
        bare_address = f"http://127.0.0.1:{port}"
        _wait(bare_address)
        with serve(url) as (address, _server), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tabs = {}
            for who in ("admin", "owner"):
                tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                tab.set_default_timeout(600_000)
                counter = Counter(tab)
                sign_in(tab, counter, address, facts[who])
                tabs[who] = (tab, counter)
            bare_tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            bare_tab.set_default_timeout(600_000)
            bare_counter = Counter(bare_tab)
            for name in names:
                _, path, who, _ = PAGES[name]
                tab, counter = tabs[who]
                app_runs, bare_runs = [], []
                page_payload(tab, counter, address, path.format(ref=ref))  # warm: first compile, first figures
                page_payload(bare_tab, bare_counter, bare_address, f"/?page={name}")
                for _ in range(repeat):
                    app_runs.append(page_payload(tab, counter, address, path.format(ref=ref)))
                    bare_runs.append(page_payload(bare_tab, bare_counter, bare_address, f"/?page={name}"))
                results[name] = {key: (median([r[key] for r in app_runs]), median([r[key] for r in bare_runs]))
                                 for key in ("load_s", "kb")}
            browser.close()
    finally:
        bare.terminate()
        bare.wait(timeout=30)
        log.close()
    return {"actions": facts["actions"], "pages": results}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(address: str) -> None:
    import urllib.request

    deadline = time.monotonic() + 120
    while True:
        try:
            if urllib.request.urlopen(f"{address}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("the bare page did not start") from None
            time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="25,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = [n for n in args.pages.split(",") if n]
    if args.one is not None:  # one size per process: each its own database and engine
        Path(args.json).write_text(json.dumps(one_size(args.one, args.repeat, names)))
        return
    runs = []
    for size in (int(s) for s in args.sizes.split(",")):
        out = Path(tempfile.mkdtemp()) / "out.json"
        subprocess.run([sys.executable, __file__, "--one", str(size), "--json", str(out), "--repeat", str(args.repeat),
                        "--pages", ",".join(names)], cwd=ROOT, check=True)
        runs.append(json.loads(out.read_text()))
    print(f"median of {args.repeat} views each, app and bare page alternating; time excludes the 1.5 s quiet wait")
    print(f"{'page':15} {'actions':>8} {'app s':>7} {'bare s':>7} {'x bare':>7} "
          f"{'app KB':>8} {'bare KB':>8} {'x bare':>7}")
    for run in runs:
        for name, r in run["pages"].items():
            (app_s, bare_s), (app_kb, bare_kb) = r["load_s"], r["kb"]
            print(f"{name:15} {run['actions']:8,} {app_s:7.2f} {bare_s:7.2f} {app_s / max(bare_s, 0.01):7.2f} "
                  f"{app_kb:8.1f} {bare_kb:8.1f} {app_kb / max(bare_kb, 0.1):7.2f}")


if __name__ == "__main__":
    main()
