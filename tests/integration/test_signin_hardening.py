"""Sign-in and audit trail against attacks: parallel guesses still lock, control characters and
passwords typed as emails never reach the trail, unknown emails cost the same work, weak
passwords are refused, audit rows cannot be replaced (SQLite) or bypassed by the app's role
(PostgreSQL)."""

import io
import json
import os
import re
import subprocess
import sys
import uuid
from collections import Counter

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

import models
from plan import audit, migrate, passwords
from plan.backup import dump
from plan.db import reset_engines, session_scope
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.signin import LOCKED, MAX_FAILURES, NOT_AN_EMAIL, WRONG, sign_in
from plan.users import add_user, update_user
from tests.conftest import PG_SERVER, ROOT

PASSWORD = "tall ships and bright stars"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@pytest.fixture
def account(database: str) -> str:
    """An empty, migrated database (both backends) with one local account."""
    migrate.upgrade()
    with session_scope() as session:
        add_user(session, user=Actor.system(), email="owner@nhs.net", name="Olu Owner", role="owner",
                 password=PASSWORD)
    return "owner@nhs.net"


def _try(email: str, password: str):  # noqa: ANN202
    with session_scope() as session:
        return sign_in(session, email=email, password=password)


def _audit_rows() -> list[models.AuditEvent]:
    with session_scope() as session:
        return list(session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id)).scalars())


# --- 2. parallel guesses from several processes still lock the email -------------------------

_GUESSER = """
import json, sys, threading
from plan.db import session_scope
from plan.passwords import _dummy_hash
from plan.signin import sign_in

email, password, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
_dummy_hash()
with session_scope() as session:  # connect before the start, so every guess starts together
    session.connection()
print("ready", flush=True)
sys.stdin.readline()
start, answers = threading.Barrier(threads), []

def guess():
    start.wait()
    with session_scope() as session:
        answers.append(sign_in(session, email=email, password=password).message)

workers = [threading.Thread(target=guess) for _ in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print(json.dumps(answers), flush=True)
"""


def _guess_in_parallel(email: str, password: str, processes: int, threads: int) -> list[str]:
    guessers = [subprocess.Popen([sys.executable, "-c", _GUESSER, email, password, str(threads)], cwd=ROOT,
                                 env=dict(os.environ), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    for g in guessers:  # all connected and warmed up: then all go at once
        assert g.stdout.readline().strip() == "ready", g.stderr.read()
    for g in guessers:
        g.stdin.write("go\n")
        g.stdin.flush()
    answers: list[str] = []
    for g in guessers:
        out, err = g.communicate(timeout=120)
        assert g.returncode == 0, err
        answers += json.loads(out.splitlines()[-1])
    return answers


def test_parallel_wrong_guesses_from_several_processes_still_lock_the_email(account) -> None:
    answers = _guess_in_parallel(account, "a wrong guess at the password", processes=3, threads=4)
    assert Counter(answers) == {WRONG: MAX_FAILURES, LOCKED: 12 - MAX_FAILURES}
    # locked: even the right password is refused now
    assert _try(account, PASSWORD).message == LOCKED
    with session_scope() as session:
        failures = session.execute(select(func.count()).select_from(models.SignInAttempt).where(
            models.SignInAttempt.email == account, models.SignInAttempt.succeeded.is_(False))).scalar_one()
    assert failures == 13


# --- 7. control characters and NUL in the email never reach the database ----------------------

@pytest.mark.parametrize("typed", [
    "\x00", "owner@nhs.net\x00", "\x01\x1bowner@nhs.net", "\x1b[31mghost@nowhere.org\x1b[0m",
    "ghost\x00@nowhere.org", "\u200bowner@nhs.net", "owner@nhs.net\x9b2J",
])
def test_control_characters_in_the_email_never_reach_the_audit_trail(account, typed: str) -> None:
    outcome = _try(typed, "a wrong guess at the password\x00\x1b")
    assert outcome.actor is None and outcome.message == WRONG
    with session_scope() as session:
        workbook = audit.export_events(session, user=Actor.system(), marking="OFFICIAL-SENSITIVE")
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert any(row[2] == "signin.failure" for row in sheet.iter_rows(values_only=True))
    for row in _audit_rows():
        for value in (row.actor, row.entity_key, row.detail, row.before, row.after):
            assert not CONTROL.search(value), (row.event, value)
    with session_scope() as session:
        keys = session.execute(select(models.SignInAttempt.email)).scalars().all()
    assert keys and not any(CONTROL.search(k) for k in keys)


def test_control_characters_cannot_dodge_the_lockout(account) -> None:
    for typed in ("owner@nhs.net\x00", "\u200bOWNER@nhs.net", " owner@nhs.net\x1b", "owner@nhs.net\u202e",
                  "owner@nhs.net"):
        assert _try(typed, "a wrong guess at the password").message == WRONG
    assert _try("owner@nhs.net\x00", PASSWORD).message == LOCKED


# --- 9. an unknown email costs the same work as a wrong password ------------------------------

class _CountingHasher:
    def __init__(self, real) -> None:  # noqa: ANN001
        self.real, self.checked = real, []

    def verify(self, stored: str, password: str) -> bool:
        self.checked.append(stored)
        return self.real.verify(stored, password)

    def hash(self, password: str) -> str:
        return self.real.hash(password)


@pytest.mark.parametrize("case", ["unknown email", "wrong password", "disabled account", "not an email",
                                  "right password"])
def test_every_sign_in_checks_exactly_one_password_hash(account, monkeypatch, case: str) -> None:
    if case == "disabled account":
        with session_scope() as session:
            update_user(session, user=Actor.system(), email=account, active=False)
    hasher = _CountingHasher(passwords._HASHER)
    monkeypatch.setattr(passwords, "_HASHER", hasher)
    email, password = {"unknown email": ("nobody@nowhere.org", "a wrong guess"),
                       "wrong password": (account, "a wrong guess"),
                       "disabled account": (account, PASSWORD),
                       "not an email": ("just some words", "a wrong guess"),
                       "right password": (account, PASSWORD)}[case]
    outcome = _try(email, password)
    assert (outcome.actor is not None) == (case == "right password")
    assert len(hasher.checked) == 1
    if case in ("unknown email", "disabled account", "not an email"):
        assert hasher.checked == [passwords._dummy_hash()]


# --- 12. a password typed into the Email field is never stored or shown -----------------------

def test_a_password_typed_as_the_email_is_not_stored_or_shown(account) -> None:
    secret = "my secret harbour passphrase"
    for _ in range(MAX_FAILURES):
        assert _try(secret, secret).message == WRONG
    with session_scope() as session:
        shown, total = audit.list_events(session, user=Actor.system(),
                                         filters=audit.AuditFilter(event_prefix="signin."))
    assert total == MAX_FAILURES
    assert {(r["actor"], r["entity_key"]) for r in shown} == {(NOT_AN_EMAIL, NOT_AN_EMAIL)}
    assert secret not in json.dumps(dump(), default=str)
    # still counted (under one key for everything that is not an email), so it locks as well
    assert _try(secret, secret).message == LOCKED
    assert _try("another password typed as email", "x").message == LOCKED
    assert _try(account, PASSWORD).actor is not None  # a real email is not affected
    assert "another password typed" not in json.dumps(dump(), default=str)


# --- 11. weak passwords are refused when accounts are made -----------------------------------

@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "password1234", " " * 12])
def test_a_weak_password_is_refused_and_no_account_is_made(account, weak: str) -> None:
    with session_scope() as session, pytest.raises(InvalidInput, match="Choose three or four unrelated words"):
        add_user(session, user=Actor.system(), email="weak@nhs.net", name="Wendy Weak", role="viewer",
                 password=weak)
    with session_scope() as session:
        assert session.execute(select(models.Person).where(models.Person.email == "weak@nhs.net")).first() is None


# --- 8. audit rows cannot be replaced (SQLite) ------------------------------------------------

_COLUMNS = "id, at, actor, event, entity, entity_key, before, after, detail, restricted"
_FORGED = "(1, '2026-01-01 00:00:00', 'forger', 'test.event', '', '', '', '', 'forged', 0)"


@pytest.mark.parametrize("verb", ["REPLACE INTO", "INSERT OR REPLACE INTO"])
def test_sqlite_audit_rows_cannot_be_replaced(sqlite_url, verb: str) -> None:
    migrate.upgrade()
    with session_scope() as session:
        audit.record(session, actor=Actor.system(), event="test.event", detail="original")
    with pytest.raises(DBAPIError, match="append-only: an audit row cannot be replaced"), \
            session_scope() as session:
        session.execute(text(f"{verb} audit_event ({_COLUMNS}) VALUES {_FORGED}"))
    with session_scope() as session:
        audit.record(session, actor=Actor.system(), event="test.event", detail="second")  # appending still works
        session.execute(text(f"INSERT INTO audit_event ({_COLUMNS}) VALUES {_FORGED.replace('(1,', '(7,')}"))
    assert [(r.id, r.actor, r.detail) for r in _audit_rows()] == [
        (1, "system", "original"), (2, "system", "second"), (7, "forger", "forged")]


# --- 8. on PostgreSQL the app runs as a role that cannot bypass the audit triggers -----------

@pytest.fixture
def app_role(postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys):  # noqa: ANN001, ANN201
    """The plan migrated and seeded by the owner, and a LOGIN role (trust auth) granted with the
    command line; yields (role, what the command printed). The role is dropped afterwards."""
    from plan.cli import main as cli
    from plan.setup import forget_ready, init

    init()
    role = f"plan_app_{uuid.uuid4().hex[:10]}"
    owner = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
    try:
        assert cli(["grant-app-role", role]) == 0
        printed = capsys.readouterr().out
        monkeypatch.setenv("PLAN_DATABASE_URL", postgres_url.replace("://postgres@", f"://{role}@", 1))
        reset_engines()
        forget_ready()
        yield role, printed
    finally:
        reset_engines()
        with owner.connect() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))  # its grants
            connection.execute(text(f"DROP ROLE {role}"))
        owner.dispose()


def test_postgres_app_role_does_the_work_but_cannot_touch_the_audit_trail(app_role) -> None:
    from plan.plans import plan_frame
    from plan.setup import init
    from plan.updates import record_update
    from plan.users import assign_owner, set_delegate

    role, printed = app_role
    assert "no UPDATE or DELETE on alembic_version (SELECT), audit_event (SELECT INSERT)" in printed
    assert init() == ("southend-vv", False)  # the app's first-start check runs as the role
    before = len(_audit_rows())
    system = Actor.system("app role test")
    with session_scope() as session:
        assert session.execute(text("SELECT current_user")).scalar_one() == role
        plan_id = plan_frame(session).id
        add_user(session, user=system, email="owner@nhs.net", name="Olu Owner", role="owner", password=PASSWORD)
    with session_scope() as session:
        assign_owner(session, user=system, plan_id=plan_id, ref="1.1", email="owner@nhs.net")
        set_delegate(session, user=system, plan_id=plan_id, ref="1.1", email="owner@nhs.net")
        set_delegate(session, user=system, plan_id=plan_id, ref="1.1", email="owner@nhs.net", named=False)
        record_update(session, user=system, plan_id=plan_id, ref="1.1", rag="green", delivery_status="in_progress",
                      commentary="Started on time.")
    assert _try("owner@nhs.net", PASSWORD).actor is not None
    assert _try("owner@nhs.net", "a wrong guess").message == WRONG
    assert len(_audit_rows()) == before + 7
    for statement in ("UPDATE audit_event SET detail = 'changed'", "DELETE FROM audit_event",
                      "TRUNCATE audit_event", "ALTER TABLE audit_event DISABLE TRIGGER ALL",
                      "DROP TRIGGER audit_event_no_edit ON audit_event", "DROP TABLE audit_event",
                      "DELETE FROM signin_attempt", "UPDATE signin_attempt SET succeeded = true",
                      "CREATE TABLE audit_event_copy (id int)"):
        with pytest.raises(DBAPIError, match="permission denied|must be owner"), session_scope() as session:
            session.execute(text(statement))
    assert len(_audit_rows()) == before + 7


def test_grant_app_role_refuses_sqlite_unknown_roles_and_the_owner(database: str, capsys) -> None:
    from plan.cli import main as cli

    migrate.upgrade()
    if database.startswith("sqlite"):
        assert cli(["grant-app-role", "plan_app"]) == 1
        assert "PostgreSQL feature" in capsys.readouterr().err
        return
    assert cli(["grant-app-role", f"no_such_role_{uuid.uuid4().hex[:8]}"]) == 1
    assert "There is no database role" in capsys.readouterr().err
    assert cli(["grant-app-role", "postgres"]) == 1  # the owner, and a superuser
    assert "superuser" in capsys.readouterr().err
    assert cli(["grant-app-role", "x; DROP TABLE person"]) == 1
    assert "not a role name" in capsys.readouterr().err
