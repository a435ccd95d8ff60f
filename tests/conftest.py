"""Fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (database `test`); each test gets its own schema,
named in the URL, so tests never see each other's rows. Tests that need it are skipped only
when no server answers, unless PLAN_REQUIRE_POSTGRES=1 (CI sets it), when they fail instead.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from plan.db import reset_engines, session_scope
from plan.identity import Actor
from plan.plans import PlanFrame, plan_frame
from plan.setup import forget_ready, init

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("PLAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as err:  # noqa: BLE001  any failure means: no server to test against
        return str(err).splitlines()[0]


_PG_PROBLEM = _postgres_available()


@pytest.fixture(autouse=True)
def _isolated_process_state() -> Iterator[None]:
    """Engines, the first-start flag and Streamlit's caches are process-wide: reset them."""
    reset_engines()
    forget_ready()
    yield
    reset_engines()
    forget_ready()
    if "streamlit" in sys.modules:  # only UI tests load it; caches outlive an AppTest run
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
        if "ui.cache" in sys.modules:
            sys.modules["ui.cache"].clear()


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'plan.db'}"


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = _sqlite_url(tmp_path)
    monkeypatch.setenv("PLAN_DATABASE_URL", url)
    return url


@pytest.fixture
def postgres_schemas(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:
    """Makes empty PostgreSQL schemas on demand; each call points PLAN_DATABASE_URL at a new one."""
    if _PG_PROBLEM:
        if os.environ.get("PLAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (PLAN_REQUIRE_POSTGRES=1) but did not answer: {_PG_PROBLEM}")
        pytest.skip(f"no PostgreSQL server answers at {PG_SERVER}: {_PG_PROBLEM}")
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
        monkeypatch.setenv("PLAN_DATABASE_URL", url)
        return url

    yield make
    reset_engines()
    with admin.connect() as connection:
        # A session the test left open would block the drop for ever: fail loudly instead.
        connection.execute(text("SET lock_timeout = '20s'"))
        for schema in made:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_schemas: Callable[[], str]) -> str:
    return postgres_schemas()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> str:
    """An empty database, once on each backend."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture(scope="session")
def _seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and seed once; each SQLite test then starts from a copy of the file."""
    folder = tmp_path_factory.mktemp("template")
    previous = os.environ.get("PLAN_DATABASE_URL")
    os.environ["PLAN_DATABASE_URL"] = _sqlite_url(folder)
    try:
        init()
    finally:
        reset_engines()
        forget_ready()
        if previous is None:
            os.environ.pop("PLAN_DATABASE_URL", None)
        else:
            os.environ["PLAN_DATABASE_URL"] = previous
    return folder / "plan.db"


@pytest.fixture
def seeded(request: pytest.FixtureRequest, database: str, tmp_path: Path,
           _seeded_sqlite_template: Path) -> PlanFrame:
    """The seed plan loaded, on each backend. Returns the plan's frame."""
    if database.startswith("sqlite"):
        shutil.copy(_seeded_sqlite_template, tmp_path / "plan.db")
    else:
        init()
    with session_scope() as session:
        return plan_frame(session)


@pytest.fixture
def seeded_sqlite(sqlite_url: str, tmp_path: Path, _seeded_sqlite_template: Path) -> PlanFrame:
    """The seed plan on SQLite only (UI tests)."""
    shutil.copy(_seeded_sqlite_template, tmp_path / "plan.db")
    with session_scope() as session:
        return plan_frame(session)


@pytest.fixture
def admin() -> Actor:
    return Actor.system("test secretariat")


@pytest.fixture
def reader() -> Actor:
    return Actor.public()



@pytest.fixture
def people(seeded) -> dict[str, Actor]:  # noqa: ANN001
    """One person per role, on the seeded plan (both backends)."""
    from tests.factories import make_people

    return make_people(seeded.id)


@pytest.fixture
def people_sqlite(seeded_sqlite) -> dict[str, Actor]:  # noqa: ANN001
    from tests.factories import make_people

    return make_people(seeded_sqlite.id)


@pytest.fixture
def smtp_server():  # noqa: ANN201
    """A real SMTP server on a free local port (aiosmtpd); yields (inbox, SmtpSettings for it)."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    from plan.mail import SmtpSettings

    class Inbox(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list = []

        def handle_message(self, message) -> None:  # noqa: ANN001
            self.messages.append(message)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, SmtpSettings(host="127.0.0.1", port=port, sender="plan@southend.gov.uk", starttls=False)
    controller.stop()
