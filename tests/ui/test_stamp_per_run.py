"""The change stamp is read once per run of a page and shared by its cached figures, read again
on the next run, and read again within a run after this process commits a write (a page that
saves and then draws cached figures shows what it saved)."""

from sqlmodel import select
from streamlit.testing.v1 import AppTest

import models
import ui.cache
from plan.db import read_scope

SCRIPT = """
import streamlit as st
from plan.actions import rag_counts
from plan.db import session_scope
from plan.updates import record_update
from ui.cache import cached

plan_id = st.session_state["plan_id"]
before = cached(rag_counts, plan_id=plan_id, by="theme")
if st.session_state.pop("write", False):
    with session_scope() as session:
        record_update(session, user=st.session_state["user"], plan_id=plan_id, ref=st.session_state["ref"],
                      rag="red", delivery_status="in_progress", commentary="Stalled: no funding")
after = cached(rag_counts, plan_id=plan_id, by="theme")
again = cached(rag_counts, plan_id=plan_id, by="board")
st.text("changed" if repr(before) != repr(after) else "same")
"""


def test_one_stamp_read_per_run_and_a_fresh_one_after_a_write(seeded_sqlite, people_sqlite, monkeypatch) -> None:
    reads: list[tuple[int, ...]] = []
    real = ui.cache.change_stamp

    def counting(session):  # noqa: ANN001, ANN202
        reads.append(real(session))
        return reads[-1]

    monkeypatch.setattr(ui.cache, "change_stamp", counting)
    with read_scope() as session:
        ref = session.exec(select(models.Action.ref).where(models.Action.rag != "red").order_by(models.Action.id)
                           ).first()
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.session_state["plan_id"] = seeded_sqlite.id
    at.session_state["user"] = people_sqlite["admin"]
    at.session_state["ref"] = ref
    at.run()
    assert not at.exception
    assert at.text[0].value == "same"
    assert len(reads) == 1  # three cached figures, one reading of the database

    at.run()  # the next click reads it again
    assert len(reads) == 2

    at.session_state["write"] = True
    at.run()
    assert not at.exception
    assert at.text[0].value == "changed"  # the figure after the save is not the one from before it
    assert len(reads) == 4 and reads[3] != reads[2]
