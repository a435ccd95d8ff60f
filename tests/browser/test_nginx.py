"""The repository's nginx config (deploy/nginx.conf), run by Debian's nginx in front of three app
processes on one PostgreSQL schema, as docs/deployment.md sets it up: only the ports, the
certificate (a self-signed one made here) and the log paths are swapped, in a copy under
tmp_path. In chromium, through nginx over https: sign in, the session cookie kept on reload,
the websocket, a download, and a save made through one process seen on a page served by
another. nginx's access log (a format of our own, outside the site file) says which process
served each request."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    _free_port,
    _need_browser,
    make_accounts,
    serve,
    sign_in,
)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx.conf"


def _need_nginx() -> None:
    if not Path(NGINX).exists():
        if os.environ.get("PLAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{NGINX} is required (PLAN_REQUIRE_BROWSER=1): apt-get install -y nginx")
        pytest.skip("no nginx: apt-get install -y nginx")


def _swap(text: str, pattern: str, replacement: str, count: int = 1) -> str:
    """Replace `pattern` exactly `count` times: the test fails if the site file changes shape."""
    new, made = re.subn(pattern, replacement, text)
    assert made == count, f"{SITE.name}: expected {count} of {pattern!r}, found {made}"
    return new


def site_for_test(folder: Path, app_ports: list[int], https_port: int, http_port: int) -> Path:
    """deploy/nginx.conf with the test's ports and certificate; nothing else changed."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(folder / "plan.key"), "-out", str(folder / "plan.pem")],
                   check=True, capture_output=True)
    text = SITE.read_text()
    ports = iter(app_ports)
    text = _swap(text, r"server 127\.0\.0\.1:850\d;", lambda _m: f"server 127.0.0.1:{next(ports)};", 3)
    text = _swap(text, r"listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = _swap(text, r"listen 80;", f"listen 127.0.0.1:{http_port};")
    text = _swap(text, r"\n\s*listen \[::\]:\d+( ssl)?;", "", 2)  # the test host may have no IPv6
    text = _swap(text, r"/etc/ssl/certs/plan\.pem", str(folder / "plan.pem"))
    text = _swap(text, r"/etc/ssl/private/plan\.key", str(folder / "plan.key"))
    site = folder / "plan-site.conf"
    site.write_text(text)
    main = folder / "nginx.conf"
    # As Debian's /etc/nginx/nginx.conf includes a site: inside http { }, with paths of our own.
    main.write_text(f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    log_format routes '$cookie_plan_route $upstream_addr $status "$request"';
    access_log {folder}/access.log routes;
    include {site};
}}
""")
    return main


@pytest.fixture
def behind_nginx(postgres_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Three app processes on one fresh PostgreSQL schema, nginx in front; yields its https URL,
    the app ports and the access log."""
    _need_browser()
    _need_nginx()
    env = {**os.environ, "PLAN_DATABASE_URL": postgres_url, "PLAN_TEST_FOLDER": str(tmp_path)}
    make_accounts(env)  # the first use sets the database up; the three processes find it done
    with ExitStack() as stack:
        apps = [stack.enter_context(serve(tmp_path, env)) for _ in range(3)]
        ports = [int(url.rsplit(":", 1)[1]) for url in apps]
        https_port, http_port = _free_port(), _free_port()
        folder = tmp_path / "nginx"
        folder.mkdir()
        main = site_for_test(folder, ports, https_port, http_port)
        checked = subprocess.run([NGINX, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main)],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main),
                                    "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        stack.callback(process.wait, 20)
        stack.callback(process.terminate)
        url = f"https://127.0.0.1:{https_port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(url + "/_stcore/health") == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("nginx did not start: " + (folder / "error.log").read_text()[-2000:])
                time.sleep(0.2)
        yield {"url": url, "http": f"http://127.0.0.1:{http_port}", "ports": ports, "log": folder / "access.log"}


def _get(url: str, cookie: str = "") -> bytes:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
    request = urllib.request.Request(url, headers={"Cookie": f"plan_route={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        return response.read()


def _served(log: Path) -> list[tuple[str, int, str]]:
    """(route cookie, app port, request line) of each request in nginx's log."""
    rows = []
    for line in log.read_text().splitlines():
        route, upstream, _status, request = line.split(" ", 3)
        if upstream != "-":
            rows.append((route, int(upstream.rsplit(":", 1)[1].split(",")[0]), request.strip('"')))
    return rows


def _route_to_each(setup: dict[str, Any]) -> dict[int, str]:
    """A route cookie value for each app process, found by asking nginx (its hash decides)."""
    for n in range(200):
        _get(setup["url"] + "/_stcore/health", cookie=f"route-{n}")
        time.sleep(0.01)
        routes: dict[int, str] = {}
        for route, port, _ in _served(setup["log"]):
            if route.startswith("route-"):  # a probe's own cookie (not a request made without one)
                routes.setdefault(port, route)
        if len(routes) == 3:
            return routes
    pytest.fail(f"nginx sent 200 route cookies to only {sorted(routes)} of {setup['ports']}")


def test_three_processes_behind_the_repositorys_nginx_config(behind_nginx, tmp_path: Path) -> None:  # noqa: ANN001
    setup = behind_nginx
    url = setup["url"]
    with pytest.raises(urllib.error.HTTPError) as moved:  # plain http is sent to https
        opener = urllib.request.build_opener(_NoRedirect)
        opener.open(setup["http"] + "/actions", timeout=10)
    assert moved.value.code == 301 and moved.value.headers["Location"] == "https://127.0.0.1/actions"

    routes = _route_to_each(setup)
    probes = len(_served(setup["log"]))  # the browsers' requests are logged after these
    port_a, port_b = setup["ports"][0], setup["ports"][1]
    expect.set_options(timeout=60_000)  # three apps, nginx and a browser on a busy machine
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tabs, sockets = {}, {}
            for name, port in (("owner", port_a), ("admin", port_b)):
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True,
                                              accept_downloads=True)
                context.add_cookies([{"name": "plan_route", "value": routes[port], "url": url}])
                tab = context.new_page()
                tab.set_default_timeout(60_000)
                sockets[name] = []
                tab.on("websocket", lambda ws, name=name: sockets[name].append(ws))
                tabs[name] = tab

            # The owner, held on process A: signs in; the page talks over the websocket
            owner = tabs["owner"]
            owner.goto(url + "/my_actions")
            sign_in(owner, "owner")
            assert any(ws.url == url.replace("https", "wss") + "/_stcore/stream" for ws in sockets["owner"])
            cookies = {c["name"]: c for c in owner.context.cookies()}
            app_cookies = [c for n, c in cookies.items() if n != "plan_route" and c["httpOnly"]]
            assert app_cookies and all(c["secure"] for c in app_cookies)  # the app saw https (X-Forwarded-Proto)
            assert cookies["plan_route"]["value"] == routes[port_a]  # nginx kept the route it was given
            owner.reload()  # the cookie keeps the sign-in across a reload (a new Streamlit session)
            expect(owner.get_by_test_id("stSidebar")).to_contain_text("Signed in as Olu Owner")
            expect(owner.get_by_role("heading", name="My actions")).to_be_visible()

            # ... and saves an update to 3.5 through process A
            owner.get_by_label("RAG", exact=True).click()
            owner.get_by_role("option", name="Amber").click()
            owner.get_by_label("Delivery status").click()
            owner.get_by_role("option", name="In progress").click()
            owner.get_by_label("Progress commentary").fill("Saved through nginx to process A")
            owner.get_by_role("button", name="Save update").click()
            expect(owner.get_by_test_id("stMain")).to_contain_text("Update to 3.5 saved: Amber, In progress.")

            # The secretariat, held on process B: sees the save at once, and downloads a file
            admin = tabs["admin"]
            admin.goto(url + "/action_detail?ref=3.5")
            sign_in(admin, "admin")
            expect(admin.get_by_test_id("stMain")).to_contain_text("Saved through nginx to process A")
            admin.goto(url + "/offline_returns")
            expect(admin.get_by_role("heading", name="Offline update returns")).to_be_visible()
            admin.get_by_text("A lead agency", exact=True).click()
            admin.get_by_role("button", name="Make the return").click()
            with admin.expect_download() as download:
                admin.get_by_role("button", name="Download the return").click()
            saved = tmp_path / "return.xlsx"
            download.value.save_as(saved)
            assert download.value.suggested_filename.startswith("OFFICIAL-SENSITIVE update return ")
            assert saved.read_bytes()[:2] == b"PK"  # a workbook, not an error page
            assert sockets["admin"] and not any(ws.is_closed() for ws in sockets["admin"][-1:])
            for tab in tabs.values():
                tab.context.close()
        finally:
            browser.close()
            expect.set_options(timeout=30_000)  # what tests/browser/conftest.py sets, for the tests after this one

    # nginx's log: every request of each browser went to its own process, websocket and download too
    time.sleep(0.5)
    served = _served(setup["log"])[probes:]
    by_route = {route: {port for r, port, _ in served if r == route} for route in (routes[port_a], routes[port_b])}
    assert by_route == {routes[port_a]: {port_a}, routes[port_b]: {port_b}}, by_route
    assert any(port == port_a and "/_stcore/stream" in request for _, port, request in served)
    assert any(port == port_b and request.startswith("GET /media/") for _, port, request in served)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
