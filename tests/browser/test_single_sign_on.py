"""Single sign-on end to end: `st.login` in a real browser against a real OpenID Connect provider.

The provider (tests/browser/oidc_provider.py) runs on 127.0.0.1 beside the app, and the app reads
its `[auth]` section from a secrets file made here, as a deployment's .streamlit/secrets.toml gives
it. The provider says who someone is; our database says whether they may see the plan, and with
which role. Accounts are made with `python -m plan user add ... --sso`, as the secretariat does.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _free_port, _need_browser
from tests.browser.oidc_provider import OIDCProvider

# The organisation's directory (the provider's accounts) and what our database makes of them.
KNOWN = "Chris.Chair@Southend.gov.uk"  # mixed case, as Entra ID often sends it: matched without case
UNKNOWN = "stranger@southend.gov.uk"  # in the directory, not in our database
DISABLED = "former.owner@southend.gov.uk"  # in both, but disabled in ours
DIRECTORY = {KNOWN: "Chris Chair", UNKNOWN: "Sandy Stranger", DISABLED: "Fran Former"}
NO_ACCESS = "but that account has no access to this plan. Ask the plan secretariat to add you."
CHAIR_PAGES = ("Overview", "Actions", "Action detail", "Update round", "Due dates", "Audit trail")
NOT_CHAIR_PAGES = ("My actions", "Users", "Plan settings")
REDIRECTS = 40_000  # ms: app -> provider -> app -> /api/session -> app, on two busy cores
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _plan(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "plan", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def provider() -> Iterator[OIDCProvider]:
    """The identity provider, registered for the app's redirect URI (so the app's port is chosen first)."""
    _need_browser()
    with OIDCProvider(DIRECTORY, redirect_uri=f"http://127.0.0.1:{_free_port()}/oauth2callback") as idp:
        yield idp


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sso") / "plan.db"


@pytest.fixture(scope="module")
def plan_env(database: Path) -> dict[str, str]:
    return {**os.environ, "PLAN_DATABASE_URL": f"sqlite:///{database}"}


@pytest.fixture(scope="module")
def app_url(provider: OIDCProvider, database: Path, plan_env: dict[str, str]) -> Iterator[str]:
    """`streamlit run server.py` with single sign-on configured against `provider`. (It overrides
    conftest's app_url, so conftest's `page` fixture opens its browser on this app.)"""
    folder = database.parent
    url = provider.client.redirect_uri.removesuffix("/oauth2callback")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{provider.client.redirect_uri}"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{provider.client_id}"\n'
        f'client_secret = "{provider.client_secret}"\n'
        f'server_metadata_url = "{provider.discovery_url}"\n')
    for email, role in ((KNOWN, "chair"), (DISABLED, "owner")):
        _plan(plan_env, "user", "add", email.lower(), "--name", DIRECTORY[email], "--role", role, "--sso")
    _plan(plan_env, "user", "update", DISABLED, "--no-active")
    log = (folder / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless=true",
         f"--server.port={urlparse(url).port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
         "--browser.gatherUsageStats=false", f"--secrets.files={secrets_file}"],
        cwd=ROOT, env=plan_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the app did not start: " + (folder / "streamlit.log").read_text()[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def sign_in_with_organisation(tab, app_url: str, email: str) -> None:  # noqa: ANN001  a Playwright Page
    """What a person does: the app's button, the provider's page, and back to the app."""
    tab.goto(app_url)
    tab.get_by_role("button", name="Sign in with your organisation account").click()
    expect(tab.get_by_role("heading", name="Sign in to the test identity provider")).to_be_visible()
    tab.get_by_label("Email address").fill(email)
    tab.get_by_role("button", name="Continue").click()
    tab.wait_for_url(f"{app_url}/**")


def settle(tab, quiet: float = 1.5) -> None:  # noqa: ANN001
    """Wait until the tab has stopped moving: sign-in and sign-out are chains of redirects (app,
    provider, /api/session, app) started from the page, and some checks are that nothing more
    happens (nobody is signed back in), which only a quiet spell can show."""
    moved = [time.monotonic()]

    def note(frame) -> None:  # noqa: ANN001
        if frame == tab.main_frame:
            moved[0] = time.monotonic()

    tab.on("framenavigated", note)
    deadline = time.monotonic() + REDIRECTS / 1000
    while time.monotonic() < deadline:
        tab.wait_for_timeout(250)
        if time.monotonic() - moved[0] > quiet and tab.locator(APP_READY).count():
            break
    tab.remove_listener("framenavigated", note)


def expect_sign_in_page(tab) -> None:  # noqa: ANN001
    """The sign-in page and nothing of the plan, once the tab has settled."""
    settle(tab)
    main = tab.get_by_test_id("stMain")
    expect(main).to_contain_text("sign in to see it.", timeout=3000)
    expect(tab.get_by_role("button", name="Sign in with your organisation account")).to_be_visible(timeout=3000)
    expect(tab.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_have_count(0, timeout=3000)
    expect(tab.get_by_role("link", name="Actions", exact=True)).to_have_count(0, timeout=3000)
    expect(main).not_to_contain_text("25 actions", timeout=3000)


def test_a_known_organisation_account_gets_its_role_from_our_database(page, app_url, plan_env) -> None:
    sign_in_with_organisation(page, app_url, KNOWN)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Signed in as Chris Chair (chair)", timeout=REDIRECTS)
    expect(page.get_by_test_id("stMain")).to_contain_text("25 actions under 4 themes")
    for name in CHAIR_PAGES:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    for name in NOT_CHAIR_PAGES:
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    page.reload()  # still signed in after a reload (a new Streamlit session)
    expect(sidebar).to_contain_text("Signed in as Chris Chair (chair)", timeout=REDIRECTS)

    _plan(plan_env, "user", "update", KNOWN.lower(), "--role", "viewer")  # the secretariat changes the role
    try:
        page.get_by_role("link", name="Actions", exact=True).click()
        expect(sidebar).to_contain_text("Signed in as Chris Chair (viewer)")
        expect(page.get_by_role("link", name="Audit trail", exact=True)).to_have_count(0)
    finally:
        _plan(plan_env, "user", "update", KNOWN.lower(), "--role", "chair")


def test_sign_out_ends_the_organisation_session(page, app_url, provider) -> None:
    sign_in_with_organisation(page, app_url, KNOWN)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Signed in as Chris Chair (chair)", timeout=REDIRECTS)
    sidebar.get_by_role("button", name="Sign out").click()
    expect_sign_in_page(page)
    assert provider.events[-1] == ("signed out", KNOWN)  # the provider's session ended too
    page.reload()
    expect_sign_in_page(page)


def test_after_the_idle_time_out_an_organisation_account_must_sign_in_again(page, app_url, database) -> None:
    sign_in_with_organisation(page, app_url, KNOWN)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as Chris Chair", timeout=REDIRECTS)
    db = sqlite3.connect(database, timeout=10)  # as if nobody had clicked for two hours (the limit is 30 minutes)
    with db:
        db.execute("UPDATE signin_session SET last_seen_at = datetime('now', '-2 hours') WHERE revoked_at IS NULL")
    db.close()
    # the app sends the browser on (to /api/session/end) as soon as the reloaded page finds the session
    # ended, which can abort the reload's own "load": wait only for the reload to start
    page.reload(wait_until="commit")
    expect_sign_in_page(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("signed out after a while without activity")


def test_an_account_the_plan_does_not_know_is_refused_in_plain_words(page, app_url) -> None:
    sign_in_with_organisation(page, app_url, UNKNOWN)
    main = page.get_by_test_id("stMain")
    expect_sign_in_page(page)
    expect(main).to_contain_text(f"You are signed in as {UNKNOWN}, {NO_ACCESS}")
    page.reload()
    expect_sign_in_page(page)
    expect(main).to_contain_text(NO_ACCESS)


def test_a_disabled_account_is_refused(page, app_url) -> None:
    sign_in_with_organisation(page, app_url, DISABLED)
    expect_sign_in_page(page)
    expect(page.get_by_test_id("stMain")).to_contain_text(f"You are signed in as {DISABLED}, {NO_ACCESS}")


def test_the_test_provider_checks_what_a_real_one_does() -> None:
    """No browser: the provider's own checks, so a pass above means `st.login` did the real thing
    (PKCE, nonce, client secret, signed ID token, logout), not that the provider let anything through."""
    callback = "http://127.0.0.1:9/oauth2callback"
    with OIDCProvider({"Pat@Example.org": "Pat"}, redirect_uri=callback) as idp, \
            httpx.Client(base_url=idp.issuer) as http:
        assert http.get("/.well-known/openid-configuration").json()["code_challenge_methods_supported"] == ["S256"]
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {"response_type": "code", "client_id": idp.client_id, "redirect_uri": callback, "state": "s",
                 "scope": "openid email profile", "nonce": "n-1", "code_challenge": challenge,
                 "code_challenge_method": "S256"}
        for missing in ("nonce", "code_challenge"):
            refused = http.get("/authorize", params={k: v for k, v in query.items() if k != missing})
            assert "error=invalid_request" in refused.headers["location"], missing
        form = http.get("/authorize", params=query).text
        action = html.unescape(re.search(r'action="([^"]+)"', form).group(1))
        assert "No account with that email address here." in http.post(action, data={"email": "x@y.z"}).text
        code = parse_qs(urlparse(http.post(action, data={"email": "pat@example.org"}).headers["location"]).query)
        assert code["state"] == ["s"]
        exchange = {"grant_type": "authorization_code", "code": code["code"][0], "redirect_uri": callback}
        client = (idp.client_id, idp.client_secret)
        assert http.post("/token", data={**exchange, "code_verifier": verifier},
                         auth=(idp.client_id, "wrong secret")).status_code == 401
        wrong = http.post("/token", data={**exchange, "code_verifier": "x" * 43}, auth=client)
        assert wrong.json()["error"] == "invalid_grant"
        tokens = http.post("/token", data={**exchange, "code_verifier": verifier}, auth=client).json()
        claims = jwt.decode(tokens["id_token"], KeySet.import_key_set(http.get("/jwks").json())).claims
        assert (claims["iss"], claims["aud"], claims["nonce"]) == (idp.issuer, [idp.client_id], "n-1")
        assert (claims["email"], claims["name"]) == ("Pat@Example.org", "Pat")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert http.get("/userinfo", headers=bearer).json()["email"] == "Pat@Example.org"
        logout = http.get("/end_session", params={"client_id": idp.client_id, "id_token_hint": tokens["id_token"],
                                                  "post_logout_redirect_uri": callback})
        assert logout.headers["location"] == callback
        assert http.get("/userinfo", headers=bearer).status_code == 401  # its session ended
        replay = http.post("/token", data={**exchange, "code_verifier": verifier}, auth=client)
        assert replay.json()["error"] == "invalid_grant"  # a code is good for one use
