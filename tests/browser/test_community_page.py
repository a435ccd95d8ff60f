"""The public community page over HTTP, served by `streamlit run server.py` as the app is, and in
chromium: off is a 404 like an unknown plan; on, it is plain HTML with strict headers that names
no one, shows nothing restricted or internal, links nowhere, loads nothing else (no script, no
Streamlit websocket), and axe-core finds no serious or critical violation; the app's own pages
still open beside it."""

from __future__ import annotations

import html
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models import Action
from plan.community import community_path, set_community_view
from plan.db import reset_engines, session_scope
from plan.identity import Actor
from plan.plans import plan_frame
from plan.updates import record_update
from plan.users import actor_for_email
from tests.browser.conftest import ACCOUNTS
from tests.browser.test_accessibility import serious_violations

SLUG = "southend-vv"
EVIDENCE = "https://example.org/evidence/secret-file"
INTERNAL = "INTERNAL ONLY: told the chief officers first"
NAMED = "Jane Marsh"
LEAD_OWNER_PERSON = "Priya Patel"
RESTRICTED_WORDS = "Operation Nightjar"
COMPLETED_TITLE = "Run See the Signs public awareness campaigns"


@pytest.fixture(scope="module")
def plan_data(app_env: dict[str, str]) -> Iterator[set[str]]:
    """The module's database with names, internal commentary and a completed restricted action;
    returns the strings the public must never see. The services run in this process on the
    server's database file."""
    previous = os.environ.get("PLAN_DATABASE_URL")
    os.environ["PLAN_DATABASE_URL"] = app_env["PLAN_DATABASE_URL"]
    reset_engines()
    now = datetime.now(UTC)
    try:
        with session_scope() as session:
            plan_id = plan_frame(session, SLUG).id
            admin, owner = (actor_for_email(session, ACCOUNTS[role][0]) for role in ("admin", "owner"))
            assert admin is not None and owner is not None
            admin = Actor(admin.person_id, admin.name, admin.email, admin.role, cleared_for_restricted=True)
            for ref, user, rag, status, commentary in (
                ("2.1", admin, "blue", "complete", f"Signed off by {NAMED}"),
                ("3.5", owner, "blue", "complete", f"{INTERNAL}. Thanks to {NAMED}."),
                ("3.2", admin, "amber", "in_progress", INTERNAL),
                ("4.6", admin, "blue", "complete", RESTRICTED_WORDS),
            ):
                record_update(session, user=user, plan_id=plan_id, ref=ref, rag=rag, delivery_status=status,
                              commentary=commentary, evidence_url=EVIDENCE, at=now - timedelta(days=2),
                              personal_data_confirmed=True)
            restricted = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == "4.6")).one()
            restricted.title = f"{RESTRICTED_WORDS}: joint disruption"
            named = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == "3.6")).one()
            named.lead_owner = LEAD_OWNER_PERSON
            lead_owners = set(session.exec(select(Action.lead_owner).where(Action.plan_id == plan_id)).all())
        yield ({INTERNAL, "INTERNAL", NAMED, LEAD_OWNER_PERSON, RESTRICTED_WORDS, EVIDENCE, "OFFICIAL-SENSITIVE"}
               | {name for _, name, _, _ in ACCOUNTS.values()} | {email for email, _, _, _ in ACCOUNTS.values()}
               | lead_owners) - {""}
    finally:
        reset_engines()
        if previous is None:
            os.environ.pop("PLAN_DATABASE_URL", None)
        else:
            os.environ["PLAN_DATABASE_URL"] = previous


@pytest.fixture
def switch(plan_data: set[str], app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """switch(True/False): the plan's community page on or off, as the secretariat would."""
    monkeypatch.setenv("PLAN_DATABASE_URL", app_env["PLAN_DATABASE_URL"])

    def set_to(on: bool) -> None:
        with session_scope() as session:
            set_community_view(session, user=Actor.system("secretariat"), plan_id=plan_frame(session, SLUG).id,
                               on=on)
    return set_to


def fetch(url: str) -> tuple[int, Message, str]:
    """Status, headers (looked up case-insensitively) and body."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode()


def test_off_it_is_a_404_that_says_no_more_than_for_an_unknown_plan(app_url, switch) -> None:  # noqa: ANN001
    switch(True)
    assert fetch(app_url + community_path(SLUG))[0] == 200  # the server keeps the page it rendered ...
    switch(False)
    status, headers, body = fetch(app_url + community_path(SLUG))  # ... but switched off, it is gone at once
    unknown = fetch(app_url + community_path("no-such-plan"))
    assert status == 404 and unknown[0] == 404
    assert body == unknown[2]
    assert "Page not found" in body
    assert "Violence" not in body and COMPLETED_TITLE not in body
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["Cache-Control"] == "no-store"
    for path in ("/community", "/community/", f"/community/{SLUG}/users", "/community/" + "x" * 300):
        assert fetch(app_url + path)[0] == 404, path


def test_on_it_shows_progress_and_completed_actions_and_nothing_else(app_url, switch, plan_data) -> None:  # noqa: ANN001
    switch(True)
    status, headers, body = fetch(app_url + community_path(SLUG))
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"] == ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                                                  "form-action 'none'; frame-ancestors 'none'")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-cache"  # never kept by a browser or proxy (issue 20, item 10)
    assert headers.get("Set-Cookie") is None
    text = " ".join(html.unescape(body).split())  # as a reader sees it: one space
    assert "Violence & Vulnerability Local Action Plan: progress for the community" in text
    assert COMPLETED_TITLE in text and "Share A&E data on violence-related attendances" in text
    assert "Prevent: 1 of 5 actions complete, 4 not yet assessed." in text
    assert "Protect: 1 of 6 actions complete, 1 at risk, 4 not yet assessed." in text
    assert "Pursue: 0 of 5 actions complete, 5 not yet assessed." in text  # 4.6 neither shown nor counted
    assert "Detailed progress is reported to the partnership's boards" in text
    said = sorted(s for s in plan_data if s.lower() in text.lower())
    assert said == []
    lowered = body.lower()
    for tag in ("<a ", "<form", "<script", "<link", "<img", "<iframe", "<input", "<button", "src=", "href=",
                "_stcore", "http://", "https://"):
        assert tag not in lowered, tag


def test_in_chromium_it_loads_nothing_else_and_has_no_serious_accessibility_violation(
        app_url, switch, page) -> None:  # noqa: ANN001
    switch(True)
    requests: list[str] = []
    sockets: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(app_url + community_path(SLUG))
    expect(page.get_by_role("heading", level=1)).to_contain_text("progress for the community")
    expect(page.get_by_role("table", name="Completed actions, in the plan's order")).to_contain_text(COMPLETED_TITLE)
    assert page.get_by_role("link").count() == 0
    assert requests == [app_url + community_path(SLUG)]  # no script, style sheet, font or image
    assert sockets == []  # not Streamlit: no /_stcore/stream
    found = serious_violations(page, "community page")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scrolling of the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    found += serious_violations(page, "community page on a phone")
    assert not found, "\n".join(found)


def test_the_apps_own_pages_still_open_beside_it(app_url, switch, page) -> None:  # noqa: ANN001
    switch(True)
    page.goto(app_url + "/")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    page.goto(app_url + "/users")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert fetch(app_url + "/_stcore/health")[2] == "ok"


def test_a_completed_action_made_restricted_is_off_the_page_at_once(app_url, switch) -> None:  # noqa: ANN001
    """Issue 20, item 10: the page was kept for a minute by browsers (public, max-age=60) and for 30
    seconds by the server, so an action made restricted stayed public that long."""
    from plan.maintenance.actions import edit_action

    switch(True)
    assert COMPLETED_TITLE in html.unescape(fetch(app_url + community_path(SLUG))[2])
    with session_scope() as session:
        plan_id = plan_frame(session, SLUG).id
        edit_action(session, user=Actor.system("secretariat"), plan_id=plan_id, ref="2.1",
                    changes={"restricted": True})
    try:
        status, headers, body = fetch(app_url + community_path(SLUG))
        assert status == 200 and COMPLETED_TITLE not in html.unescape(body)
        assert "max-age" not in headers["Cache-Control"] and "public" not in headers["Cache-Control"]
    finally:
        with session_scope() as session:
            edit_action(session, user=Actor.system("secretariat"), plan_id=plan_id, ref="2.1",
                        changes={"restricted": False})
