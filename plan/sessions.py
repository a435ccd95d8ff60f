"""Signed-in sessions that survive a reload or a second tab, and end when they should.

A sign-in makes a random token (the browser keeps it in an HttpOnly cookie; the database keeps
only its SHA-256). Every page run resolves the token again, so sign-out, a disabled account, a
removed role or clearance, the idle time-out and the absolute expiry all take effect on the
next click. The token is never the password or the person's id.

The browser gets its cookie through a one-time handover code: the page that signed the user in
sends the browser to the server's /api/session route with the code; that route swaps it (once,
within a minute) for the token and sets the cookie. The code alone is useless after that.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from models import Person, SignInSession
from plan import audit
from plan.identity import Actor
from plan.users import actor_for

COOKIE = "plan_session"
HANDOVER_SECONDS = 60
ABSOLUTE_HOURS = 12  # a working day; then sign in again, however active


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Started:
    token: str  # for this server's own use (the Streamlit session); never shown
    handover: str  # the one-time code the browser swaps for its cookie


# Why a session ended, as a short code (it travels in a URL) and in words for the sign-in page.
ENDED = {
    "idle": "You were signed out after a while without activity. Sign in again.",
    "disabled": "Your account is no longer active. Ask the plan secretariat.",
    "expired": f"You were signed out after {ABSOLUTE_HOURS} hours. Sign in again.",
    "ended": "",  # signed out, here or in another tab: nothing to explain
}


@dataclass(frozen=True)
class Resolved:
    actor: Actor | None
    ended: str = ""  # a key of ENDED when a session was found but has ended; "" when there was none

    @property
    def reason(self) -> str:
        return ENDED.get(self.ended, "")


def start(session: Session, *, actor: Actor, method: str = "local", now: datetime | None = None) -> Started:
    """A new signed-in session for `actor` (already checked by sign-in)."""
    if actor.person_id is None:
        raise ValueError("only a person's account can hold a session")
    now = now or datetime.now(UTC)
    token, handover = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.add(SignInSession(
        token_hash=_hash(token), handover_hash=_hash(handover),
        handover_expires_at=now + timedelta(seconds=HANDOVER_SECONDS), person_id=actor.person_id,
        method=method, created_at=now, last_seen_at=now, expires_at=now + timedelta(hours=ABSOLUTE_HOURS)))
    return Started(token=token, handover=handover)


def take_handover(session: Session, *, code: str, now: datetime | None = None) -> str | None:
    """Swap a handover code for the cookie's token, once. None if the code is unknown, used or
    stale. The token rotates: the one the signing-in page held stops working, so the only live
    copy is the browser's HttpOnly cookie."""
    now = now or datetime.now(UTC)
    row = session.exec(select(SignInSession).where(SignInSession.handover_hash == _hash(code or ""))
                       .with_for_update()).first()
    if row is None or row.revoked_at is not None or row.handover_expires_at is None:
        return None
    expires = _aware(row.handover_expires_at)
    row.handover_hash, row.handover_expires_at = None, None  # used, whatever happens next
    if expires < now:
        return None
    cookie = secrets.token_urlsafe(32)
    row.token_hash, row.last_seen_at = _hash(cookie), now
    return cookie


def resolve(session: Session, *, token: str | None, idle_minutes: int, now: datetime | None = None) -> Resolved:
    """The Actor a token signs in, fresh from the database, or why not. Ends (revokes) a session
    found idle or expired, so it cannot come back."""
    if not token:
        return Resolved(None)
    now = now or datetime.now(UTC)
    row = session.exec(select(SignInSession).where(SignInSession.token_hash == _hash(token))).first()
    if row is None:
        return Resolved(None)
    if row.revoked_at is not None:
        return Resolved(None, _ended_code(row.revoked_reason))
    person = session.get(Person, row.person_id)
    if person is None or not person.active:
        _revoke(session, row, now, "account disabled")
        return Resolved(None, "disabled")
    if _aware(row.expires_at) <= now:
        _revoke(session, row, now, "expired")
        return Resolved(None, "expired")
    if now - _aware(row.last_seen_at) > timedelta(minutes=idle_minutes):
        _revoke(session, row, now, f"idle for {idle_minutes} minutes")
        return Resolved(None, "idle")
    if now - _aware(row.last_seen_at) > timedelta(seconds=30):  # one write a half-minute, not one a click
        row.last_seen_at = now
    return Resolved(actor_for(person))


def _ended_code(reason: str) -> str:
    for code, start in (("idle", "idle"), ("disabled", "account disabled"), ("expired", "expired")):
        if reason.startswith(start):
            return code
    return "ended"


def _revoke(session: Session, row: SignInSession, now: datetime, reason: str) -> None:
    row.revoked_at, row.revoked_reason = now, reason[:200]
    row.handover_hash, row.handover_expires_at = None, None


def end(session: Session, *, tokens: list[str], actor: Actor | None, reason: str = "signed out") -> None:
    """Sign-out: revoke every token this browser holds (the page's and the cookie's), and record it."""
    now = datetime.now(UTC)
    hashes = [_hash(t) for t in tokens if t]
    if hashes:
        session.execute(update(SignInSession).where(SignInSession.token_hash.in_(hashes),
                                                    SignInSession.revoked_at.is_(None))
                        .values(revoked_at=now, revoked_reason=reason[:200], handover_hash=None,
                                handover_expires_at=None))
    if actor is not None:
        audit.record(session, actor=actor, event="signin.end", entity="person", entity_key=actor.email, detail=reason)


def revoke_all(session: Session, *, person_id: int, reason: str) -> int:
    """End every session of a person (account disabled, password reset). Returns how many."""
    now = datetime.now(UTC)
    result = session.execute(update(SignInSession).where(SignInSession.person_id == person_id,
                                                         SignInSession.revoked_at.is_(None))
                             .values(revoked_at=now, revoked_reason=reason[:200], handover_hash=None,
                                     handover_expires_at=None))
    return int(result.rowcount or 0)


def is_live(session: Session, *, token: str, now: datetime | None = None) -> bool:
    """Whether a token still signs someone in (not revoked or expired, account active); no writes."""
    now = now or datetime.now(UTC)
    row = session.exec(select(SignInSession).where(SignInSession.token_hash == _hash(token or ""))).first()
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now:
        return False
    person = session.get(Person, row.person_id)
    return person is not None and person.active
