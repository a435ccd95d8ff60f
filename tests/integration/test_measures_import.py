"""The wide-spreadsheet import on both databases: a dry run writes nothing; one transaction; a
bad row is named with its reason and nothing is written; re-importing the same file changes
nothing; and `python -m plan measures list --json` shows what was imported."""

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import models
from plan.cli import main as cli
from plan.db import session_scope
from plan.measures import RowsRejected, get_measure, import_measures

SAMPLE = Path("/work/shared/samples/example_council_measures.xlsx")
TODAY = date(2026, 11, 28)
HEADER = ["Code", "Indicator", "Measure type", "Baseline (2023/24)", "Target", "Polarity", "Frequency", "Source",
          "Action", "Q1 24/25", "Q2 24/25", "Q3 24/25", "Comment"]
ROWS = [
    ["W1", "Knife crime", "Count in quarter", 188, "10% reduction on baseline (<=191/yr)", "Lower", "Quarterly",
     "Essex Police", "4.4", 51, "47", "<5", "Q3 suppressed"],
    ["W2", "Return home interviews in 72 hours", "Percentage", "58%", "80%", "Higher", "Quarterly",
     "Southend-on-Sea Borough Council", "3.1, 3.3", "57%", "n/a", "63%", None],
    ["W3", "NRM referrals", "Count in quarter", 31, "No target – contextual", "Contextual", "Quarterly",
     "Council first responders", None, 7, 9, None, None],
]


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _workbook(tmp_path: Path, rows: list[list], name: str = "measures.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "KPIs"
    sheet.append(["Southend V&V – outcome measures (OFFICIAL-SENSITIVE)"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def _import(plan_id: int, admin, path: Path, **extra):  # noqa: ANN001, ANN003, ANN202
    with session_scope() as session:
        return import_measures(session, user=admin, plan_id=plan_id, content=path.read_bytes(), filename=path.name,
                               today=TODAY, **extra)


def test_a_dry_run_reports_and_writes_nothing(seeded, admin, tmp_path) -> None:
    path = _workbook(tmp_path, ROWS)
    before = _counts()
    report = _import(seeded.id, admin, path, dry_run=True)
    assert _counts() == before
    assert (report["sheet"], report["header_row"], report["periods"]) == ("KPIs", 3, ["2024-Q2", "2024-Q3", "2024-Q4"])
    assert [(m["row"], m["ref"], m["change"], m["values_added"]) for m in report["measures"]] == [
        (4, "W1", "new", 3), (5, "W2", "new", 3), (6, "W3", "new", 3)]  # W3: a blank after a figure is missing
    assert report["warnings"] == [
        "Row 6 (W3): no agency of the plan is called 'Council first responders'; the source is kept as written, "
        "and only the secretariat can submit its figures until the source agency is named in the app."]


def test_an_import_lands_whole_and_again_changes_nothing(seeded, admin, tmp_path) -> None:
    path = _workbook(tmp_path, ROWS)
    report = _import(seeded.id, admin, path)
    assert (report["new"], report["values_added"]) == (3, 9)
    with session_scope() as session:
        w1 = get_measure(session, user=admin, plan_id=seeded.id, ref="W1")
        w2 = get_measure(session, user=admin, plan_id=seeded.id, ref="W2")
        w3 = get_measure(session, user=admin, plan_id=seeded.id, ref="W3")
    assert (w1["kind"], w1["direction"], w1["target"], w1["target_per"], w1["target_text"]) == (
        "count", "lower", 191.0, "year", "10% reduction on baseline (<=191/yr)")
    assert (w1["baseline"], w1["baseline_period"], w1["source_agency"], w1["actions"]) == (
        188.0, "FY2023/24", "Essex Police", ["4.4"])
    assert [(v["period"], v["state"], v["value"], v["raw"]) for v in w1["values"]] == [
        ("2024-Q2", "value", 51.0, "51"), ("2024-Q3", "value", 47.0, "47"), ("2024-Q4", "suppressed", None, "<5")]
    # the latest usable figure (Jul-Sep 47) against 191 a year = 47.75 a quarter, the suppressed quarter skipped
    assert (w1["evidence_rag"], w1["evidence"]["period"], w1["evidence"]["uses_older_figure"]) == (
        "green", "2024-Q3", True)
    assert (w2["unit"], w2["kind"], w2["baseline"], w2["actions"]) == ("%", "snapshot", 58.0, ["3.1", "3.3"])
    assert [(v["state"], v["value"]) for v in w2["values"]] == [("value", 57.0), ("missing", None), ("value", 63.0)]
    assert (w2["evidence_rag"], w2["direction_of_travel"]) == ("red", "better")  # 63% v 80%; up from 57%
    # contextual, no numeric target; a blank after the first figure is "not received"; the source as written
    assert (w3["direction"], w3["target"], w3["evidence_rag"], w3["source_text"], w3["actions"]) == (
        "contextual", None, None, "Council first responders", [])
    assert [(v["period"], v["state"], v["raw"]) for v in w3["values"]][-1] == ("2024-Q4", "missing", "")
    before = _counts()
    again = _import(seeded.id, admin, path)
    assert (again["new"], again["changed"], again["unchanged"], again["values_added"]) == (0, 0, 3, 0)
    assert _counts() == before  # not even an audit event


def test_a_changed_sheet_revises_figures_and_definitions_and_keeps_the_old(seeded, admin, tmp_path) -> None:
    _import(seeded.id, admin, _workbook(tmp_path, ROWS))
    changed = [list(row) for row in ROWS]
    changed[0][4] = "10% reduction on baseline (<=185/yr)"  # a new target
    changed[0][10] = "48"  # Q2 revised
    changed[2][11] = 12  # W3's Q3 arrives
    changed[1][11] = None  # a blank never replaces a figure already held
    changed[1][8] = None  # nor removes links made earlier
    report = _import(seeded.id, admin, _workbook(tmp_path, changed, "v2.xlsx"))
    assert [(m["ref"], m["change"], m["values_added"], m["revisions"]) for m in report["measures"]] == [
        ("W1", "changed", 1, 1), ("W2", "unchanged", 0, 0), ("W3", "unchanged", 1, 1)]
    assert report["measures"][0]["changed_fields"] == ["target", "target_text"]
    with session_scope() as session:
        w1 = get_measure(session, user=admin, plan_id=seeded.id, ref="W1")
        w2 = get_measure(session, user=admin, plan_id=seeded.id, ref="W2")
        q2 = session.execute(select(models.MeasureValue.value).join(models.Measure)
                             .where(models.Measure.ref == "W1", models.MeasureValue.period == "2024-Q3")
                             .order_by(models.MeasureValue.id)).scalars().all()
    assert (w1["target"], q2) == (185.0, [47.0, 48.0])
    assert (w2["values"][-1]["value"], w2["actions"]) == (63.0, ["3.1", "3.3"])


def test_a_bad_row_is_named_with_its_reason_and_nothing_is_written(seeded, admin, tmp_path, capsys) -> None:
    bad = [list(row) for row in ROWS]
    bad[1][10] = "lots"  # row 5
    bad[2][8] = "9.9"  # row 6: no such action
    bad.append(["", "A measure with no code", "Count in quarter", None, None, "Lower", "Quarterly", None, None, 1, 2,
                3, None])  # row 7
    bad.append(["W1", "Twice", "Count in quarter", None, None, "Lower", "Quarterly", None, None, 1, 2, 3, None])
    path = _workbook(tmp_path, bad)
    before = _counts()
    with pytest.raises(RowsRejected) as refused:
        _import(seeded.id, admin, path)
    assert refused.value.problems == [
        (5, "column 'Q2 24/25': 'lots' is not a number; write a figure (1,145 or 55%), <5 or * for a suppressed "
            "small number, or 'not yet available' (n/a) when there is no figure yet."),
        (6, "action 9.9 is not in the plan; give action refs as the plan writes them (e.g. 3.5), or leave the "
            "cell empty."),
        (7, "'A measure with no code' has no code; give it one in the 'Code' column."),
        (8, "code W1 is also on row 4; each measure needs its own code."),
    ]
    assert _counts() == before
    assert cli(["measures", "import", str(path)]) == 1
    error = capsys.readouterr().err
    assert "Nothing was saved: the spreadsheet has 4 rows to fix." in error and "row 6: action 9.9" in error
    assert _counts() == before


def test_the_councils_own_workbook_through_the_command_line(seeded, capsys) -> None:
    assert cli(["measures", "import", str(SAMPLE), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dry run: nothing was saved. example_council_measures.xlsx (sheet 'Measures', header on "
                          "row 3, 5 periods)")
    assert "6 new, 0 changed, 0 unchanged measures; would add 30 figures (0 revisions)." in out
    assert cli(["measures", "import", str(SAMPLE), "--sheet", "Measures"]) == 0
    capsys.readouterr()
    assert cli(["measures", "list", "--json"]) == 0
    listed = {m["ref"]: m for m in json.loads(capsys.readouterr().out)}
    assert {"M1.4", "M3.7", "M1", "M6"} <= set(listed)
    m1, m2, m3, m5, m6 = (listed[r] for r in ("M1", "M2", "M3", "M5", "M6"))
    assert [(v["period"], v["value"], v["state"]) for v in m1["values"]] == [
        ("2024-Q2", 4.0, "value"), ("2024-Q3", None, "suppressed"), ("2024-Q4", 3.0, "value"),
        ("2025-Q1", None, "suppressed"), ("2025-Q2", 5.0, "value")]
    assert (m1["target_text"], m1["evidence_rag"], m1["direction_of_travel"]) == ("Reduce", None, "worse")
    assert m1["latest"] == {"period": "2025-Q2", "label": "Apr–Jun 2025", "value": 5.0, "state": "value", "raw": "5",
                            "provisional": False}
    # "10% reduction" on 188 in 2023/24: 169.2 a year, 42.3 a quarter; Jan-Mar "n/a" is missing, not zero
    assert (m2["values"][3]["state"], m2["evidence_rag"], m2["expected"]) == ("missing", "red", 42.3)
    # cumulative since 1 April 2024, 800 by 31 March 2026: 702 by June 2025 is ahead of the trajectory (499.7)
    assert (m3["kind"], m3["target_type"], m3["evidence_rag"]) == ("cumulative", "trajectory", "green")
    assert round(m3["expected"], 1) == 499.7
    assert (m5["direction"], m5["evidence_rag"], m5["direction_of_travel"]) == ("contextual", None, None)
    assert (m6["kind"], m6["unit"], m6["evidence_rag"], m6["target_text"]) == (
        "rolling_12", "rate per 100,000", None, "Below regional average")
    assert listed["M4"]["values"][0] == {"period": "2024-Q2", "label": "Apr–Jun 2024", "value": 57.0, "state": "value",
                                         "raw": "57%", "provisional": False}
    assert cli(["measures", "import", str(SAMPLE)]) == 0
    assert "0 new, 0 changed, 6 unchanged measures; added 0 figures" in capsys.readouterr().out


def test_the_command_line_says_what_is_wrong_with_the_file(seeded, tmp_path, capsys) -> None:
    assert cli(["measures", "import", str(SAMPLE), "--sheet", "Nope"]) == 1
    assert "has no sheet 'Nope'; its sheets are: Measures." in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("just some words\nand more\n")
    assert cli(["measures", "import", str(tmp_path / "notes.txt")]) == 1
    assert "No header row found" in capsys.readouterr().err
