"""Agencies and people. Shared by every plan in a deployment: one police force, one person."""

from datetime import UTC, date, datetime

from sqlmodel import Field, SQLModel


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    # council, police, nhs, education, voluntary, neighbouring_area, other (see plan/vocab.py)
    kind: str = Field(max_length=40)
    # Which specified authority of the Serious Violence Duty the agency is, or None (see
    # plan/strategy/authorities.py): police, fire_and_rescue, integrated_care_board, ...
    specified_authority: str | None = Field(default=None, max_length=40)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, unique=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    # admin, chair, owner, contributor, viewer (see plan/vocab.py)
    role: str = Field(default="viewer", max_length=20)
    cleared_for_restricted: bool = Field(default=False)
    active: bool = Field(default=True)
    # When they left their post: their actions show as orphaned until reassigned.
    left_on: date | None = None
    # argon2 hash for local sign-in; empty for people who sign in through the organisation (OIDC)
    password_hash: str = Field(default="", max_length=200)
    # The app's e-mails about their own work (plan.notify); they may switch them off.
    email_notifications: bool = Field(default=True)
    last_signin_at: datetime | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
