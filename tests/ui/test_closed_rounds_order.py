"""Every page that lists closed rounds opens the latest first (issue 21), as a user sees it: the
Update round page's closed-round snapshots and the Meetings page's choice of what a meeting reviews."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from plan import rounds
from plan.db import session_scope
from tests.ui.helpers import open_app


@pytest.fixture
def two_closed(seeded_sqlite, people_sqlite):  # noqa: ANN001, ANN201
    """The 2026-Q2 round closed, then the 2026-Q3 round (Q1 and Q2 of 2026/27)."""
    admin, p = people_sqlite["admin"], seeded_sqlite.id
    for period in ("2026-Q2", "2026-Q3"):
        with session_scope() as session:
            rounds.open_round(session, user=admin, plan_id=p, period=period,
                              deadline=date.today() + timedelta(days=7))
        with session_scope() as session:
            rounds.close_round(session, user=admin, plan_id=p)
    return seeded_sqlite


def test_the_update_round_page_opens_the_latest_closed_round_first(two_closed, people_sqlite) -> None:
    at = open_app("pages/update_round.py", user=people_sqlite["chair"], snapshot_open=True)
    picker = at.selectbox(key="snapshot_round")
    assert [o.split(" (closed")[0] for o in picker.options] == ["Q2 2026/27", "Q1 2026/27"]
    assert picker.index == 0  # opened on the latest


def test_the_meetings_page_offers_the_latest_closed_round_first(two_closed, people_sqlite) -> None:
    at = open_app("pages/meetings.py", user=people_sqlite["admin"])
    reviews = at.selectbox(key="new_meeting_reviews")
    offered = [o.split(" (")[0] for o in reviews.options if o.startswith("The Q")]
    assert offered == ["The Q2 2026/27", "The Q1 2026/27"]
    assert reviews.index == 0
    assert reviews.options[0].startswith("The Q2 2026/27 (July to September 2026) round, closed ")


def test_the_dashboard_counts_a_change_later_on_the_meetings_day_as_since_it(seeded_sqlite, people_sqlite) -> None:
    """What changed, from the last meeting's date (the default): 2.1 went Red at 15:00 on the day of a
    meeting closed at 11:00, 1.1 at 10:00 (before it): only 2.1 is newly Red since the meeting."""
    from datetime import UTC, datetime

    import models
    from plan import meetings
    from plan.updates import record_update
    from tests.ui.helpers import markdown_text

    admin, p = people_sqlite["admin"], seeded_sqlite.id
    day = date.today() - timedelta(days=3)

    def at_(d: date, hour: int) -> datetime:
        return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)

    with session_scope() as session:
        for ref, rag, when in (("1.1", "green", at_(day - timedelta(days=7), 12)),
                               ("2.1", "green", at_(day - timedelta(days=7), 12)),
                               ("1.1", "red", at_(day, 10)), ("2.1", "red", at_(day, 15))):
            record_update(session, user=admin, plan_id=p, ref=ref, rag=rag, delivery_status="in_progress",
                          commentary=f"{ref} {rag}", at=when)
    with session_scope() as session:
        made = meetings.create_meeting(session, user=admin, plan_id=p, held_on=day, round_id=None, draw_agenda=False)
        meetings.close_meeting(session, user=admin, plan_id=p, meeting_id=made["id"])
    with session_scope() as session:
        meeting = session.get(models.Meeting, made["id"])
        meeting.closed_at = at_(day, 11)
        session.add(meeting)
    at = open_app("pages/dashboard.py", user=people_sqlite["chair"])
    at.session_state["tab"] = "What changed"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.date_input(key="dash_since").value == day
    assert "Newly Red (1)" in [e.label for e in at.expander]
    assert "1 worse" in markdown_text(at)
