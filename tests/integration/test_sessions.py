"""Signed-in sessions (plan/sessions.py), on both databases: the handover works once, the token is
stored only as a hash, and a session ends for sign-out, idleness, expiry and a disabled account."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from models import SignInSession
from plan import sessions
from plan.db import session_scope
from plan.users import update_user

BROWSER = "the-browser-that-signed-in"


def _start(actor, now=None, browser=BROWSER):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return sessions.start(session, actor=actor, now=now, browser=browser)


def _resolve(token, now=None, idle=30):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return sessions.resolve(session, token=token, idle_minutes=idle, now=now)


def test_the_handover_code_gives_the_cookie_once_and_the_page_token_then_stops(seeded, people) -> None:
    started = _start(people["chair"])
    assert _resolve(started.token).actor.email == people["chair"].email
    with session_scope() as session:
        cookie = sessions.take_handover(session, code=started.handover, browser=BROWSER)
    with session_scope() as session:
        assert sessions.take_handover(session, code=started.handover, browser=BROWSER) is None  # used
    assert cookie and _resolve(cookie).actor.name == "Chris Chair"
    assert _resolve(started.token).actor is None  # rotated: the only live copy is the browser's cookie
    with session_scope() as session:
        stored = session.exec(select(SignInSession)).one()
    assert cookie not in (stored.token_hash, stored.handover_hash) and len(stored.token_hash) == 64


def test_a_handover_code_works_only_in_the_browser_that_asked_for_it(seeded, people) -> None:
    """Login CSRF: an attacker's code sent to another browser (another pre-session cookie, or none)
    signs that browser in as nobody, and stays unused."""
    started = _start(people["chair"])
    with session_scope() as session:
        assert sessions.take_handover(session, code=started.handover, browser="a-victim's-browser") is None
        assert sessions.take_handover(session, code=started.handover, browser="") is None
    with session_scope() as session:
        assert sessions.take_handover(session, code=started.handover, browser=BROWSER)
    no_cookie = _start(people["chair"], browser="")
    with session_scope() as session:
        assert sessions.take_handover(session, code=no_cookie.handover, browser="") is None


def test_sign_out_needs_the_token_of_the_browser_signing_out() -> None:
    token = sessions.sign_out_token(BROWSER)
    assert sessions.sign_out_allowed(token=token, browser=BROWSER)
    assert not sessions.sign_out_allowed(token=token, browser="another browser")
    assert not sessions.sign_out_allowed(token="", browser=BROWSER)
    assert not sessions.sign_out_allowed(token="", browser="")
    assert BROWSER not in token


def test_a_stale_handover_code_gives_nothing(seeded, people) -> None:
    started = _start(people["chair"], now=datetime.now(UTC) - timedelta(minutes=5))
    with session_scope() as session:
        assert sessions.take_handover(session, code=started.handover, browser=BROWSER) is None


def test_sign_out_idle_expiry_and_disabling_end_a_session(seeded, people) -> None:
    now = datetime.now(UTC)
    signed_out = _start(people["viewer"])
    with session_scope() as session:
        sessions.end(session, tokens=[signed_out.token], actor=people["viewer"])
    assert _resolve(signed_out.token).actor is None and _resolve(signed_out.token).ended == "ended"

    idle = _start(people["viewer"], now=now - timedelta(minutes=31))
    assert _resolve(idle.token, now=now).ended == "idle"
    assert _resolve(idle.token, now=now).actor is None  # stays ended after the moment passes

    old = _start(people["viewer"], now=now - timedelta(hours=sessions.ABSOLUTE_HOURS, minutes=1))
    assert _resolve(old.token, now=now - timedelta(minutes=1), idle=10**6).ended == "expired"

    live = _start(people["viewer"])
    assert _resolve(live.token).actor is not None
    with session_scope() as session:
        update_user(session, user=people["admin"], email=people["viewer"].email, active=False)
    assert _resolve(live.token).actor is None
    assert _resolve("not-a-token").actor is None and _resolve("not-a-token").ended == ""


def test_a_changed_role_takes_effect_on_the_next_run(seeded, people) -> None:
    live = _start(people["viewer"])
    with session_scope() as session:
        update_user(session, user=people["admin"], email=people["viewer"].email, role="chair")
    assert _resolve(live.token).actor.role.value == "chair"


def test_changing_ones_own_password_ends_ones_other_sessions(seeded, people) -> None:
    """Issue 20, item 10: a session stolen before the change must not outlive it; the browser that
    changed the password stays signed in."""
    from plan.users import set_password

    here, elsewhere = _start(people["admin"]), _start(people["admin"])
    with session_scope() as session:
        set_password(session, user=people["admin"], email=people["admin"].email,
                     password="harbour lights at low tide", keep=(here.token,))
    assert _resolve(here.token).actor is not None
    assert _resolve(elsewhere.token).actor is None
