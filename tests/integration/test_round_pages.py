"""The update round a page at a time: what is owed and the completeness tables come from SQL in
pages (LIMIT/OFFSET), so a plan of 10,000 actions never sends them all at once."""

from datetime import date, timedelta

from plan import rounds
from plan.db import read_scope, session_scope
from plan.updates import record_update


def test_owing_and_completeness_come_a_page_at_a_time(seeded, people) -> None:
    admin = people["admin"]
    with session_scope() as session:
        opened = rounds.open_round(session, user=admin, plan_id=seeded.id, period="2099-Q1",
                                   deadline=date.today() + timedelta(days=7))
    with session_scope() as session:
        record_update(session, user=admin, plan_id=seeded.id, ref="2.1", rag="green", delivery_status="in_progress",
                      commentary="On track")
    with read_scope() as session:
        everything = rounds.owing(session, user=admin, plan_id=seeded.id, round_id=opened.id)
        totals = rounds.round_totals(session, user=admin, plan_id=seeded.id, round_id=opened.id)
        first = rounds.owing(session, user=admin, plan_id=seeded.id, round_id=opened.id, limit=10)
        second = rounds.owing(session, user=admin, plan_id=seeded.id, round_id=opened.id, limit=10, offset=10)
        chosen = rounds.owing(session, user=admin, plan_id=seeded.id, round_id=opened.id, refs=["1.1", "2.1"])
        groups = rounds.completeness(session, user=admin, plan_id=seeded.id, round_id=opened.id, by="owner")
        page = rounds.completeness(session, user=admin, plan_id=seeded.id, round_id=opened.id, by="owner",
                                   limit=2, offset=1)
        counted = rounds.completeness_groups(session, user=admin, plan_id=seeded.id, round_id=opened.id, by="owner")
    assert len(everything) == totals["outstanding"] == 24  # 2.1 is in
    assert [r["ref"] for r in first + second] == [r["ref"] for r in everything[:20]]
    assert [r["ref"] for r in chosen] == ["1.1"]  # 2.1 owes nothing now
    assert counted == len(groups) and page == groups[1:3]

