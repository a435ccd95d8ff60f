"""Cached page figures follow every write: the cache key is the database's change stamp, so the
render after a write (from this process or any other) recomputes."""

from sqlmodel import select

import models
from plan.change_stamp import change_stamp
from plan.db import read_scope, session_scope
from plan.plans import filter_choices
from plan.updates import record_update
from tests.ui.helpers import open_app


def _red(at) -> int:  # noqa: ANN001
    table = next(d.value for d in at.dataframe if "Total" in d.value.columns)
    return int(table["Red"].sum())


def test_the_overview_shows_a_new_red_after_an_update_made_elsewhere(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/overview.py", user=people_sqlite["admin"])
    before = _red(at)
    at.run()  # from the cache this time
    assert _red(at) == before
    with read_scope() as session:
        ref = session.exec(select(models.Action.ref).where(models.Action.rag != "red").order_by(models.Action.id)
                           ).first()
    with session_scope() as session:  # as another app process would: straight to the database
        record_update(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref=ref, rag="red",
                      delivery_status="in_progress", commentary="Stalled: no funding")
    at.run()
    assert _red(at) == before + 1


def test_the_change_stamp_moves_with_a_write_and_not_with_a_read(seeded, people) -> None:
    with read_scope() as session:
        first = change_stamp(session)
        filter_choices(session, plan_id=seeded.id)
        assert change_stamp(session) == first
    with session_scope() as session:
        record_update(session, user=people["admin"], plan_id=seeded.id, ref="1.1", rag="amber",
                      delivery_status="in_progress", commentary="Slipping")
    with read_scope() as session:
        assert change_stamp(session) != first
