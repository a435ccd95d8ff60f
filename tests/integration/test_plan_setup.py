"""First start and init: the seed plan lands whole, and a second init changes nothing."""

from datetime import date

from sqlalchemy import func, select

import models
from plan.cli import main as cli
from plan.db import session_scope
from plan.plans import plan_frame
from plan.setup import init


def _row_counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def test_init_loads_the_seed_plan_and_is_idempotent(database: str, capsys) -> None:
    assert cli(["init"]) == 0
    assert "Loaded plan 'southend-vv'" in capsys.readouterr().out
    first = _row_counts()
    assert first["action"] == 25
    assert first["theme"] == 4
    assert first["board"] == 5
    assert first["status_update"] == 0
    assert cli(["init"]) == 0
    assert "Nothing changed" in capsys.readouterr().out
    assert _row_counts() == first


def test_the_plan_frame_carries_marking_themes_and_rag_meanings(seeded) -> None:
    assert seeded.protective_marking == "OFFICIAL-SENSITIVE"
    assert [name for name, _ in seeded.themes] == ["Prepare", "Prevent", "Protect", "Pursue"]
    assert seeded.themes[3][1].startswith("Disrupting criminal behaviour")
    assert [rag for rag, _, _ in seeded.rag_definitions] == ["red", "amber", "green", "blue", "not_assessed"]
    assert seeded.reporting_cycle == "quarterly"


def test_init_reports_a_broken_seed_file_and_writes_nothing(database: str, tmp_path, capsys) -> None:
    broken = tmp_path / "plan.yaml"
    broken.write_text("plan:\n  slug: x\nthemes: []\nagencies: []\nboards: []\nactions:\n  - ref: 1\n")
    assert cli(["init", "--seed", str(broken)]) == 1
    error = capsys.readouterr().err
    assert "line 7: action 1.theme: is missing" in error
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(models.Plan)).scalar_one() == 0


def test_a_deployment_holds_several_plans(seeded, admin) -> None:
    from plan.seed import load_seed, read_seed
    from plan.setup import SEED_FILE

    county = read_seed(SEED_FILE)
    county.slug, county.name = "essex-vv", "Essex V&V plan"
    with session_scope() as session:
        _, created = load_seed(session, user=admin, seed=county)
    assert created
    with session_scope() as session:
        assert plan_frame(session, "essex-vv").name == "Essex V&V plan"
        # agencies are shared, not duplicated
        assert session.execute(select(func.count()).select_from(models.Agency)).scalar_one() == 9
        assert session.execute(select(func.count()).select_from(models.Action)).scalar_one() == 50
    assert init() == ("southend-vv", False)


def test_models_and_migrations_agree(database: str) -> None:
    """Every model change has its migration: a migrated database matches models/ exactly."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from plan import migrate
    from plan.db import get_engine

    migrate.upgrade()
    assert migrate.current_revision() == migrate.head_revision()
    with get_engine().connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models.metadata)
    assert differences == []


def test_migrations_go_down_and_up_again(database: str) -> None:
    from alembic import command
    from alembic.config import Config

    from plan import migrate
    from plan.db import ROOT, get_engine

    migrate.upgrade()
    with get_engine().begin() as connection:
        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert migrate.current_revision() is None
    migrate.upgrade()
    assert migrate.current_revision() == migrate.head_revision()


def test_several_processes_starting_at_once_set_up_one_plan(database: str) -> None:
    """Four `python -m plan init` processes on one empty database: one migrates and loads the plan,
    the others wait and find it loaded."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    processes = [subprocess.Popen([sys.executable, "-m", "plan", "init"], cwd=ROOT, env=dict(os.environ),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], [err for _, err in outputs]
    loaded = [out for out, _ in outputs if out.startswith("Loaded plan")]
    assert len(loaded) == 1
    assert _row_counts()["action"] == 25 and _row_counts()["plan"] == 1


def test_upgrading_records_due_dates_set_directly_as_moves(seeded, admin) -> None:  # noqa: ANN001
    """Revision 0011: a due date set directly before (no move recorded) becomes an approved move, so
    the plan as at today says the date the Actions page says; going down removes only those rows."""
    from alembic import command
    from alembic.config import Config
    from sqlmodel import select as sm_select

    from plan import migrate, reports
    from plan.db import ROOT, get_engine

    with session_scope() as session:
        action = session.exec(sm_select(models.Action).where(models.Action.ref == "2.2")).one()
        action.current_due_date = date(2027, 5, 31)  # set directly, as the editor did before 0011
        session.add(action)
    with get_engine().begin() as connection:
        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    migrate.upgrade()
    with session_scope() as session:
        rows, _ = reports.drill(session, user=admin, plan_id=seeded.id, limit=1000)
        moves = session.exec(sm_select(models.DueDateRequest)).all()
        current = dict(session.execute(select(models.Action.ref, models.Action.current_due_date)).all())
    assert {r["ref"]: r["due"] for r in rows} == current
    assert [(m.requested_date, m.decision) for m in moves] == [(date(2027, 5, 31), "approved")]
    with get_engine().begin() as connection:
        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    with session_scope() as session:
        assert session.exec(sm_select(models.DueDateRequest)).all() == []
    migrate.upgrade()
