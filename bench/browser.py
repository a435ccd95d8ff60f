"""What a browser receives, and what each signed-in session costs the server, measured with the
real app: `streamlit run server.py` on the bench database (as tests/browser/conftest.py serve()
starts it) and Debian's chromium driven by Playwright, signed in through the sign-in form.

Payload of a page: the bytes of every websocket frame the browser receives while the page loads
(the script's elements and data), plus the bodies of HTTP responses that are not Streamlit's own
static files (those are the same for every page and cached). Static bytes are reported apart.
Session memory: the server's resident memory after K more sessions signed in and showing the
Overview, less before, over K."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import ROOT, rss_mb

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ADMIN_PAGES = {"overview": "/", "actions": "/actions", "dashboard": "/dashboard", "update_round": "/update_round",
               # the round's other views, by URL (a view that does not exist falls back to the default)
               "update_round_by_owner": "/update_round?view=owner", "update_round_owed": "/update_round?view=owed"}
OWNER_PAGES = {"my_actions": "/my_actions"}
QUIET_S = 1.5  # no frame for this long after the run ended: the page is drawn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(url: str, root: Path = ROOT) -> Iterator[tuple[str, int]]:
    """The app (the tree at `root`: this one, or an older version unpacked for a before/after) on
    the bench database; yields its address and the server's process id."""
    port = _free_port()
    log_path = Path(tempfile.mkdtemp()) / "streamlit.log"
    env = {**os.environ, "PLAN_DATABASE_URL": url}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless=true",
             f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
             "--browser.gatherUsageStats=false"], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        address = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if urllib.request.urlopen(f"{address}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("the app did not start: " + log_path.read_text()[-2000:]) from None
                    time.sleep(0.3)
            yield address, process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


class Counter:
    """Bytes received by one tab, by kind, from the moment it is reset."""

    def __init__(self, tab: Any) -> None:
        self.ws = 0
        self.frames = 0
        self.last_frame = time.monotonic()
        self.responses: list[Any] = []
        tab.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        tab.on("response", lambda response: self.responses.append(response))

    def _frame(self, payload: str | bytes) -> None:
        self.ws += len(payload.encode() if isinstance(payload, str) else payload)
        self.frames += 1
        self.last_frame = time.monotonic()

    def reset(self) -> None:
        self.ws, self.frames = 0, 0
        self.responses.clear()

    def http(self) -> tuple[int, int]:
        """(data bytes, static bytes) of the responses seen since the reset."""
        data = static = 0
        for response in list(self.responses):
            try:
                size = response.request.sizes()["responseBodySize"]
            except Exception:  # noqa: BLE001  a response the browser dropped (a redirect, a closed socket)
                continue
            if "/static/" in response.url or response.url.endswith((".js", ".css", ".woff2", ".png", ".svg")):
                static += max(size, 0)
            else:
                data += max(size, 0)
        return data, static


def settle(tab: Any, counter: Counter, timeout: float = 300) -> None:
    """Wait until the script run ended and no frame has come for QUIET_S seconds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=1_500)
    except PlaywrightTimeout:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                              timeout=timeout * 1000)
        if time.monotonic() - counter.last_frame >= QUIET_S:
            return
        tab.wait_for_timeout(250)  # not time.sleep: Playwright delivers frame events only while it waits
    raise RuntimeError("the page never settled")


def sign_in(tab: Any, counter: Counter, address: str, who: dict[str, str]) -> None:
    tab.goto(address + "/")
    settle(tab, counter)
    tab.get_by_label("Email").fill(who["email"])
    tab.get_by_role("textbox", name="Password").fill(who["password"])
    tab.get_by_role("button", name="Sign in", exact=True).click()
    tab.get_by_test_id("stSidebar").get_by_text(f"Signed in as {who['name']}").wait_for(timeout=120_000)
    settle(tab, counter)


def page_payload(tab: Any, counter: Counter, address: str, path: str) -> dict[str, Any]:
    counter.reset()
    counter.last_frame = time.monotonic()
    started = time.perf_counter()
    tab.goto(address + path)
    settle(tab, counter)
    loaded = time.perf_counter() - started - QUIET_S
    main = tab.get_by_test_id("stMain").inner_text()
    if "Sign in" in main and "Password" in main:
        raise RuntimeError(f"{path} showed the sign-in form: the session was not kept")
    data, static = counter.http()
    return {"ws_kb": counter.ws / 1024, "http_kb": data / 1024, "static_kb": static / 1024,
            "kb": (counter.ws + data) / 1024, "frames": counter.frames, "load_s": round(loaded, 2)}


def measure(facts: dict[str, Any], url: str, sessions: int) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        return {"note": "not measured (no browser)"}
    from playwright.sync_api import sync_playwright

    pages: dict[str, Any] = {}
    with serve(url) as (address, server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for who, wanted in ((facts["admin"], ADMIN_PAGES), (facts["owner"], OWNER_PAGES)):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            tab = context.new_page()
            tab.set_default_timeout(300_000)
            counter = Counter(tab)
            sign_in(tab, counter, address, who)
            for name, path in wanted.items():
                pages[name] = page_payload(tab, counter, address, path)
            context.close()
        time.sleep(2)
        before, _ = rss_mb(server)
        held = []
        for _ in range(sessions):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            tab = context.new_page()
            tab.set_default_timeout(300_000)
            counter = Counter(tab)
            sign_in(tab, counter, address, facts["admin"])
            held.append(context)
        time.sleep(2)
        after, server_peak = rss_mb(server)
        for context in held:
            context.close()
        browser.close()
    return {"pages": pages, "payload_kb": {name: round(p["kb"], 1) for name, p in pages.items()},
            "session_mb": (after - before) / sessions if sessions else None, "sessions": sessions,
            "server_rss_before_mb": before, "server_rss_after_mb": after, "server_peak_mb": server_peak}
