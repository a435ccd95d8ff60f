"""A plan and what each plan configures for itself: themes, RAG meanings, boards, objectives."""

from datetime import UTC, date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    organisation: str = Field(max_length=200)
    vision: str = Field(default="", sa_type=Text)
    protective_marking: str = Field(default="OFFICIAL-SENSITIVE", max_length=60)
    # monthly, bimonthly, quarterly (see plan/periods.py)
    reporting_cycle: str = Field(default="quarterly", max_length=20)
    start_date: date | None = None
    # What to do when free text looks like personal data: "warn" (ask to confirm) or "refuse".
    personal_data_policy: str = Field(default="warn", max_length=10)
    # Days between opening an update round and its deadline, offered when a round is opened.
    update_deadline_days: int = Field(default=14)
    # The public, read-only community page (no sign-in): off unless an admin switches it on.
    community_view: bool = Field(default=False)
    # JSON list of the plan-level things the plan chose rather than its source document said.
    plan_choices: str | None = Field(default=None, sa_type=Text)
    # The plan this one was refreshed from (the yearly refresh), if any.
    refreshed_from_id: int | None = Field(default=None, foreign_key="plan.id")
    # The Serious Violence Duty's yearly review of the strategy: when it falls due.
    review_due_on: date | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Theme(SQLModel, table=True):
    """One of the plan's headings (the 4 Ps here; other partnerships use other sets)."""

    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_theme_plan_name"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    name: str = Field(max_length=100)
    description: str = Field(default="", sa_type=Text)
    position: int = 0


class RagDefinition(SQLModel, table=True):
    """What a rating means in this plan: councils define Red/Amber/Green/Blue differently."""

    __tablename__ = "rag_definition"
    __table_args__ = (UniqueConstraint("plan_id", "rag", name="uq_rag_definition_plan_rag"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    rag: str = Field(max_length=20)  # red, amber, green, blue, not_assessed
    label: str = Field(max_length=40)
    meaning: str = Field(default="", sa_type=Text)


class Board(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_board_plan_code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str = Field(max_length=20)
    name: str = Field(max_length=200)


class Objective(SQLModel, table=True):
    """An optional grouping of actions under a theme."""

    __table_args__ = (UniqueConstraint("plan_id", "ref", name="uq_objective_plan_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    theme_id: int = Field(foreign_key="theme.id", index=True)
    ref: str = Field(max_length=30)
    title: str = Field(max_length=300)
