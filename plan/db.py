"""The one place that turns PLAN_DATABASE_URL into an engine and hands out sessions."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'plan.db'}"


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
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


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

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")

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


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session per operation: commit on success, roll back on any error."""
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
