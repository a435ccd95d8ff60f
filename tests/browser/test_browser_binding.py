"""Another site cannot sign a browser in or out, frame the app, or talk to its websocket (issue 20,
items 3 and 8), against a real app process and chromium. The "other site" is a page Playwright
serves as http://attacker.test/: to the browser a different site from the app's 127.0.0.1."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ACCOUNTS

ATTACKER = "http://attacker.test/"
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def sign_in(tab, role: str) -> None:  # noqa: ANN001
    """conftest.sign_in with room for a busy machine."""
    from playwright.sync_api import expect

    email, name, _, password = ACCOUNTS[role]
    tab.get_by_label("Email").fill(email)
    tab.get_by_role("textbox", name="Password").fill(password)
    tab.get_by_role("button", name="Sign in", exact=True).click()
    expect(tab.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {name}", timeout=60_000)


def _attacker_page(tab, html: str) -> None:  # noqa: ANN001
    """Open ATTACKER in `tab`, serving `html` as its page."""
    tab.route(ATTACKER + "**", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    tab.goto(ATTACKER)


def _handover_url(browser, app_url: str) -> str:  # noqa: ANN001
    """The attacker signs in to their own account and keeps the handover link instead of following it."""

    context = browser.new_context()
    tab = context.new_page()
    kept: list[str] = []

    def keep(route) -> None:  # noqa: ANN001
        kept.append(route.request.url)
        route.abort()

    tab.route(re.compile(r"/api/session\?code="), keep)
    tab.goto(app_url)
    email, _, _, password = ACCOUNTS["admin"]
    tab.get_by_label("Email").fill(email)
    tab.get_by_role("textbox", name="Password").fill(password)
    tab.get_by_role("button", name="Sign in", exact=True).click()
    for _ in range(120):
        if kept:
            break
        tab.wait_for_timeout(500)
    context.close()
    assert kept, "the sign-in never sent the browser for its cookie"
    return kept[0]


def _signed_in_as(tab, app_url: str) -> str:  # noqa: ANN001
    tab.goto(app_url)
    tab.wait_for_selector(APP_READY)
    tab.get_by_text(re.compile("Signed in as|sign in to see it")).first.wait_for(timeout=60_000)
    text = tab.locator("body").inner_text()
    found = re.search(r"Signed in as ([^\n]+)", text)
    return found.group(1).strip() if found else ""


def test_a_handover_code_planted_by_another_site_signs_nobody_in(app_url, browser) -> None:
    code_url = _handover_url(browser, app_url)
    # Bound to the attacker's browser: sent with another browser's pre-session cookie (and no
    # Sec-Fetch-Site, as a script would), it sets no session cookie.
    request = urllib.request.Request(code_url, headers={"Cookie": "plan_browser=someone-else"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=30)
        cookies = response.headers.get_all("set-cookie") or []
    except urllib.error.HTTPError as err:
        cookies = err.headers.get_all("set-cookie") or []
    assert not [c for c in cookies if c.startswith("plan_session=")], cookies

    victim = browser.new_context()
    tab = victim.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)  # the victim has used the app before: it has its own pre-session cookie
    tab.wait_for_selector(APP_READY)
    _attacker_page(tab, f"<script>location.href = {code_url!r};</script>")
    tab.wait_for_url(re.compile(re.escape(app_url)))
    tab.wait_for_load_state()
    assert not [c for c in victim.cookies() if c["name"] == "plan_session"]
    assert _signed_in_as(tab, app_url) == ""
    victim.close()


def test_another_site_cannot_sign_a_browser_out(app_url, browser) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)
    sign_in(tab, "chair")
    _attacker_page(tab, f"<script>location.href = {app_url + '/api/session/end'!r};</script>")
    tab.wait_for_url(re.compile(re.escape(app_url)))
    tab.wait_for_load_state()
    assert [c for c in context.cookies() if c["name"] == "plan_session"], "the session cookie was cleared"
    assert _signed_in_as(tab, app_url).startswith("Chris Chair")
    context.close()


def test_the_app_cannot_be_framed_by_another_page(app_url, browser) -> None:
    for path in ("/", "/users"):
        headers = urllib.request.urlopen(app_url + path, timeout=30).headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(app_url)
    sign_in(tab, "admin")
    _attacker_page(tab, f"<h1>Win a prize</h1><iframe src={app_url + '/users'!r} width=900 height=600></iframe>")
    frame = tab.frame_locator("iframe")
    tab.wait_for_timeout(8_000)  # long enough for the app to draw its page in the frame, were it allowed
    assert frame.locator("[data-testid='stApp']").count() == 0
    assert "Signed in as" not in tab.locator("body").inner_text()
    context.close()


def test_the_websocket_is_refused_to_another_origin_on_the_same_host(app_url) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    port = urlsplit(app_url).port
    stream = f"ws://127.0.0.1:{port}/_stcore/stream"
    with connect(stream, origin=f"http://127.0.0.1:{port}", subprotocols=["streamlit"], open_timeout=30):
        pass  # the app's own pages still connect
    with pytest.raises(InvalidStatus), connect(stream, origin=f"http://127.0.0.1:{port + 1}",
                                               subprotocols=["streamlit"], open_timeout=30):
        pass
    with pytest.raises(InvalidStatus), connect(stream, origin="http://localhost:1", subprotocols=["streamlit"],
                                               open_timeout=30):
        pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None
