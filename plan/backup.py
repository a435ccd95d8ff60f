"""Backup and restore: a consistent, portable JSON copy of every table, history included.

A backup made from SQLite restores into PostgreSQL and the other way round. Restore only
writes into a database that holds no plan data, so it can never overwrite anything, and it
checks every value of every row against the tables before it writes anything: a backup file
is input like any other, and an edited one (a made-up role, a RAG of "purple", a NUL byte, an
audit event from before the plan existed) is refused with the table, row and field named.

The audit trail is history: its rows restore as they were (never rewritten or renumbered),
and both making a backup and restoring one are themselves audited, naming who did it.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import zlib
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, String, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

import models
from plan import audit, migrate
from plan.db import get_engine
from plan.errors import BackupError
from plan.identity import Actor
from plan.measures.periods import MEASURE_PERIOD, PERIOD
from plan.measures.terms import DIRECTIONS, FREQUENCIES, KINDS, SOURCES, STATES, TARGET_PER, TARGET_TYPES
from plan.periods import CYCLES
from plan.plans import PERSONAL_DATA_POLICIES
from plan.text import has_control, plural
from plan.users import EMAIL
from plan.vocab import AgencyKind, DeliveryStatus, Rag, Role

FORMAT = "action-plan-tracker-backup"
FORMAT_VERSION = 1

# The fixed words each column may hold: a value outside them would break the pages that read it.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("person", "role"): tuple(Role),
    ("agency", "kind"): tuple(AgencyKind),
    ("action", "rag"): tuple(Rag),
    ("status_update", "rag"): tuple(Rag),
    ("round_snapshot", "rag"): tuple(Rag),
    ("rag_definition", "rag"): tuple(Rag),
    ("action", "delivery_status"): tuple(DeliveryStatus),
    ("status_update", "delivery_status"): tuple(DeliveryStatus),
    ("round_snapshot", "delivery_status"): tuple(DeliveryStatus),
    ("measure", "direction"): DIRECTIONS,
    ("measure", "frequency"): FREQUENCIES,
    ("measure", "kind"): KINDS,
    ("measure", "target_type"): TARGET_TYPES,
    ("measure", "target_per"): TARGET_PER,
    ("measure_value", "state"): STATES,
    ("measure_value", "source"): SOURCES,
    ("plan", "reporting_cycle"): CYCLES,
    ("plan", "personal_data_policy"): PERSONAL_DATA_POLICIES,
    ("due_date_request", "decision"): ("pending", "approved", "declined"),
    ("signin_session", "method"): ("local", "oidc"),
}
# Reporting periods ("2026-Q3"); empty allowed where the column allows it.
PERIODS = {("status_update", "period"): PERIOD, ("update_round", "period"): PERIOD,
           ("measure_value", "period"): MEASURE_PERIOD, ("measure", "baseline_period"): MEASURE_PERIOD}
# Audit events must fall within the life of what they record (a day's slack for clocks).
SLACK = timedelta(days=1)


def _tables() -> list[Any]:
    return list(models.metadata.sorted_tables)  # parents before children


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _read(connection: Connection) -> dict[str, Any]:
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    tables = {}
    for table in _tables():
        order = list(table.primary_key.columns)
        rows = connection.execute(select(table).order_by(*order)).mappings().all()
        tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
            "made_at": datetime.now().astimezone().isoformat(), "tables": tables}


def _consistent(connection: Connection) -> Connection:
    """One transaction sees one state of every table (SQLite: the write lock is held anyway)."""
    if connection.dialect.name == "sqlite":
        return connection
    return connection.execution_options(isolation_level="REPEATABLE READ")


def dump() -> dict[str, Any]:
    """Every row of every table, read in one transaction so the copy is consistent."""
    with _consistent(get_engine().connect()) as connection, connection.begin():
        return _read(connection)


def backup(out: str | Path, *, actor: Actor | None = None) -> dict[str, int]:
    """Write the backup to `out` (gzip when it ends in .gz), readable by its owner only (0600):
    it holds restricted detail and password hashes. The backup is audited in the same
    transaction as it is read, so the file holds its own event, and a backup that fails to be
    written leaves no event claiming it. Returns row counts per table."""
    actor = actor or Actor.system("command line")
    out = Path(out)
    with _consistent(get_engine().connect()) as connection, connection.begin():
        with Session(bind=connection) as session:
            audit.record(session, actor=actor, event="backup.create", entity="database", entity_key=out.name,
                         detail=f"whole database written to {out}")
            session.flush()
        data = _read(connection)
        payload = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        _write_private(out, gzip.compress(payload) if out.suffix == ".gz" else payload)
    return {name: len(rows) for name, rows in data["tables"].items()}


def _write_private(out: Path, content: bytes) -> None:
    """Write whole or not at all (a reader never sees half a backup), mode 0600 from the start."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    try:
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # an old .partial file keeps its mode through O_TRUNC
            handle.write(content)
        tmp.replace(out)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"Cannot write the backup to {out}: {err.strerror or err}.") from err


def read_backup(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    not_ours = f"{path.name} is not a backup made by `python -m plan backup`"
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except gzip.BadGzipFile as err:
        raise BackupError(f"{not_ours} (its compression is damaged).") from err
    except OSError as err:
        raise BackupError(f"Cannot read {path}: {err.strerror or err}.") from err
    except (ValueError, EOFError, zlib.error) as err:
        raise BackupError(f"{not_ours} ({err}).") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise BackupError(f"{not_ours}.")
    return data


def restore(path: str | Path, *, actor: Actor | None = None) -> dict[str, int]:
    """Restore a backup into an empty database (migrated first). All or nothing: every value is
    checked first (validate), and nothing at all is written, not even the schema, unless the
    whole file is good. The restore is audited, naming `actor` (default: the command line).
    Raises BackupError."""
    actor = actor or Actor.system("command line")
    data = read_backup(path)
    head = migrate.head_revision()
    if data.get("schema_revision") != head:
        raise BackupError(
            f"The backup is of schema version {data.get('schema_revision')}, this app is at {head}. "
            "Restore it with the app version that made it, then upgrade.")
    rows_by_table = validate(data)
    migrate.upgrade()
    counts: dict[str, int] = {}
    with get_engine().begin() as connection:
        _refuse_if_not_empty(connection)
        for table in _tables():
            converted = rows_by_table[table.name]
            if converted:
                try:
                    connection.execute(insert(table), converted)
                except DBAPIError as err:  # validate should have caught it; never a traceback
                    reason = str(err.orig).splitlines()[0] if err.orig else type(err).__name__
                    raise BackupError(f"The database refused the backup's table {table.name} ({reason}). "
                                      "Nothing was restored.") from err
            counts[table.name] = len(converted)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
        events = rows_by_table["audit_event"]
        kept = (f"its {len(events)} audit events (ids up to {max(e['id'] for e in events)}) are the backup's "
                "history, kept as they were" if events else "it held no audit events")
        with Session(bind=connection) as session:
            audit.record(session, actor=actor, event="backup.restore", entity="database",
                         entity_key=Path(path).name,
                         detail=f"restored {plural(sum(counts.values()), 'row')} from {Path(path).name}, a backup made "
                                f"{data.get('made_at', 'at an unknown time')}; {kept}")
            session.flush()
    return counts


def validate(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Check every row of a backup against the tables, before anything is written: known tables
    and fields, the right type for each value, lengths, the fixed words (roles, RAG, statuses...),
    no control characters, references to rows that are in the backup, no duplicates where the
    database allows none, and an audit trail within the life of the data it records. Returns
    the rows ready to insert. Raises BackupError naming the first bad table, row and field."""
    tables = data["tables"]
    unknown = sorted(set(tables) - {table.name for table in _tables()})
    if unknown:
        raise BackupError(f"The backup has tables this app does not know: {', '.join(unknown)}. Nothing was "
                          "restored.")
    referenced = {(fk.column.table.name, fk.column.name) for table in _tables() for fk in table.foreign_keys}
    present: dict[tuple[str, str], set[Any]] = {key: set() for key in referenced}
    decoded_tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        rows = tables.get(table.name, [])
        if not isinstance(rows, list):
            raise BackupError(f"The backup's table {table.name} is not a list of rows. Nothing was restored.")
        uniques = _unique_column_sets(table)
        taken: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = {columns: {} for columns in uniques}
        decoded_rows = []
        for number, row in enumerate(rows, 1):
            decoded = _validate_row(table, number, row, present)
            for columns in uniques:
                key = tuple(decoded.get(c) for c in columns)
                if None in key:
                    continue  # SQL lets any number of rows leave a unique field empty
                if key in taken[columns]:
                    raise _bad(table.name, number, row, columns[-1],
                               f"repeats row {taken[columns][key]}'s {' and '.join(columns)}, which must be unique")
                taken[columns][key] = number
            for (name, column), values in present.items():
                if name == table.name and decoded.get(column) is not None:
                    values.add(decoded[column])
            decoded_rows.append(decoded)
        decoded_tables[table.name] = decoded_rows
    _check_history(data, decoded_tables)
    return decoded_tables


def _validate_row(table: Any, number: int, row: Any, present: dict[tuple[str, str], set[Any]]) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise BackupError(f"In the backup's table {table.name}, row {number} is not a row of named fields. "
                          "Nothing was restored.")
    unknown = sorted(set(row) - set(table.columns.keys()))
    if unknown:
        raise _bad(table.name, number, row, unknown[0], "is not a field this app knows")
    decoded = {}
    for column in table.columns:
        value = row.get(column.name)
        try:
            decoded[column.name] = _value(table.name, column, value)
        except ValueError as problem:
            raise _bad(table.name, number, row, column.name, str(problem)) from None
        for fk in column.foreign_keys:
            target = (fk.column.table.name, fk.column.name)
            if value is not None and value not in present[target]:
                raise _bad(table.name, number, row, column.name,
                           f"refers to {target[0]} {value}, which is not in the backup")
    return decoded


def _value(table: str, column: Any, value: Any) -> Any:
    """The value ready to insert, or ValueError saying in plain words what is wrong with it."""
    if value is None:
        if not column.nullable:
            raise ValueError("is empty, but every row needs it")
        return None
    kind = getattr(column.type, "impl", column.type)  # UTCDateTime decorates DateTime
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"should be true or false, not {_shown(value)}")
    elif isinstance(kind, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"should be a whole number, not {_shown(value)}")
        limit = 2**63 if isinstance(kind, BigInteger) else 2**31
        if not -limit <= value < limit:
            raise ValueError(f"is {value}, too large a number for the database")
    elif isinstance(kind, Float):
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"should be a number, not {_shown(value)}")
    elif isinstance(kind, DateTime):
        value = _datetime(value)
    elif isinstance(kind, Date):
        if not isinstance(value, str):
            raise ValueError(f"should be a date written YYYY-MM-DD, not {_shown(value)}")
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"should be a date written YYYY-MM-DD, not {_shown(value)}") from None
    elif isinstance(kind, String):
        _check_text(table, column, kind, value)
    return value


def _datetime(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"should be a date and time, not {_shown(value)}")
    if moment.utcoffset() is None:
        raise ValueError(f"is {_shown(value)}, a time with no time zone (the app stores UTC times)")
    return moment


def _check_text(table: str, column: Any, kind: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise ValueError(f"should be text, not {_shown(value)}")
    if has_control(value):
        raise ValueError("holds a control or invisible character (such as NUL), which the app never stores")
    if kind.length is not None and len(value) > kind.length:
        raise ValueError(f"is {len(value):,} characters long; the most it may hold is {kind.length:,}")
    choices = CHOICES.get((table, column.name))
    if choices is not None and value not in choices:
        words = ", ".join(c.value if isinstance(c, StrEnum) else c for c in choices)
        raise ValueError(f"is {_shown(value)}, which is not one of: {words}")
    pattern = PERIODS.get((table, column.name))
    if pattern is not None and value and not pattern.match(value):
        raise ValueError(f"is {_shown(value)}, not a reporting period like 2026-Q3, 2026-07 or 2026")
    if (table, column.name) == ("person", "email") and (not EMAIL.match(value) or value != value.lower()):
        raise ValueError(f"is {_shown(value)}, not an e-mail address as the app stores them")


def _check_history(data: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> None:
    """Audit events are history and restore as they were, but an event dated before any plan in
    the backup existed, or after the backup was made, cannot be true: the file was altered."""
    events = tables["audit_event"]
    first_plan = min((p["created_at"] for p in tables["plan"]), default=None)
    try:
        made = datetime.fromisoformat(str(data.get("made_at")))
    except ValueError:
        made = None
    made = made if made is not None and made.utcoffset() is not None else None
    for number, event in enumerate(events, 1):
        if first_plan is not None and event["at"] < first_plan - SLACK:
            raise _bad("audit_event", number, event, "at",
                       f"is {event['at']:%d %b %Y %H:%M}, before the first plan in the backup was loaded "
                       f"({first_plan:%d %b %Y}): an audit trail cannot begin before what it records, so the "
                       "file has been altered")
        if made is not None and event["at"] > made + SLACK:
            raise _bad("audit_event", number, event, "at",
                       f"is {event['at']:%d %b %Y %H:%M}, after the backup was made ({made:%d %b %Y}), "
                       "so the file has been altered")


def _unique_column_sets(table: Any) -> list[tuple[str, ...]]:
    """The primary key and every unique constraint or unique index, as column names."""
    sets = {tuple(c.name for c in table.primary_key.columns)}
    for constraint in table.constraints:
        if constraint.__class__.__name__ == "UniqueConstraint":
            sets.add(tuple(c.name for c in constraint.columns))
    for index in table.indexes:
        if index.unique:
            sets.add(tuple(c.name for c in index.columns))
    return sorted(s for s in sets if s)


def _bad(table: str, number: int, row: Any, field: str, problem: str) -> BackupError:
    which = f"row {number}" + (f" (id {row['id']})" if isinstance(row, dict) and "id" in row else "")
    return BackupError(f"The backup cannot be restored: in table {table}, {which}, the field {field} {problem}. "
                       "Nothing was restored.")


def _shown(value: Any) -> str:
    """A value as the message quotes it: short, and with control characters made visible."""
    shown = json.dumps(value, ensure_ascii=True)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _refuse_if_not_empty(connection: Connection) -> None:
    for table in _tables():
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(
                f"The database already holds data (table {table.name} is not empty). Restore only "
                "into an empty database, so nothing stored is overwritten: point PLAN_DATABASE_URL "
                "at a new database and run restore again.")


def _reset_sequences(connection: Connection) -> None:
    """After explicit ids, move each id sequence past the largest id so new rows do not clash."""
    for table in _tables():
        if "id" in table.columns and table.columns["id"].primary_key:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
