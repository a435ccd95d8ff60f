"""A backup file is input like any other: an edited one (a made-up role, a RAG of "purple", a NUL
byte, a forged audit event...) is refused before anything is written, with the table, row and
field named; making and restoring backups are audited; the file is readable by its owner only."""

import copy
import gzip
import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text, update

import models
from plan import backup
from plan.cli import main as cli
from plan.db import get_engine, reset_engines, session_scope
from plan.errors import BackupError

OWNER = "owner@nhs.net"


def _find(data: dict[str, Any], table: str, **match: Any) -> tuple[int, dict[str, Any]]:
    """The row (and its 1-based number in the file) whose fields match."""
    for number, row in enumerate(data["tables"][table], 1):
        if all(row[k] == v for k, v in match.items()):
            return number, row
    raise AssertionError(f"no {table} row with {match}")


def _first(data: dict[str, Any], table: str) -> tuple[int, dict[str, Any]]:
    return 1, data["tables"][table][0]


def _forged_event(data: dict[str, Any], at: str) -> tuple[int, dict[str, Any]]:
    events = data["tables"]["audit_event"]
    forged = {**events[-1], "id": max(e["id"] for e in events) + 1, "at": at, "event": "user.role_change",
              "entity": "person", "entity_key": OWNER, "detail": "made admin by the secretariat"}
    events.append(forged)
    return len(events), forged


def _set(table: str, field: str, value: Any, find: Callable[..., tuple[int, dict[str, Any]]] = _first,
         **match: Any) -> Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]:
    def change(data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        number, row = find(data, table, **match)
        row[field] = value
        return number, row
    return change


def _duplicate_email(data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    number, row = _find(data, "person", email=OWNER)
    _, other = _find(data, "person", email="viewer@thurrock.gov.uk")
    other["email"] = OWNER
    return _find(data, "person", name=other["name"])


# (what was tampered, how, the words the refusal must say about that row)
TAMPERED = [
    ("a role that does not exist", _set("person", "role", "superuser", _find, email=OWNER),
     'the field role is "superuser", which is not one of: admin, chair, owner, contributor, viewer.'),
    ("a RAG of purple", _set("action", "rag", "purple", _find, ref="1.1"),
     'the field rag is "purple", which is not one of: red, amber, green, blue, not_assessed.'),
    ("an unknown delivery status", _set("action", "delivery_status", "finished", _find, ref="2.1"),
     'the field delivery_status is "finished", which is not one of: not_started, in_progress, complete, '
     "closed, deferred."),
    ("a NUL byte in a title", _set("action", "title", "Schools\x00 programme", _find, ref="1.2"),
     "the field title holds a control or invisible character (such as NUL), which the app never stores."),
    ("an escape sequence in a name", _set("person", "name", "Olu \x1b[31mOwner", _find, email=OWNER),
     "the field name holds a control or invisible character"),
    ("a ref longer than the column", _set("action", "ref", "9" * 31, _find, ref="1.3"),
     "the field ref is 31 characters long; the most it may hold is 30."),
    ("a version that is text", _set("action", "version", "2", _find, ref="1.4"),
     'the field version should be a whole number, not "2".'),
    ("a yes for a true", _set("action", "restricted", "yes", _find, ref="1.4"),
     'the field restricted should be true or false, not "yes".'),
    ("a date in the wrong form", _set("action", "start_date", "31/02/2027", _find, ref="1.4"),
     'the field start_date should be a date written YYYY-MM-DD, not "31/02/2027".'),
    ("a time without a time zone", _set("action", "created_at", "2026-07-03T09:00:00", _find, ref="1.4"),
     'the field created_at is "2026-07-03T09:00:00", a time with no time zone'),
    ("a missing name", _set("person", "name", None, _find, email=OWNER),
     "the field name is empty, but every row needs it."),
    ("a reference to a theme not in the file", _set("action", "theme_id", 999, _find, ref="1.4"),
     "the field theme_id refers to theme 999, which is not in the backup."),
    ("two people with one e-mail", _duplicate_email,
     "the field email repeats row "),
    ("an e-mail in capitals", _set("person", "email", "Owner@NHS.net", _find, email=OWNER),
     'the field email is "Owner@NHS.net", not an e-mail address as the app stores them.'),
    ("a field the app does not know", _set("action", "colour", "purple", _find, ref="1.4"),
     "the field colour is not a field this app knows."),
    ("a number that is not one", _set("measure", "baseline", float("nan")),
     "the field baseline should be a number, not NaN."),
    ("an audit event dated 2020", lambda data: _forged_event(data, "2020-03-01T09:00:00+00:00"),
     "the field at is 01 Mar 2020 09:00, before the first plan in the backup was loaded"),
    ("an audit event from the future", lambda data: _forged_event(data, "2031-03-01T09:00:00+00:00"),
     "the field at is 01 Mar 2031 09:00, after the backup was made"),
    ("a period that is not one", _set("update_round", "period", "soon"),
     'the field period is "soon", not a reporting period like 2026-Q3, 2026-07 or 2026.'),
]


def _tables_in_target() -> list[str]:
    return inspect(get_engine()).get_table_names()


def _point_at_empty_database(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             request: pytest.FixtureRequest) -> None:
    reset_engines()
    if kind == "sqlite":
        monkeypatch.setenv("PLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'target.db'}")
    else:
        request.getfixturevalue("postgres_schemas")()


@pytest.fixture
def backup_file(seeded, people, tmp_path) -> Path:  # noqa: ANN001
    """A backup of the seed plan with its people, one round and a due-date request in it."""
    from plan import due_dates, rounds

    with session_scope() as session:
        rounds.open_round(session, user=people["admin"], plan_id=seeded.id, period="2026-Q4",
                          deadline="12/12/2099")
    with session_scope() as session:
        due_dates.request_revision(session, user=people["owner"], plan_id=seeded.id, ref="3.5",
                                   new_date="30/06/2027", reason="Waiting for the new contract")
    out = tmp_path / "good.json"
    assert cli(["backup", "--out", str(out)]) == 0
    return out


def test_a_tampered_backup_is_refused_naming_table_row_and_field(database, backup_file, tmp_path, monkeypatch,
                                                                 request) -> None:
    good = json.loads(backup_file.read_text())
    _point_at_empty_database("sqlite" if database.startswith("sqlite") else "postgres", tmp_path, monkeypatch,
                             request)
    for what, tamper, words in TAMPERED:
        data = copy.deepcopy(good)
        number, row = tamper(data)
        bad = tmp_path / "tampered.json"
        bad.write_text(json.dumps(data))
        with pytest.raises(BackupError) as refused:
            backup.restore(bad)
        message = str(refused.value)
        table = next(name for name, rows in data["tables"].items() if any(r is row for r in rows))
        where = f"The backup cannot be restored: in table {table}, row {number}"
        assert message.startswith(where), f"{what}: {message}"
        assert words in message, f"{what}: {message}"
        assert message.endswith("Nothing was restored."), what
        assert _tables_in_target() == [], f"{what}: something was written before the refusal"

    # The untouched file still restores, and pages read it as before.
    counts = backup.restore(backup_file)
    assert counts["person"] == 5 and counts["action"] == 25
    with session_scope() as session:
        roles = set(session.execute(select(models.Person.role)).scalars())
    assert roles == {"admin", "chair", "owner", "contributor", "viewer"}


def test_an_unknown_table_or_damaged_file_is_refused(database, backup_file, tmp_path, monkeypatch,
                                                     request) -> None:
    data = json.loads(backup_file.read_text())
    data["tables"]["secret_notes"] = [{"id": 1}]
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(data))
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(gzip.compress(backup_file.read_bytes())[:200])
    not_gzip = tmp_path / "fake.json.gz"
    not_gzip.write_bytes(b"\x1f\x8b" + b"not really compressed" * 10)
    _point_at_empty_database("sqlite" if database.startswith("sqlite") else "postgres", tmp_path, monkeypatch,
                             request)
    with pytest.raises(BackupError, match="tables this app does not know: secret_notes"):
        backup.restore(extra)
    for path in (damaged, not_gzip):
        with pytest.raises(BackupError, match=f"{path.name} is not a backup made by"):
            backup.restore(path)
    assert _tables_in_target() == []


def test_backup_and_restore_are_audited_and_the_file_is_private(database, backup_file, people, tmp_path,
                                                                monkeypatch, request) -> None:
    # The backup written by the fixture (through the command line) is mode 0600 and audited.
    assert stat.S_IMODE(os.stat(backup_file).st_mode) == 0o600
    data = json.loads(backup_file.read_text())
    [made] = [e for e in data["tables"]["audit_event"] if e["event"] == "backup.create"]
    assert made["actor"] == "command line" and made["entity_key"] == "good.json"
    # Over an older, world-readable file, and whatever the umask: still 0600.
    again = tmp_path / "again.json.gz"
    again.write_bytes(b"old")
    again.chmod(0o644)
    old_umask = os.umask(0)
    try:
        backup.backup(again, actor=people["admin"])
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(again).st_mode) == 0o600
    assert not again.with_name("again.json.gz.partial").exists()

    _point_at_empty_database("sqlite" if database.startswith("sqlite") else "postgres", tmp_path, monkeypatch,
                             request)
    backup.restore(again, actor=people["admin"])
    with session_scope() as session:
        events = session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id)).scalars().all()
    restored, last = events[:-1], events[-1]
    assert [e.event for e in restored if e.event.startswith("backup.")] == ["backup.create", "backup.create"]
    assert restored[-1].actor == "Sam Secretariat <secretariat@southend.gov.uk>"  # the second backup's
    # The history restores as it was (same ids, times and words); the restore is added after it.
    assert [(e["id"], e["event"], e["detail"]) for e in data["tables"]["audit_event"]] == \
        [(e.id, e.event, e.detail) for e in restored][:len(data["tables"]["audit_event"])]
    assert last.event == "backup.restore" and last.actor == "Sam Secretariat <secretariat@southend.gov.uk>"
    assert last.id == restored[-1].id + 1
    assert f"its {len(restored)} audit events (ids up to {restored[-1].id}) are the backup's history" in last.detail


def test_the_command_line_prints_the_refusal_not_a_traceback(database, backup_file, tmp_path, monkeypatch,
                                                             request, capsys) -> None:
    data = json.loads(backup_file.read_text())
    _set("person", "role", "superuser", _find, email=OWNER)(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    _point_at_empty_database("sqlite" if database.startswith("sqlite") else "postgres", tmp_path, monkeypatch,
                             request)
    capsys.readouterr()
    assert cli(["restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert re.match(r'error: The backup cannot be restored: in table person, row \d+ \(id \d+\), the field role '
                    r'is "superuser", which is not one of: admin, chair, owner, contributor, viewer\. '
                    r"Nothing was restored\.\n$", err), err
    assert _tables_in_target() == []
    assert cli(["restore", str(backup_file)]) == 0
    with session_scope() as session:
        [event] = session.execute(select(models.AuditEvent).where(models.AuditEvent.event == "backup.restore")
                                  ).scalars().all()
    assert event.actor == "command line"


def test_a_sqlite_backup_holding_a_nul_is_refused_by_a_postgresql_restore(seeded_sqlite, tmp_path,
                                                                         postgres_schemas) -> None:
    # SQLite stores a NUL that a service never would (an old copy, or a hand edit)...
    with get_engine().begin() as connection:
        connection.execute(update(models.Action).where(models.Action.ref == "4.6")
                           .values(description="Operational detail\x00withheld"))
        assert connection.execute(text("SELECT instr(description, char(0)) FROM action WHERE ref = '4.6'")
                                  ).scalar() > 0
    out = tmp_path / "from-sqlite.json.gz"
    backup.backup(out)
    reset_engines()
    postgres_schemas()
    # ... which PostgreSQL cannot hold: refused with the message, not a database error.
    with pytest.raises(BackupError) as refused:
        backup.restore(out)
    number, _ = _find(json.loads(gzip.decompress(out.read_bytes())), "action", ref="4.6")
    assert str(refused.value).startswith(f"The backup cannot be restored: in table action, row {number}")
    assert "the field description holds a control or invisible character (such as NUL)" in str(refused.value)
    assert _tables_in_target() == []
