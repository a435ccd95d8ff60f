"""A real app process and a real browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

try:  # A busy 2-core machine running two test workers needs more than Playwright's 5 s default.
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=30_000)
except ImportError:  # pragma: no cover - the browser tests skip without Playwright
    pass

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("PLAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (PLAN_REQUIRE_BROWSER=1): apt-get install -y chromium")
        pytest.skip(f"no {CHROMIUM}: apt-get install -y chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Accounts the browser signs in with, made through the CLI as the secretariat would.
ACCOUNTS = {
    "admin": ("secretariat@southend.gov.uk", "Sam Secretariat", "admin", "harbour lights at low tide"),
    "chair": ("chair@southend.gov.uk", "Chris Chair", "chair", "pier trains run every hour"),
    "owner": ("owner@nhs.net", "Olu Owner", "owner", "cockles from leigh on sea"),
}


def make_accounts(env: dict[str, str]) -> None:
    """The ACCOUNTS, added with `python -m plan user add` as the secretariat would; the owner owns 3.5."""
    for email, name, role, password in ACCOUNTS.values():
        subprocess.run([sys.executable, "-m", "plan", "user", "add", email, "--name", name, "--role", role,
                        "--agency", "Southend-on-Sea Borough Council"], input=password + "\n", text=True,
                       cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "plan", "assign", "3.5", ACCOUNTS["owner"][0]], cwd=ROOT, env=env,
                   check=True, capture_output=True)


@contextmanager
def serve(folder: Path, env: dict[str, str], *, script: str = "server.py", cwd: Path = ROOT,
          wait: float = 60) -> Iterator[str]:
    """`streamlit run server.py` on a free port, as scripts/run.sh starts it; yields its URL."""
    port = _free_port()
    log = (folder / f"streamlit-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the app did not start: " + (folder / f"streamlit-{port}.log").read_text()[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh SQLite database with the seed plan (loaded by `plan init`) and the ACCOUNTS."""
    _need_browser()
    folder = tmp_path_factory.mktemp("app")
    env = {**os.environ, "PLAN_DATABASE_URL": f"sqlite:///{folder / 'plan.db'}", "PLAN_TEST_FOLDER": str(folder)}
    make_accounts(env)
    return env


@pytest.fixture(scope="module")
def app_url(app_env: dict[str, str]) -> Iterator[str]:
    """The app served on the module's database. One app per test module: starting it costs
    seconds, and each browser test has its own browser session."""
    with serve(Path(app_env["PLAN_TEST_FOLDER"]), app_env) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(app_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        yield tab
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        tab.screenshot(path=str(artifacts / f"last-browser-test-{worker}.png"), full_page=True)
        browser.close()



def sign_in(tab: object, role: str) -> None:
    from playwright.sync_api import expect

    email, name, _, password = ACCOUNTS[role]
    tab.get_by_label("Email").fill(email)  # type: ignore[attr-defined]
    tab.get_by_role("textbox", name="Password").fill(password)  # type: ignore[attr-defined]
    tab.get_by_role("button", name="Sign in", exact=True).click()  # type: ignore[attr-defined]
    expect(tab.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {name}")  # type: ignore[attr-defined]


def download(tab: object, name: object, folder: Path | None = None) -> Path:
    """Click the download button named `name` (a string or pattern), once visible; the file the
    browser saved (in `folder` under the name it suggests, which carries the marking)."""
    from playwright.sync_api import expect

    link = tab.get_by_role("button", name=name)  # type: ignore[attr-defined]
    expect(link).to_be_visible(timeout=90_000)
    with tab.expect_download() as started:  # type: ignore[attr-defined]
        link.click()
    if folder is None:
        return Path(started.value.path())
    saved = folder / started.value.suggested_filename
    started.value.save_as(saved)
    return saved
