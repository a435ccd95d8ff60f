"""Read scopes: a page that only reads never waits behind a writer, and can never write."""

import threading

import pytest
from sqlalchemy import update
from sqlmodel import select

import models
from plan.db import WriteInReadScope, read_scope, session_scope


def test_a_reader_is_not_blocked_while_a_writer_holds_the_lock(seeded) -> None:
    """A writer takes the lock and changes a title without committing; a reader started meanwhile
    answers at once with the committed title (on SQLite a BEGIN IMMEDIATE reader would wait
    30 s for the busy timeout and then fail)."""
    holding, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with session_scope() as session:
                action = session.exec(select(models.Action).where(models.Action.ref == "1.1")).one()
                action.title = "Changed by a writer still working"
                session.flush()  # the lock is held from here to the commit
                holding.set()
                done.wait(20)
        except BaseException as err:  # noqa: BLE001  reported by the test below
            errors.append(err)
            holding.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(20)
        seen: list[str] = []

        def reader() -> None:
            with read_scope() as session:
                seen.append(session.exec(select(models.Action.title).where(models.Action.ref == "1.1")).one())

        reading = threading.Thread(target=reader)
        reading.start()
        reading.join(10)  # generous: it answers in milliseconds unless it waits for the writer
        finished = not reading.is_alive()
    finally:
        done.set()
        thread.join(30)
    assert finished, "the reader waited for the writer's lock"
    assert seen and seen[0] != "Changed by a writer still working"
    assert not errors
    with read_scope() as session:  # the write went through once the writer committed
        assert session.exec(select(models.Action.title).where(models.Action.ref == "1.1")).one() \
            == "Changed by a writer still working"


def test_a_write_inside_a_read_scope_is_refused_and_nothing_is_stored(seeded) -> None:
    with pytest.raises(WriteInReadScope), read_scope() as session:
        action = session.exec(select(models.Action).where(models.Action.ref == "1.1")).one()
        action.title = "Written without the lock"
        session.flush()
    with pytest.raises(WriteInReadScope), read_scope() as session:
        session.exec(update(models.Action).where(models.Action.ref == "1.1").values(title="Nor this"))
    with read_scope() as session:
        title = session.exec(select(models.Action.title).where(models.Action.ref == "1.1")).one()
    assert title not in ("Written without the lock", "Nor this")


def test_a_read_scope_commits_nothing_it_was_given(seeded) -> None:
    """A change left unflushed at the end of a read scope is refused too, not committed quietly."""
    with pytest.raises(WriteInReadScope), read_scope() as session:
        session.add(models.Agency(name="Added in a read scope"))
        session.exec(select(models.Agency.id)).all()  # autoflush before the query
    with read_scope() as session:
        assert session.exec(select(models.Agency).where(models.Agency.name == "Added in a read scope")).first() \
            is None


def test_a_change_left_in_a_read_scope_is_refused_not_dropped(seeded) -> None:
    """Code that reads, finds it must write (a sign-in session's last-seen time) and forgot the
    write scope hears so, rather than its change vanishing at the end of the scope."""
    with pytest.raises(WriteInReadScope), read_scope() as session:
        action = session.exec(select(models.Action).where(models.Action.ref == "1.1")).one()
        action.title = "Changed, never flushed"
