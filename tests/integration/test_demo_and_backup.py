"""Demo data is labelled and repeatable; a backup restores whole into either database."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import models
from plan import backup
from plan.actions import rag_counts
from plan.cli import main as cli
from plan.db import reset_engines, session_scope
from plan.demo import DEMO_LABEL, add_demo
from plan.errors import BackupError, NotAllowed

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def test_demo_history_is_labelled_and_moves_current_rag(seeded, admin) -> None:
    with session_scope() as session:
        added = add_demo(session, user=admin, plan_id=seeded.id, today=NOW)
    assert added == {"actions": 0, "updates": 100, "measure_values": 56}
    with session_scope() as session:
        updates = session.execute(select(models.StatusUpdate)).scalars().all()
        assert all(u.is_demo and u.commentary.startswith(DEMO_LABEL) for u in updates)
        assert {u.period for u in updates} == {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}
        # each action's current RAG is its latest update's
        for action in session.execute(select(models.Action)).scalars():
            latest = max((u for u in updates if u.action_id == action.id), key=lambda u: (u.created_at, u.id))
            assert action.rag == latest.rag
        assert not any(r["rag"] == "not_assessed" for r in rag_counts(session, plan_id=seeded.id))
    # a second run adds nothing to actions that already have history
    with session_scope() as session:
        assert add_demo(session, user=admin, plan_id=seeded.id, today=NOW)["updates"] == 0


def test_demo_is_deterministic(seeded, admin) -> None:
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, today=NOW)
        first = session.execute(select(models.Action.ref, models.Action.rag).order_by(models.Action.ref)).all()
    expected = list(first)
    assert {rag for _, rag in expected} - {"not_assessed"}, "demo gave every action a rating"
    with session_scope() as session:
        session.execute(models.StatusUpdate.__table__.delete())
        session.execute(models.MeasureValue.__table__.delete())
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, today=NOW)
        again = session.execute(select(models.Action.ref, models.Action.rag).order_by(models.Action.ref)).all()
    assert again == expected


def test_demo_synthetic_actions_for_scale(seeded, capsys) -> None:
    assert cli(["demo", "--actions", "300"]) == 0
    assert "300 synthetic actions" in capsys.readouterr().out
    counts = _counts()
    assert counts["action"] == 325
    assert counts["status_update"] == 1300  # four periods for each action
    with session_scope() as session:
        assert sum(r["count"] for r in rag_counts(session, plan_id=seeded.id)) == 325


def test_only_the_secretariat_adds_demo_data(seeded, reader) -> None:
    with session_scope() as session, pytest.raises(NotAllowed):
        add_demo(session, user=reader, plan_id=seeded.id)


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_backup_round_trip_into_either_database(seeded, admin, tmp_path, request, monkeypatch,
                                                 target) -> None:
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=20, today=NOW)
    before = _counts()
    out = tmp_path / "backup.json.gz"
    assert cli(["backup", "--out", str(out)]) == 0
    original = backup.dump()["tables"]
    original_events = list(original["audit_event"])

    reset_engines()  # now point PLAN_DATABASE_URL at a new, empty database
    if target == "sqlite":
        monkeypatch.setenv("PLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'restored.db'}")
    else:
        request.getfixturevalue("postgres_schemas")()
    assert cli(["restore", str(out)]) == 0
    after = _counts()
    # making the backup and restoring it are both audited (the backup's event is in the file)
    assert after.pop("audit_event") == before.pop("audit_event") + 2
    assert after == before
    restored = backup.dump()["tables"]
    assert restored.pop("audit_event")[:-1] == original.pop("audit_event")
    assert restored == original
    # new rows after a restore get fresh ids (sequences moved past the restored ids)
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=1, today=NOW)
    assert _counts()["action"] == before["action"] + 1
    assert _counts()["audit_event"] == len(original_events) + 2


def test_restore_refuses_a_database_with_data(seeded, tmp_path) -> None:
    out = tmp_path / "b.json"
    backup.backup(out)
    with pytest.raises(BackupError, match="already holds data"):
        backup.restore(out)
    (tmp_path / "junk.json").write_text('{"hello": 1}')
    with pytest.raises(BackupError, match="not a backup"):
        backup.restore(tmp_path / "junk.json")
