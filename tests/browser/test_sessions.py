"""Sessions and routing in a real browser against real app processes: the first request to a
freshly started server, reloads and new tabs, links that survive sign-in, sign-out, downloads."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import ACCOUNTS, serve, sign_in
from ui.navigation import PAGES

APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _status(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        return urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as err:
        return err.code


def test_the_first_request_to_each_page_of_a_fresh_server_shows_only_sign_in(app_env, browser) -> None:
    """Streamlit's old pages/ mode ran pages/<name>.py directly on a new server's first request,
    skipping sign-in. Each page URL is the first request of its own freshly started server."""
    from playwright.sync_api import expect

    folder = Path(app_env["PLAN_TEST_FOLDER"])
    for spec in PAGES:
        path = "/" if spec.url_path == "home" else f"/{spec.url_path}"
        with serve(folder, app_env) as url:
            tab = browser.new_page()
            tab.goto(url + path + ("?ref=4.6" if spec.url_path == "action_detail" else ""))
            expect(tab.get_by_role("button", name="Sign in", exact=True)).to_be_visible(timeout=30_000)
            tab.wait_for_selector(APP_READY)
            body = tab.locator("[data-testid='stMain']").inner_text()
            assert "sign in to see it" in body, (path, body)
            for leak in ("Signed in as", "Restricted action", "Overdue", "Audit trail", "Prepare", "Users"):
                assert leak not in body, (path, leak)
            assert tab.locator("[data-testid='stSidebarNav']").count() == 0, path
            tab.close()


def test_signed_in_survives_a_reload_and_a_new_tab_and_sign_out_ends_it(app_url, browser) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.goto(app_url)
    sign_in(tab, "chair")
    cookie = next(c for c in context.cookies() if c["name"] == "plan_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "harbour" not in cookie["value"] and cookie["value"] != "1"  # random, not the password or an id
    tab.reload()
    expect(tab.get_by_test_id("stSidebar")).to_contain_text("Signed in as Chris Chair")
    second = context.new_page()
    second.goto(app_url + "/actions")
    expect(second.get_by_test_id("stSidebar")).to_contain_text("Signed in as Chris Chair")
    tab.get_by_role("button", name="Sign out").click()
    expect(tab.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert not [c for c in context.cookies() if c["name"] == "plan_session"]
    # the revoked token is dead on the server too: sending it again signs nobody in
    stolen = browser.new_context()
    stolen.add_cookies([{**cookie, "sameSite": "Strict"}])
    third = stolen.new_page()
    third.goto(app_url + "/actions")
    expect(third.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert "Signed in as" not in third.locator("body").inner_text()
    second.reload()
    expect(second.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    context.close()
    stolen.close()


def test_a_link_opened_while_signed_out_leads_there_after_sign_in(app_url, browser) -> None:
    from playwright.sync_api import expect

    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(app_url + "/action_detail?ref=4.1")
    expect(tab.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert "Page not found" not in tab.locator("body").inner_text()
    sign_in(tab, "chair")
    expect(tab.get_by_role("heading", level=1)).to_contain_text("4.1")
    assert tab.url.endswith("/action_detail?ref=4.1")


def test_an_export_is_served_only_to_the_session_that_made_it_and_not_after_sign_out(app_url, browser) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.goto(app_url + "/audit_trail")
    sign_in(tab, "admin")
    tab.get_by_role("button", name="Prepare Excel export").click()
    link = tab.get_by_role("button", name="Download audit trail (Excel)")
    expect(link).to_be_visible()
    with tab.expect_download() as download:
        link.click()
    media = download.value.url
    assert "/media/" in media and Path(download.value.path()).stat().st_size > 1000
    cookie = next(c for c in context.cookies() if c["name"] == "plan_session")
    assert _status(media) == 403  # no cookie: no file
    assert _status(media, "plan_session=not-a-real-token") == 403
    assert _status(media, f"plan_session={cookie['value']}") == 200
    tab.get_by_role("button", name="Sign out").click()
    expect(tab.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert _status(media, f"plan_session={cookie['value']}") == 403  # signed out: the file is gone to it
    # the next person on the same tab is not offered the previous person's export
    tab.goto(app_url + "/audit_trail")
    sign_in(tab, "chair")
    tab.wait_for_selector(APP_READY)
    assert tab.get_by_role("button", name="Download audit trail (Excel)").count() == 0
    context.close()


@pytest.mark.parametrize("role", ["owner"])
def test_reload_keeps_the_page_and_its_filters(app_url, browser, role) -> None:
    from playwright.sync_api import expect

    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(app_url + "/actions?theme=Pursue&rag=red&rag=amber")
    sign_in(tab, role)
    expect(tab.get_by_text("No actions match these filters")).to_be_visible()
    tab.reload()
    expect(tab.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {ACCOUNTS[role][1]}")
    expect(tab.get_by_text("No actions match these filters")).to_be_visible()
    assert "theme=Pursue" in tab.url
