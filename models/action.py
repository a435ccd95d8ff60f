"""The action: the unit the plan is tracked by."""

from datetime import UTC, date, datetime

from sqlalchemy import Column, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# Declared once so both the field and the mapper can name it: SQLAlchemy bumps it on every
# write and refuses a write whose version is stale (optimistic concurrency).
_version = Column("version", Integer, nullable=False, default=1)


class Action(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "ref", name="uq_action_plan_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    ref: str = Field(max_length=30)  # kept as the plan writes it: "2.4", "2.4a", "PREV-03"
    ref_sort: str = Field(default="", max_length=120, index=True)  # so "1.10" follows "1.9"
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)
    source_text: str = Field(default="", sa_type=Text)  # the words of the plan it comes from
    theme_id: int = Field(foreign_key="theme.id", index=True)
    objective_id: int | None = Field(default=None, foreign_key="objective.id", index=True)
    # A role or group ("V&V Coordinator", "MACE panel") until a person is assigned.
    lead_owner: str = Field(default="", max_length=200)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    lead_agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    start_date: date | None = None
    baseline_due_date: date | None = None
    current_due_date: date | None = Field(default=None, index=True)
    # A recurring action ("quarterly", "annual (November)", "ongoing") has no due date: never overdue.
    reporting_frequency: str | None = Field(default=None, max_length=40)
    # People named with the lead in one cell of an imported plan ("; " between them).
    named_partners: str = Field(default="", sa_type=Text)
    delivery_status: str = Field(default="not_started", max_length=20, index=True)
    rag: str = Field(default="not_assessed", max_length=20, index=True)
    restricted: bool = Field(default=False)
    # Columns of an imported spreadsheet that no field takes, kept as JSON {heading: text}.
    extra: str | None = Field(default=None, sa_type=Text)
    is_demo: bool = Field(default=False)
    # An invented illustration (e.g. a restricted example), labelled as such wherever it is shown.
    is_example: bool = Field(default=False)
    # JSON list of the fields whose values the plan chose rather than its source document said
    # ("theme", "objective", "lead_agency", "due_date", ...), shown on the action's page.
    plan_choices: str | None = Field(default=None, sa_type=Text)
    # Retired: withdrawn from the plan with a reason. Never deleted: it stays in history, in past
    # snapshots and in exports as at earlier dates; current views leave it out (retired_at set).
    retired_at: datetime | None = Field(default=None, index=True)
    retired_reason: str = Field(default="", sa_type=Text)
    # The action of last year's plan this one carries forward (yearly refresh), if any.
    carried_from_id: int | None = Field(default=None, foreign_key="action.id")
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    # Kept beside the history, in the same transaction as each status update.
    last_update_at: datetime | None = Field(default=None, index=True)
    version: int = Field(default=1, sa_column=_version)

    __mapper_args__ = {"version_id_col": _version}  # noqa: RUF012


class ActionPartner(SQLModel, table=True):
    __tablename__ = "action_partner"
    action_id: int = Field(foreign_key="action.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True, index=True)


class ActionBoard(SQLModel, table=True):
    """A board the action reports to."""

    __tablename__ = "action_board"

    action_id: int = Field(foreign_key="action.id", primary_key=True)
    board_id: int = Field(foreign_key="board.id", primary_key=True, index=True)
