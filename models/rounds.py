"""The update round, returned updates, due-date revisions, delegates, and what a round froze."""

from datetime import UTC, date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


class ActionDelegate(SQLModel, table=True):
    """A person named to update an action on its owner's behalf."""

    __tablename__ = "action_delegate"
    action_id: int = Field(foreign_key="action.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class UpdateRound(SQLModel, table=True):
    """A reporting period's call for updates: opened with a deadline, closed (frozen) before the meeting."""

    __tablename__ = "update_round"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    period: str = Field(max_length=20)
    deadline: date
    opened_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    opened_by: str = Field(default="", max_length=320)
    closed_at: datetime | None = None
    closed_by: str = Field(default="", max_length=320)


class RoundSnapshot(SQLModel, table=True):
    """Each action as it stood when its round closed: what the meeting sees."""

    __tablename__ = "round_snapshot"
    round_id: int = Field(foreign_key="update_round.id", primary_key=True)
    action_id: int = Field(foreign_key="action.id", primary_key=True)
    status_update_id: int | None = Field(default=None, foreign_key="status_update.id")
    rag: str = Field(max_length=20)
    delivery_status: str = Field(max_length=20)
    current_due_date: date | None = None
    updated_in_round: bool = False


class UpdateReturn(SQLModel, table=True):
    """The secretariat sent an update back to its owner with a note; the owner resubmits."""

    __tablename__ = "update_return"
    id: int | None = Field(default=None, primary_key=True)
    status_update_id: int = Field(foreign_key="status_update.id", index=True)
    note: str = Field(sa_type=Text)
    returned_by: str = Field(default="", max_length=320)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class DueDateRequest(SQLModel, table=True):
    """An owner asks to move an action's due date; the secretariat or a chair decides once."""

    __tablename__ = "due_date_request"
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    from_date: date | None = None
    requested_date: date
    reason: str = Field(sa_type=Text)
    requested_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    requested_by: str = Field(default="", max_length=320)
    requested_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    decision: str = Field(default="pending", max_length=10, index=True)  # pending, approved, declined
    decided_by: str = Field(default="", max_length=320)
    decided_at: datetime | None = None
    decision_note: str = Field(default="", sa_type=Text)


class IssuedReturn(SQLModel, table=True):
    """An offline update return the server made: who it is for and who made it. A completed
    return is applied only against this record (never what the workbook says about itself)."""

    __tablename__ = "issued_return"
    id: int | None = Field(default=None, primary_key=True)
    return_key: str = Field(max_length=32, unique=True)  # the random id written into the workbook
    plan_id: int = Field(foreign_key="plan.id", index=True)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id")  # a return for one owner
    agency_id: int | None = Field(default=None, foreign_key="agency.id")  # or for one lead agency
    made_for: str = Field(max_length=600)
    issued_by: str = Field(default="", max_length=320)
    issued_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class IssuedReturnAction(SQLModel, table=True):
    """One action of an issued return: the sheet row it was written on and its version then (the
    stale check compares the action's version now with this, not with the workbook's copy)."""

    __tablename__ = "issued_return_action"
    issued_return_id: int = Field(foreign_key="issued_return.id", primary_key=True)
    action_id: int = Field(foreign_key="action.id", primary_key=True)
    row: int
    version: int
