"""Signed-in sessions that survive a reload or a second tab, and end when they should.

A sign-in makes a random token (the browser keeps it in an HttpOnly cookie; the database keeps
only its SHA-256). Every page run resolves the token again, so sign-out, a disabled account, a
removed role or clearance, the idle time-out and the absolute expiry all take effect on the
next click. The token is never the password or the person's id.

The browser gets its cookie through a one-time handover code: the page that signed the user in
sends the browser to the server's /api/session route with the code; that route swaps it (once,
within a minute) for the token and sets the cookie. The code alone is useless after that.

The code is bound to the browser that asked for it: server.py gives every browser a random
pre-session cookie (BROWSER_COOKIE, HttpOnly) before anyone signs in, the sign-in stores the code's
hash together with that cookie's value, and the swap finds the code only with the same cookie. So
a code planted in another browser (login CSRF: another site sends the victim to /api/session with
the attacker's code) finds nothing, and the victim is not signed in as the attacker. Sign-out
carries a token derived from the same cookie (sign_out_token), so another site cannot end a session
by sending the browser to /api/session/end either.
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
BROWSER_COOKIE = "plan_browser"  # the pre-session cookie a handover code and a sign-out are bound to
HANDOVER_SECONDS = 60
ABSOLUTE_HOURS = 12  # a working day; then sign in again, however active


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _bound(code: str, browser: str) -> str:
    """What is stored for a handover code: its hash with the browser's pre-session cookie."""
    return _hash(f"{code}|{browser}")


def new_browser_value() -> str:
    return secrets.token_urlsafe(32)


def sign_out_token(browser: str) -> str:
    """The token a sign-out link carries: derived from the browser's HttpOnly pre-session cookie,
    which another site can neither read nor guess. "" when the browser has none."""
    return _hash(f"sign-out|{browser}")[:32] if browser else ""


def sign_out_allowed(*, token: str, browser: str) -> bool:
    expected = sign_out_token(browser)
    return bool(expected) and secrets.compare_digest(expected, token or "")


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


def start(session: Session, *, actor: Actor, method: str = "local", browser: str = "",
          now: datetime | None = None) -> Started:
    """A new signed-in session for `actor` (already checked by sign-in), its handover code bound to
    `browser` (the pre-session cookie of the browser signing in; without one the code can never be
    swapped, and only the signing-in page holds the session)."""
    if actor.person_id is None:
        raise ValueError("only a person's account can hold a session")
    now = now or datetime.now(UTC)
    token, handover = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.add(SignInSession(
        token_hash=_hash(token), handover_hash=_bound(handover, browser),
        handover_expires_at=now + timedelta(seconds=HANDOVER_SECONDS), person_id=actor.person_id,
        method=method, created_at=now, last_seen_at=now, expires_at=now + timedelta(hours=ABSOLUTE_HOURS)))
    return Started(token=token, handover=handover)


def take_handover(session: Session, *, code: str, browser: str, now: datetime | None = None) -> str | None:
    """Swap a handover code for the cookie's token, once, in the browser it was made for (`browser`:
    the request's pre-session cookie). None if the code is unknown, used, stale or another
    browser's. The token rotates: the one the signing-in page held stops working, so the only live
    copy is the browser's HttpOnly cookie."""
    if not code or not browser:
        return None
    now = now or datetime.now(UTC)
    row = session.exec(select(SignInSession).where(SignInSession.handover_hash == _bound(code, browser))
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


def revoke_all(session: Session, *, person_id: int, reason: str, keep: tuple[str, ...] = ()) -> int:
    """End every session of a person (account disabled, password reset), but those whose token is
    in `keep` (the browser changing its own password). Returns how many."""
    now = datetime.now(UTC)
    query = update(SignInSession).where(SignInSession.person_id == person_id, SignInSession.revoked_at.is_(None))
    kept = [_hash(t) for t in keep if t]
    if kept:
        query = query.where(SignInSession.token_hash.not_in(kept))
    result = session.execute(query
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
