"""Signed-in sessions (plan/sessions.py), on both databases: the handover works once, the token is
stored only as a hash, and a session ends for sign-out, idleness, expiry and a disabled account."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from models import SignInSession
from plan import sessions
from plan.db import session_scope
from plan.users import update_user


def _start(actor, now=None):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return sessions.start(session, actor=actor, now=now)


def _resolve(token, now=None, idle=30):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return sessions.resolve(session, token=token, idle_minutes=idle, now=now)


def test_the_handover_code_gives_the_cookie_once_and_the_page_token_then_stops(seeded, people) -> None:
    started = _start(people["chair"])
    assert _resolve(started.token).actor.email == people["chair"].email
    with session_scope() as session:
        cookie = sessions.take_handover(session, code=started.handover)
    with session_scope() as session:
        assert sessions.take_handover(session, code=started.handover) is None  # used
    assert cookie and _resolve(cookie).actor.name == "Chris Chair"
    assert _resolve(started.token).actor is None  # rotated: the only live copy is the browser's cookie
    with session_scope() as session:
        stored = session.exec(select(SignInSession)).one()
    assert cookie not in (stored.token_hash, stored.handover_hash) and len(stored.token_hash) == 64


def test_a_stale_handover_code_gives_nothing(seeded, people) -> None:
    started = _start(people["chair"], now=datetime.now(UTC) - timedelta(minutes=5))
    with session_scope() as session:
        assert sessions.take_handover(session, code=started.handover) is None


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
