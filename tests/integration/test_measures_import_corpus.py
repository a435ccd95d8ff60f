"""Measures workbooks in the shapes partnerships publish (tests/data/workbooks/measures.py), each
imported as published, no edits and no flags, on SQLite and PostgreSQL: every measure and every
cell checked against what is stored (figure, suppressed, missing with its reason, the text kept
as a note, the sheet's own status); codes made where the sheet has none and found again by name;
every interpretation said in the dry run; importing again changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

import models
from models import Measure, MeasureValue
from plan.db import session_scope
from plan.identity import Actor
from plan.measures import import_measures
from tests.data.workbooks.measures import MEASURES, MeasuresShape

TODAY = date(2026, 11, 28)


def _import(plan_id: int, shape: MeasuresShape, **extra):  # noqa: ANN003, ANN202
    with session_scope() as session:
        return import_measures(session, user=Actor.system("test secretariat"), plan_id=plan_id,
                               content=shape.content(), filename=shape.name, today=TODAY, **extra)


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _stored(plan_id: int, refs: set[str]) -> dict[str, dict]:
    with session_scope() as session:
        found = {}
        for m in session.exec(select(Measure).where(Measure.plan_id == plan_id)).scalars():
            if m.ref not in refs:
                continue
            values = session.exec(select(MeasureValue).where(MeasureValue.measure_id == m.id)
                                  .order_by(MeasureValue.period_end, MeasureValue.id)).scalars().all()
            found[m.name] = {
                "ref": m.ref, "unit": m.unit, "kind": m.kind, "direction": m.direction, "baseline": m.baseline,
                "baseline_period": m.baseline_period, "target_text": m.target_text,
                "values": [(v.period, v.state, v.value, v.note, v.reported_status) for v in values]}
        return found


@pytest.mark.parametrize("shape", MEASURES, ids=[s.name for s in MEASURES])
def test_a_published_performance_report_imports_as_published(seeded, shape: MeasuresShape) -> None:  # noqa: ANN001
    before = _counts()
    checked = _import(seeded.id, shape, dry_run=True)
    assert _counts() == before, "a dry run writes nothing"
    for words in shape.expected_warnings:
        assert any(words in w for w in checked["warnings"]), (words, checked["warnings"])
    assert checked["new"] == len(shape.measures)
    done = _import(seeded.id, shape)
    assert (done["new"], done["values_added"]) == (checked["new"], checked["values_added"])
    refs = {m["ref"] for m in done["measures"]}
    stored = _stored(seeded.id, refs)
    assert sorted(stored) == sorted(m.name for m in shape.measures)
    for expected in shape.measures:
        got = stored[expected.name]
        if expected.ref is not None:
            assert got["ref"] == expected.ref
        assert (got["unit"], got["kind"], got["direction"], got["baseline"], got["baseline_period"]) == (
            expected.unit, expected.kind, expected.direction, expected.baseline, expected.baseline_period), \
            expected.name
        if expected.target_text:
            assert got["target_text"] == expected.target_text
        assert got["values"] == [(v.period, v.state, v.value, v.note, v.status) for v in expected.values], \
            expected.name
    again = _import(seeded.id, shape)
    assert (again["new"], again["changed"], again["values_added"]) == (0, 0, 0), "re-importing changes nothing"
    assert {m["ref"] for m in again["measures"]} == refs, "the codes made are found again by name"
    assert _stored(seeded.id, refs) == stored


def test_a_heading_the_app_does_not_know_is_corrected_on_the_command_line(seeded, tmp_path, capsys) -> None:  # noqa: ANN001
    from openpyxl import Workbook

    from plan.cli import main as cli

    book = Workbook()
    sheet = book.active
    sheet.append(["Wexbridge CSP performance 2025/26"])
    sheet.append(["What we track", "Q1", "Q2", "Change"])  # no heading the app knows for the measure
    sheet.append(["Reduce knife crime", 51, 47, "-8%"])
    sheet.append(["Reduce arson", 12, 9, "-25%"])
    path = tmp_path / "unknown heading.xlsx"
    book.save(path)
    assert cli(["measures", "import", str(path), "--dry-run"]) == 1
    assert "No header row found" in capsys.readouterr().err
    assert cli(["measures", "import", str(path), "--dry-run", "--mapping", "What we track=wrong"]) == 1
    assert "wrong, which is not a field of a measure" in capsys.readouterr().err
    assert cli(["measures", "import", str(path), "--mapping", "What we track=name", "--mapping", "Change=",
                "--header-row", "2"]) == 0
    out = capsys.readouterr().out
    assert "header on row 2, 2 periods" in out and "2 new, 0 changed, 0 unchanged measures; added 4 figures" in out
    with session_scope() as session:
        names = dict(session.exec(select(Measure.name, Measure.direction).where(Measure.name.like("Reduce %"))).all())
    assert names == {"Reduce knife crime": "lower", "Reduce arson": "lower"}
