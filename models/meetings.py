"""Support-and-challenge meetings, their agenda and follow-ups, what the group saw (frozen at
close), and each plan's thresholds for the suggested RAG."""

from datetime import UTC, date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class SuggestionSettings(SQLModel, table=True):
    """The plan's thresholds for the suggested RAG. No row: the defaults (plan.reports.rules)."""

    __tablename__ = "suggestion_settings"
    plan_id: int = Field(foreign_key="plan.id", primary_key=True)
    red_overdue_days: int = 30
    amber_overdue_days: int = 1
    amber_due_moves: int = 2  # moved more than this many times -> Amber
    stale_days: int = 90
    amber_if_no_update_in_round: bool = True
    use_measure_evidence: bool = True
    # What puts an action on the exceptions list (plan.reports.rules.Thresholds says what each means).
    exceptions_red: bool = True
    exceptions_every_amber: bool = False
    exceptions_worsened: bool = True
    exceptions_overdue: bool = True
    exceptions_overdue_days: int = 30
    exceptions_no_update: bool = True
    exceptions_support_asked: bool = True
    exceptions_suggested_worse: bool = True
    exceptions_due_moved: bool = False
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_by: str = Field(default="", max_length=320)


class Meeting(SQLModel, table=True):
    """A meeting of the strategic group (or of one board, which sees the plan through its remit)."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    held_on: date = Field(index=True)
    title: str = Field(default="", max_length=200)
    board_id: int | None = Field(default=None, foreign_key="board.id", index=True)  # None: the whole plan
    # The closed round whose snapshot the meeting reviews (what the group saw), if any.
    round_id: int | None = Field(default=None, foreign_key="update_round.id", index=True)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    created_by: str = Field(default="", max_length=320)
    closed_at: datetime | None = None
    closed_by: str = Field(default="", max_length=320)
    is_demo: bool = Field(default=False)


class MeetingAttendee(SQLModel, table=True):
    __tablename__ = "meeting_attendee"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    name: str = Field(max_length=200)  # as the secretariat writes it: "Chris Chair (SBC)"
    position: int = 0


class AgendaItem(SQLModel, table=True):
    """An action discussed: why it is there, and what the chair recorded. The agreed RAG is kept
    beside the owner's proposed RAG, never in its place."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "action_id", name="uq_agenda_item_meeting_action"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    position: int = 0
    why: str = Field(default="", sa_type=Text)
    source: str = Field(default="exceptions", max_length=20)  # exceptions, added
    dropped: bool = Field(default=False)
    dropped_reason: str = Field(default="", sa_type=Text)
    challenge: str = Field(default="", sa_type=Text)
    response: str = Field(default="", sa_type=Text)
    proposed_rag: str | None = Field(default=None, max_length=20)  # the owner's RAG when discussed
    agreed_rag: str | None = Field(default=None, max_length=20)
    decision: str = Field(default="", sa_type=Text)
    recorded_by: str = Field(default="", max_length=320)
    recorded_at: datetime | None = None


class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agenda_item.id", index=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    text: str = Field(sa_type=Text)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    owner_name: str = Field(default="", max_length=200)
    due_date: date
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    created_by: str = Field(default="", max_length=320)
    done_at: datetime | None = None
    done_by: str = Field(default="", max_length=320)
    done_note: str = Field(default="", sa_type=Text)


class MeetingSnapshot(SQLModel, table=True):
    """Each action as the group saw it, written when the meeting closed and never changed."""

    __tablename__ = "meeting_snapshot"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    action_id: int = Field(foreign_key="action.id", primary_key=True)
    status_update_id: int | None = Field(default=None, foreign_key="status_update.id")
    ref: str = Field(max_length=30)
    title: str = Field(max_length=300)
    theme: str = Field(default="", max_length=100)
    owner: str = Field(default="", max_length=200)
    restricted: bool = Field(default=False)
    rag: str = Field(max_length=20)
    delivery_status: str = Field(max_length=20)
    current_due_date: date | None = None
    commentary: str = Field(default="", sa_type=Text)
    blockers: str = Field(default="", sa_type=Text)
    support_asked: str = Field(default="", sa_type=Text)
    suggested_rag: str | None = Field(default=None, max_length=20)
    suggested_reason: str = Field(default="", sa_type=Text)
