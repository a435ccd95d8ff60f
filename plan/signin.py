"""Signing in: local accounts (argon2) and single sign-on (OIDC) mapped to a Person.

A wrong password, an unknown email and a disabled account get the same answer, and the same
work (a password check against the stored hash or a dummy one), so timing does not tell them
apart either. Failures are counted in the database per email (known or not), slowed down, and
after five in 15 minutes that email is refused for a while, whatever the password. Counting and
deciding is serialised per email (an advisory lock on PostgreSQL; SQLite's write lock), so
parallel guesses cannot all slip under the limit.

What was typed into the Email field is cleaned of control characters, and a string that is not
an email address (often a password typed in the wrong box) is never stored or shown as typed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, text
from sqlmodel import Session, select

from models import Person, SignInAttempt
from plan import audit
from plan.db import session_scope
from plan.identity import Actor
from plan.passwords import verify
from plan.text import clean
from plan.users import EMAIL, actor_for

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
WRONG = "That email and password do not match an account. Check them and try again."
LOCKED = ("Too many failed sign-ins for this email. Wait 15 minutes and try again, "
          "or ask the plan secretariat to reset your password.")
MAX_EMAIL = 320
NOT_AN_EMAIL = "(not an e-mail address)"  # stands for anything typed that is not an email: never echoed
SIGNIN_LOCK_CLASS = 7_412_827  # the first key of the per-email advisory lock (the second: hashtext(email))


@dataclass(frozen=True)
class SignInOutcome:
    actor: Actor | None
    message: str = ""
    delay_seconds: float = 0.0  # how long the caller waits before answering (after commit)


def _recent_failures(session: Session, email: str, now: datetime) -> int:
    last_success = session.exec(select(func.max(SignInAttempt.at)).where(
        SignInAttempt.email == email, SignInAttempt.succeeded.is_(True))).one()
    since = max(now - WINDOW, last_success) if last_success else now - WINDOW
    return int(session.exec(select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.email == email, SignInAttempt.succeeded.is_(False), SignInAttempt.at > since)).one())


def email_key(typed: object) -> str:
    """What an attempt is counted and audited under: the email cleaned of control characters and
    lower-cased; NOT_AN_EMAIL for anything that is not a well-formed email (so a password typed
    into the Email field is never stored or shown); "" when nothing was typed."""
    key = clean(typed, multiline=False).strip().lower()
    if not key:
        return ""
    return key if len(key) <= MAX_EMAIL and EMAIL.match(key) else NOT_AN_EMAIL


def _hold_email_lock(session: Session, key: str) -> None:
    """Serialise count-verify-record for one email until the transaction ends. On PostgreSQL an
    advisory lock on (SIGNIN_LOCK_CLASS, hashtext(email)): two-key locks never collide with the
    one-key setup lock. SQLite's transactions already hold the write lock (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:cls, hashtext(:key))"),
                                     {"cls": SIGNIN_LOCK_CLASS, "key": key})


def sign_in(session: Session, *, email: str, password: str, now: datetime | None = None) -> SignInOutcome:
    """Check a local sign-in and record the attempt (in the caller's transaction, which holds the
    email's lock until it commits)."""
    now = now or datetime.now(UTC)
    key = email_key(email)
    anonymous = Actor(None, key or "(no email)", "", Actor.public().role)
    _hold_email_lock(session, key)
    failures = _recent_failures(session, key, now)
    if failures >= MAX_FAILURES:
        session.add(SignInAttempt(email=key, at=now, succeeded=False))
        audit.record(session, actor=anonymous, event="signin.locked", entity="person", entity_key=key,
                     detail=f"{failures} failed attempts in the last 15 minutes")
        return SignInOutcome(None, LOCKED, delay_seconds=2.0)
    person = None
    if key != NOT_AN_EMAIL:
        person = session.exec(select(Person).where(Person.email == key)).first()
    stored = person.password_hash if person is not None and person.active else ""
    # Always check, against the dummy hash when there is no account: the same work either way.
    matched = verify(stored, password)
    if person is None or not matched:
        session.add(SignInAttempt(email=key, at=now, succeeded=False))
        audit.record(session, actor=anonymous, event="signin.failure", entity="person", entity_key=key,
                     detail=f"failed attempt {failures + 1}")
        return SignInOutcome(None, WRONG, delay_seconds=min(0.25 * 2**failures, 4.0))
    session.add(SignInAttempt(email=key, at=now, succeeded=True))
    person.last_signin_at = now
    actor = actor_for(person)
    audit.record(session, actor=actor, event="signin.success", entity="person", entity_key=key, detail="local")
    return SignInOutcome(actor)


def sign_in_and_wait(email: str, password: str) -> SignInOutcome:
    """The page's call: records the attempt, commits, then waits out the slow-down (outside the
    transaction, so a slowed attempt never holds the database)."""
    with session_scope() as session:
        outcome = sign_in(session, email=email, password=password)
    if outcome.delay_seconds:
        time.sleep(outcome.delay_seconds)
    return outcome


def sign_in_with_organisation(session: Session, *, email: str) -> SignInOutcome:
    """Single sign-on: the identity provider vouched for the email; our database gives the role."""
    key = clean(email, multiline=False).strip().lower()[:MAX_EMAIL]
    person = session.exec(select(Person).where(Person.email == key)).first()
    if person is None or not person.active:
        audit.record(session, actor=Actor(None, key, key, Actor.public().role), event="signin.no_account",
                     entity="person", entity_key=key, detail="oidc")
        return SignInOutcome(None, f"You are signed in as {key}, but that account has no access to this plan. "
                                   "Ask the plan secretariat to add you.")
    person.last_signin_at = datetime.now(UTC)
    actor = actor_for(person)
    audit.record(session, actor=actor, event="signin.success", entity="person", entity_key=key, detail="oidc")
    return SignInOutcome(actor)


def sign_out(session: Session, *, user: Actor, reason: str = "signed out") -> None:
    audit.record(session, actor=user, event="signin.end", entity="person", entity_key=user.email, detail=reason)
