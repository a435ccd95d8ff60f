"""Who is signed in to this browser: a server-side session (plan/sessions.py) whose token the
browser holds in an HttpOnly cookie, so a reload or a second tab stays signed in. Every page run
resolves it again from the database: sign-out, a disabled account, a changed role or clearance,
the idle time-out and the expiry all take effect on the next click. Single sign-on (OIDC) only
vouches for an email; the role always comes from our database."""

from __future__ import annotations

import os
from urllib.parse import urlencode

import streamlit as st
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from plan import sessions, settings
from plan.db import WriteInReadScope, read_scope, session_scope
from plan.identity import Actor
from plan.signin import sign_in_with_organisation
from ui import downloads

TOKEN = "plan_token"  # session_state key: the token this Streamlit session signed in with


def _no_secrets_file() -> bool:
    """True when none of the places Streamlit reads secrets from exists. Then st.secrets would look
    for them again and raise on every access (about a millisecond, twice a page run); a stat is
    cheap and still notices a secrets.toml added while the app runs. Secrets already loaded (or
    given by a test through AppTest.secrets) are always read as before."""
    if not hasattr(st.secrets, "_secrets") or st.secrets._secrets is not None:  # noqa: SLF001
        return False
    return not any(os.path.exists(path) for path in config.get_option("secrets.files"))


def secret(section: str, key: str, default: object = None) -> object:
    """A value from .streamlit/secrets.toml, or the default when there is no such file or key."""
    if _no_secrets_file():
        return default
    try:
        return st.secrets.get(section, {}).get(key, default)
    except Exception:  # noqa: BLE001  no secrets.toml at all raises
        return default


def secret_section(section: str) -> dict:
    """A whole section of secrets.toml as a plain dict ({} when absent)."""
    if _no_secrets_file():
        return {}
    try:
        return dict(st.secrets.get(section, {}))
    except Exception:  # noqa: BLE001
        return {}


def sso_configured() -> bool:
    if _no_secrets_file():
        return False
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001
        return False


def _cookie(name: str) -> str:
    try:
        value = st.context.cookies.get(name, "")
    except Exception:  # noqa: BLE001  no browser context (AppTest, a bare script)
        return ""
    return value if isinstance(value, str) else ""


def _cookie_token() -> str:
    return _cookie(sessions.COOKIE)


def this_browser_tokens() -> tuple[str, ...]:
    """The session tokens this browser holds (the page's and the cookie's): kept signed in when
    the person changes their own password."""
    return tuple(t for t in (str(st.session_state.get(TOKEN) or ""), _cookie_token()) if t)


def _sign_out_url(**query: str) -> str:
    """/api/session/end with this browser's sign-out token (from its pre-session cookie, which the
    websocket carried): a link on another site has no such token."""
    token = sessions.sign_out_token(_cookie(sessions.BROWSER_COOKIE))
    return "/api/session/end?" + urlencode({**query, "t": token})


_RESOLVED = "_plan_signed_in"  # kept on the run context: (that run's cursors dict, token, actor)


def signed_in_user() -> Actor | None:
    """The Actor for this browser, fresh from the database on every run; None when nobody is
    signed in (a reason for the sign-in page is left in session state). Resolved once per run:
    app.py's router and the page's own gate ask in the same run, and the second is answered by the
    first (for the same token); the next run (every click) resolves again."""
    page_token = str(st.session_state.get(TOKEN) or "")
    token = page_token or _cookie_token()
    ctx = get_script_run_ctx(suppress_warning=True)
    run = ctx.cursors if ctx is not None else None  # Streamlit gives every run a fresh dict
    kept = getattr(ctx, _RESOLVED, None)
    if token and kept is not None and kept[0] is run and kept[1] == token:
        downloads.remember(token)
        return kept[2]
    actor = _resolve(page_token, token)
    if actor is not None and ctx is not None:
        setattr(ctx, _RESOLVED, (run, st.session_state[TOKEN], actor))
    return actor


def _resolve(page_token: str, token: str) -> Actor | None:
    if not token and sso_configured() and st.user.get("is_logged_in", False):
        if st.user.get("email_verified") is False:  # the provider says it has not checked the address
            st.session_state["signin_message"] = ("Your organisation has not verified your e-mail address, so it "
                                                  "cannot sign you in here. Ask your IT service desk.")
            return None
        with session_scope() as session:
            outcome = sign_in_with_organisation(session, email=str(st.user.get("email", "")))
        if outcome.actor is None:
            st.session_state["signin_message"] = outcome.message
            return None
        begin(outcome.actor, method="oidc", next_path=current_path())
        token = st.session_state[TOKEN]
    if not token:
        downloads.remember(None)
        return None
    idle = settings.idle_minutes(secret("app", "idle_minutes"))
    try:  # every page run reads the session; it writes only now and then (last seen, revoked)
        with read_scope() as session:
            resolved = sessions.resolve(session, token=token, idle_minutes=idle)
    except WriteInReadScope:  # that time has come: again, with the write lock
        with session_scope() as session:
            resolved = sessions.resolve(session, token=token, idle_minutes=idle)
    if resolved.actor is None:
        _forget_browser_state()
        if resolved.reason:
            st.session_state["signin_message"] = resolved.reason
        if not page_token:  # the browser's cookie is dead: clear it, and say why after the reload
            _send_browser_to(_sign_out_url(ended=resolved.ended, next=current_path()))
        return None
    st.session_state[TOKEN] = token
    downloads.remember(token)
    return resolved.actor


def current_path() -> str:
    """Where this browser is: the page's path and its query string, to come back to after sign-in."""
    ctx = get_script_run_ctx()
    page = ""
    if ctx is not None:
        info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) or {}
        page = str(info.get("url_pathname") or "")
    # Every value of a key: /actions?rag=red&rag=amber comes back with both (to_dict keeps the last).
    query = urlencode([(key, value) for key in st.query_params if key != "signed_out"
                       for value in st.query_params.get_all(key)])
    path = "/" + ("" if page in ("", "home") else page)
    return path + (f"?{query}" if query else "")


def _send_browser_to(url: str) -> None:
    """Navigate the whole browser tab (what st.login and st.logout do to reach their routes)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    ctx.enqueue(message)


def begin(actor: Actor, *, method: str = "local", next_path: str = "/") -> None:
    """Sign `actor` in on this browser: a server-side session now, the cookie through /api/session."""
    with session_scope() as session:
        started = sessions.start(session, actor=actor, method=method, browser=_cookie(sessions.BROWSER_COOKIE))
    st.session_state[TOKEN] = started.token
    downloads.remember(started.token)
    _send_browser_to("/api/session?" + urlencode({"code": started.handover, "next": next_path}))


def end(actor: Actor | None, reason: str = "signed out") -> None:
    """Sign out: revoke the session, drop everything this browser session holds (prepared exports,
    forms, filters), forget the cookie, and end the single sign-on session too."""
    with session_scope() as session:
        sessions.end(session, tokens=[st.session_state.get(TOKEN, ""), _cookie_token()], actor=actor, reason=reason)
    _forget_browser_state()
    if sso_configured() and st.user.get("is_logged_in", False):
        st.logout()
    else:
        _send_browser_to(_sign_out_url())


def _forget_browser_state() -> None:
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None and hasattr(ctx, _RESOLVED):  # signed out in this run: never answered from the memo
        delattr(ctx, _RESOLVED)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    downloads.remember(None)
