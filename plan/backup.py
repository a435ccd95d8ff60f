"""Backup and restore: a consistent, portable JSON copy of every table, history included.

A backup made from SQLite restores into PostgreSQL and the other way round. Restore only
writes into a database that holds no plan data, so it can never overwrite anything.
"""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, func, insert, select, text
from sqlalchemy.engine import Connection

import models
from plan import audit, migrate
from plan.db import get_engine, session_scope
from plan.errors import BackupError
from plan.identity import Actor

FORMAT = "action-plan-tracker-backup"
FORMAT_VERSION = 1


def _tables() -> list[Any]:
    return list(models.metadata.sorted_tables)  # parents before children


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def dump() -> dict[str, Any]:
    """Every row of every table, read in one transaction so the copy is consistent."""
    engine = get_engine()
    options = {} if engine.dialect.name == "sqlite" else {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = {}
        for table in _tables():
            order = list(table.primary_key.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings().all()
            tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
            "made_at": datetime.now().astimezone().isoformat(), "tables": tables}


def backup(out: str | Path) -> dict[str, int]:
    """Write the backup to `out` (gzip when it ends in .gz). Returns row counts per table."""
    data = dump()
    payload = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.write_bytes(gzip.compress(payload) if out.suffix == ".gz" else payload)
    tmp.replace(out)  # a reader never sees half a backup
    return {name: len(rows) for name, rows in data["tables"].items()}


def read_backup(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except OSError as err:
        raise BackupError(f"Cannot read {path}: {err.strerror}.") from err
    except (ValueError, EOFError) as err:
        raise BackupError(f"{path.name} is not a backup made by `python -m plan backup` ({err}).") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise BackupError(f"{path.name} is not a backup made by `python -m plan backup`.")
    return data


def restore(path: str | Path) -> dict[str, int]:
    """Restore a backup into an empty database (migrated first). All or nothing."""
    data = read_backup(path)
    migrate.upgrade()
    head = migrate.head_revision()
    if data.get("schema_revision") != head:
        raise BackupError(
            f"The backup is of schema version {data.get('schema_revision')}, this app is at {head}. "
            "Restore it with the app version that made it, then upgrade.")
    counts: dict[str, int] = {}
    with get_engine().begin() as connection:
        _refuse_if_not_empty(connection)
        for table in _tables():
            rows = data["tables"].get(table.name, [])
            converted = [_decode_row(table, row) for row in rows]
            if converted:
                connection.execute(insert(table), converted)
            counts[table.name] = len(converted)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    with session_scope() as session:
        audit.record(session, actor=Actor.system("restore"), event="backup.restore", entity="database",
                     detail=f"restored {sum(counts.values())} rows from a backup made {data.get('made_at', '?')}")
    return counts


def _refuse_if_not_empty(connection: Connection) -> None:
    for table in _tables():
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(
                f"The database already holds data (table {table.name} is not empty). Restore only "
                "into an empty database, so nothing stored is overwritten: point PLAN_DATABASE_URL "
                "at a new database and run restore again.")


def _decode_row(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    unknown = set(row) - set(table.columns.keys())
    if unknown:
        raise BackupError(f"The backup's table {table.name} has columns this app does not know: "
                          f"{', '.join(sorted(unknown))}.")
    decoded = {}
    for name, value in row.items():
        column_type = table.columns[name].type
        kind = getattr(column_type, "impl", column_type)  # UTCDateTime decorates DateTime
        if value is not None and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        decoded[name] = value
    return decoded


def _reset_sequences(connection: Connection) -> None:
    """After explicit ids, move each id sequence past the largest id so new rows do not clash."""
    for table in _tables():
        if "id" in table.columns and table.columns["id"].primary_key:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
