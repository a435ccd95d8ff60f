"""Sign-in: same answer for a wrong password and an unknown user, counted and slowed failures,
no clear passwords anywhere. The audit trail cannot be edited, even with SQL."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import models
from plan import audit
from plan.backup import dump
from plan.db import session_scope
from plan.identity import Actor
from plan.signin import LOCKED, WRONG, sign_in
from plan.users import add_user, update_user

PASSWORD = "tall ships and bright stars"
NOW = datetime(2026, 11, 28, 10, tzinfo=UTC)


@pytest.fixture
def account(seeded) -> str:
    with session_scope() as session:
        add_user(session, user=Actor.system(), email="Owner@NHS.net", name="Olu Owner", role="owner",
                 password=PASSWORD)
    return "owner@nhs.net"


def _try(email: str, password: str, at: datetime = NOW):  # noqa: ANN202
    with session_scope() as session:
        return sign_in(session, email=email, password=password, now=at)


def test_a_right_password_signs_in_with_the_role_from_the_database(account) -> None:
    outcome = _try(" OWNER@nhs.net ", PASSWORD)
    assert outcome.actor is not None
    assert (outcome.actor.email, outcome.actor.role.value) == ("owner@nhs.net", "owner")


def test_wrong_password_unknown_user_and_disabled_account_get_the_same_answer(account) -> None:
    wrong = _try(account, "not the password")
    unknown = _try("nobody@nowhere.org", "not the password")
    with session_scope() as session:
        update_user(session, user=Actor.system(), email=account, active=False)
    disabled = _try(account, PASSWORD)
    assert wrong.actor is unknown.actor is disabled.actor is None
    assert wrong.message == unknown.message == disabled.message == WRONG


def test_failures_are_counted_slowed_and_locked(account) -> None:
    delays = [_try(account, "guess", NOW + timedelta(seconds=i)).delay_seconds for i in range(5)]
    assert delays == [0.25, 0.5, 1.0, 2.0, 4.0]
    locked = _try(account, PASSWORD, NOW + timedelta(minutes=1))
    assert locked.actor is None and locked.message == LOCKED
    # an unknown email is locked the same way, so locking tells nothing about who has an account
    for i in range(5):
        _try("nobody@nowhere.org", "guess", NOW + timedelta(seconds=i))
    assert _try("nobody@nowhere.org", "guess", NOW + timedelta(minutes=1)).message == LOCKED
    # after the window, the right password works and clears the count
    assert _try(account, PASSWORD, NOW + timedelta(minutes=20)).actor is not None
    assert _try(account, "guess", NOW + timedelta(minutes=21)).delay_seconds == 0.25
    with session_scope() as session:
        events = [e.event for e in session.execute(select(models.AuditEvent).where(
            models.AuditEvent.entity_key == account)).scalars()]
    assert events.count("signin.failure") == 6 and events.count("signin.locked") == 1
    assert events.count("signin.success") == 1


def test_passwords_are_never_stored_or_logged_in_clear(account, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # statements and their parameters
    try:
        _try(account, PASSWORD)
        _try(account, "a wrong password that is long")
        with session_scope() as session:
            add_user(session, user=Actor.system(), email="second@nhs.net", name="Second", role="viewer",
                     password="another secret passphrase")
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    everything = json.dumps(dump(), default=str)
    for secret in (PASSWORD, "a wrong password that is long", "another secret passphrase"):
        assert secret not in everything
        assert secret not in caplog.text
    assert "$argon2id$" in everything
    assert "INSERT INTO" in caplog.text  # the log was on: the check above could have failed


def test_the_audit_trail_cannot_be_edited_even_with_sql(seeded) -> None:
    with session_scope() as session:
        audit.record(session, actor=Actor.system(), event="test.event", detail="original")
    for statement in ("UPDATE audit_event SET detail = 'changed'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), session_scope() as session:
            session.execute(text(statement))
    with session_scope() as session:
        details = [e.detail for e in session.execute(select(models.AuditEvent)).scalars()]
    assert "original" in details and "changed" not in details


def test_every_change_is_audited_with_before_and_after(seeded, people) -> None:
    with session_scope() as session:
        update_user(session, user=people["admin"], email="viewer@thurrock.gov.uk", role="chair")
    with session_scope() as session:
        rows, _ = audit.list_events(session, user=people["admin"],
                                    filters=audit.AuditFilter(event_prefix="user.role_change"))
    assert rows[0]["actor"] == "Sam Secretariat <secretariat@southend.gov.uk>"
    assert json.loads(rows[0]["before"]) == {"role": "viewer"}
    assert json.loads(rows[0]["after"]) == {"role": "chair"}


def test_an_admin_cannot_lock_themselves_out(seeded, people) -> None:
    from plan.errors import InvalidInput

    with session_scope() as session, pytest.raises(InvalidInput, match="cannot remove your own admin role"):
        update_user(session, user=people["admin"], email=people["admin"].email, role="viewer")
