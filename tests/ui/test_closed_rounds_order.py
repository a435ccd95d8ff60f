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
