"""The one engine's connection settings that the reports rely on."""

from sqlalchemy import text

from plan.db import get_engine


def test_postgresql_connections_have_jit_off(postgres_url: str) -> None:
    """JIT compiled the exceptions query for 8.9 s of its 11.8 s at 10,000 actions."""
    with get_engine().connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar() == "off"
