"""PostgreSQL roles: let the app run as a role that does not own the tables.

The role that owns a table can switch its triggers off (`ALTER TABLE audit_event DISABLE
TRIGGER ALL`), so an app that connects as the owner could rewrite the audit trail. Deployments
migrate as the owner and run the app as a separate role granted only what the app needs: read
and write plan tables, but only read and append the audit trail and the sign-in attempts.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from plan.errors import InvalidInput

EVERYDAY = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Tables the app only reads and appends to; alembic_version it only reads (to see it is at head).
LIMITED = {
    "audit_event": ("SELECT", "INSERT"),
    "signin_attempt": ("SELECT", "INSERT"),
    "alembic_version": ("SELECT",),
}
ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def grant_app_role(connection_or_engine: Connection | Engine, role: str) -> dict[str, tuple[str, ...]]:
    """As the owner of the tables, grant `role` what the app needs in the current schema, and
    nothing more: USAGE on the schema; SELECT, INSERT, UPDATE, DELETE on every table except
    audit_event and signin_attempt (SELECT, INSERT) and alembic_version (SELECT); USAGE, SELECT on
    sequences. Earlier grants to the role in the schema are revoked first, so running it again
    (after a migration adds tables) leaves exactly these. Given a Connection, the caller commits.
    Returns each table's privileges. Raises InvalidInput for SQLite, an unknown role, a superuser,
    or a role that owns the tables (either could switch the audit triggers off)."""
    if isinstance(connection_or_engine, Engine):
        with connection_or_engine.begin() as connection:
            return _grant(connection, role)
    return _grant(connection_or_engine, role)


def _grant(connection: Connection, role: str) -> dict[str, tuple[str, ...]]:
    if connection.dialect.name != "postgresql":
        raise InvalidInput("Database roles are a PostgreSQL feature; an embedded SQLite database has none.")
    if not ROLE_NAME.match(role):
        raise InvalidInput(f"'{role}' is not a role name this command accepts: use letters, digits and _.")
    found = connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
    if found is None:
        raise InvalidInput(f"There is no database role '{role}'. Create it first, e.g. "
                           f"CREATE ROLE {role} LOGIN PASSWORD '...'; then run this again.")
    if found.rolsuper:
        raise InvalidInput(f"The role '{role}' is a superuser, which no grant can limit; use an ordinary role.")
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    tables = dict(connection.execute(text(
        "SELECT tablename, pg_has_role(:role, tableowner, 'MEMBER') FROM pg_tables WHERE schemaname = :schema"),
        {"role": role, "schema": schema}).all())
    if "audit_event" not in tables:
        raise InvalidInput(f"The schema '{schema}' has no audit trail yet: run `python -m plan init` "
                           "(as the owner) first.")
    if any(tables.values()):
        raise InvalidInput(f"The role '{role}' owns (or is a member of the role that owns) the tables; "
                           "the app must run as a different role.")
    quote = connection.dialect.identifier_preparer.quote_identifier
    who, where = quote(role), quote(schema)
    run = connection.exec_driver_sql  # DDL with quoted names: no bind parameters to parse
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}")
    run(f"GRANT USAGE ON SCHEMA {where} TO {who}")
    granted: dict[str, tuple[str, ...]] = {}
    for table in sorted(tables):
        privileges = LIMITED.get(table, EVERYDAY)
        run(f"GRANT {', '.join(privileges)} ON {where}.{quote(table)} TO {who}")
        granted[table] = privileges
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}")
    return granted
