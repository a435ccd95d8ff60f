"""The one place that turns PLAN_DATABASE_URL into an engine and hands out sessions."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, create_engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'plan.db'}"
READ_ONLY = "plan_read_only"  # execution option marking a read scope's connection


class WriteInReadScope(RuntimeError):
    """A read scope was asked to write: a programming error (the write would run without the
    write lock on SQLite), so it fails loudly rather than being shown to a user."""


def database_url() -> str:
    """PLAN_DATABASE_URL, else a SQLite file under data/. `postgresql://` means psycopg 3."""
    url = os.environ.get("PLAN_DATABASE_URL", "").strip() or DEFAULT_URL
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()  # Streamlit serves each browser session on its own thread


def get_engine() -> Engine:
    """One engine per URL per process, made on first use."""
    url = database_url()
    with _ENGINES_LOCK:
        return _ENGINES.get(url) or _ENGINES.setdefault(url, _new_engine(url))


def _new_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)

    # PostgreSQL's JIT compiles a plan's big report queries (the exceptions as at a day) for longer
    # than they then run: 8.9 s of 11.8 s at 10,000 actions. The app's queries are all short
    # reads and writes over indexes; none gains from it.
    @event.listens_for(engine, "connect")
    def _no_jit(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_conn.commit()

    return engine


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    # WAL alone loses read-modify-write updates between threads and processes: every
    # transaction takes the write lock up front (BEGIN IMMEDIATE), as SQLAlchemy's SQLite
    # docs describe, so concurrent writers queue instead of overwriting each other.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # Reads need no lock: in WAL a deferred BEGIN reads a consistent snapshot and never waits
    # for a writer, so only a read scope's connection (marked READ_ONLY) gets a plain BEGIN.
    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

    return engine


def reset_engines() -> None:
    """Dispose of every engine (tests switch PLAN_DATABASE_URL between databases)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


SETUP_LOCK_KEY = 7_412_826  # any fixed number: the key of the first-start advisory lock


def hold_setup_lock(connection: Connection) -> None:
    """Serialise first-start work (migrations, seeding) between app processes sharing one
    database: on PostgreSQL an advisory lock held to the end of the transaction; on SQLite the
    transaction already holds the write lock (BEGIN IMMEDIATE)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SETUP_LOCK_KEY})")


def _read_engine(engine: Engine) -> Engine:
    """The same engine and pool, its connections marked READ_ONLY (and read-only on PostgreSQL)."""
    options: dict[str, object] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return engine.execution_options(**options)


def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    raise WriteInReadScope("A read scope cannot write: use session_scope() for an operation that changes data.")


def _refuse_write_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadScope("A read scope cannot write: use session_scope() for an operation that changes data.")


@contextmanager
def session_scope(*, read_only: bool = False) -> Iterator[Session]:
    """A session per operation: commit on success, roll back on any error.

    Every write takes SQLite's write lock up front (BEGIN IMMEDIATE). A page that only reads asks
    for `read_only=True` (or `read_scope()`): a plain BEGIN, which in WAL never waits behind a
    writer; such a session refuses to write (WriteInReadScope), so nothing can slip past the lock."""
    engine = get_engine()
    session = Session(_read_engine(engine) if read_only else engine, expire_on_commit=False)
    session.info[READ_ONLY] = read_only
    if read_only:
        event.listen(session, "before_flush", _refuse_flush)
        event.listen(session, "do_orm_execute", _refuse_write_statement)
    try:
        yield session
        if read_only:
            if session.new or session.dirty or session.deleted:  # would be lost: say so instead
                _refuse_flush(session, None, None)
            session.rollback()  # nothing to keep; ends the read transaction
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def read_scope() -> AbstractContextManager[Session]:
    """A session for reading only: see session_scope(read_only=True)."""
    return session_scope(read_only=True)
