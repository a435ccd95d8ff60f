"""The audit trail and sign-in attempts: appended only (the database refuses edits too)."""

from datetime import UTC, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC), index=True)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    actor: str = Field(default="", max_length=320)  # name and email as they were at the time
    event: str = Field(max_length=60, index=True)  # e.g. action.update, user.create, signin.failure
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)
    entity: str = Field(default="", max_length=60)  # action, person, plan, audit_event ...
    entity_key: str = Field(default="", max_length=320)  # the action's ref, the person's email ...
    before: str = Field(default="", sa_type=Text)  # JSON of the changed fields, before
    after: str = Field(default="", sa_type=Text)  # ... and after
    detail: str = Field(default="", sa_type=Text)
    # About a restricted action: before/after/detail are shown only to cleared users.
    restricted: bool = Field(default=False)


class SignInAttempt(SQLModel, table=True):
    """Every local sign-in attempt, known email or not, so failures are counted the same way."""

    __tablename__ = "signin_attempt"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC), index=True)
    succeeded: bool = False


class SignInSession(SQLModel, table=True):
    """A signed-in browser: the random token its cookie holds is stored only as a hash, so a
    copy of the database signs nobody in. Revoked at sign-out, when the account is disabled,
    and treated as ended after the idle time-out or its absolute expiry."""

    __tablename__ = "signin_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    # A one-time code that the browser swaps for the cookie (one minute, then useless).
    handover_hash: str | None = Field(default=None, max_length=64, unique=True)
    handover_expires_at: datetime | None = None
    person_id: int = Field(foreign_key="person.id", index=True)
    method: str = Field(default="local", max_length=20)  # local, oidc
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    last_seen_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str = Field(default="", max_length=200)
