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
