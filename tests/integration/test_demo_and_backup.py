"""Demo data is labelled and repeatable; a backup restores whole into either database."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

import models
from plan import backup
from plan.actions import rag_counts
from plan.cli import main as cli
from plan.db import reset_engines, session_scope
from plan.demo import DEMO_LABEL, add_demo, life_periods, life_start
from plan.errors import BackupError, NotAllowed
from plan.periods import period_for

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def test_demo_history_is_labelled_and_moves_current_rag(seeded, admin) -> None:
    with session_scope() as session:
        added = add_demo(session, user=admin, plan_id=seeded.id, today=NOW)
    # The plan starts on 3 July 2026: history in Q3 and Q4 only (2 periods x 20 actions that start in
    # Q3, 1 period x 5 that start on 1 October), and measure figures for the periods that have ended by
    # 28 November: July to September for the 11 quarterly measures, the summer term for the termly one,
    # July to October for the 3 monthly ones, and one revision.
    assert added == {"actions": 0, "updates": 45, "measure_values": 11 + 1 + 3 * 4 + 1}
    with session_scope() as session:
        states = session.execute(select(models.MeasureValue.state, models.MeasureValue.provisional,
                                        models.MeasureValue.is_demo)).all()
    # the demo shows every state a real return can have: suppressed, not yet available, provisional
    assert {state for state, _, _ in states} == {"value", "suppressed", "missing"}
    assert any(provisional for _, provisional, _ in states) and all(is_demo for _, _, is_demo in states)
    with session_scope() as session:
        updates = session.execute(select(models.StatusUpdate)).scalars().all()
        assert all(u.is_demo and u.commentary.startswith(DEMO_LABEL) for u in updates)
        assert {u.period for u in updates} == {"2026-Q3", "2026-Q4"}
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
    now = datetime.now(UTC)
    assert "300 synthetic actions" in capsys.readouterr().out
    counts = _counts()
    assert counts["action"] == 325
    with session_scope() as session:
        plan = session.get(models.Plan, seeded.id)
        starts = session.execute(select(models.Action.start_date)).scalars().all()
        latest = session.execute(select(func.max(models.StatusUpdate.created_at))).scalar_one()
        assert sum(r["count"] for r in rag_counts(session, plan_id=seeded.id)) == 325
    # one update per period of each action's life so far (up to four), none in the future
    assert counts["status_update"] == sum(
        len(life_periods(plan.reporting_cycle, life_start(plan.start_date, start), now)) for start in starts)
    assert latest <= now


def test_demo_history_falls_within_the_plans_life(seeded, admin) -> None:
    """The plan starts on 3 July 2026: no demo update before that (nor before its action starts,
    nor after today), each in the period it is labelled with; no figures before the plan either."""
    plan_start = datetime.combine(date(2026, 7, 3), time(), tzinfo=UTC)
    with session_scope() as session:
        add_demo(session, user=admin, plan_id=seeded.id, actions=40, today=NOW)
    with session_scope() as session:
        rows = session.execute(select(models.StatusUpdate.created_at, models.StatusUpdate.period,
                                      models.Action.start_date, models.Action.is_demo)
                               .join(models.Action, models.Action.id == models.StatusUpdate.action_id)).all()
        figures = session.execute(select(models.MeasureValue.period, models.MeasureValue.period_end)).all()
        synthetic_starts = session.execute(select(models.Action.start_date)
                                           .where(models.Action.is_demo.is_(True))).scalars().all()
    assert len(rows) == 45 + 40 * 2 and {is_demo for *_, is_demo in rows} == {False, True}
    first = min(at for at, *_ in rows)
    assert first >= plan_start, f"a demo update is dated {first:%d %b %Y}, before the plan started"
    for at, period, action_start, _ in rows:
        assert at.date() >= action_start and at <= NOW
        assert period_for(at.date(), "quarterly") == period
    # figures only for periods that have ended (a figure is given once its period is over), none before the plan
    assert {period for period, _ in figures} == {"2026-Q3", "AY2025/26-T3", "2026-07", "2026-08", "2026-09",
                                                 "2026-10"}
    assert all(end < NOW.date() for _, end in figures)
    assert min(synthetic_starts) >= plan_start.date()


def test_a_plan_that_has_not_started_gets_no_demo_history(seeded, admin) -> None:
    with session_scope() as session:
        added = add_demo(session, user=admin, plan_id=seeded.id, actions=5,
                         today=datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert added == {"actions": 5, "updates": 0, "measure_values": 0}


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
