"""Data returns on both databases: what a contributor owes, submitting (suppressed, missing,
provisional, revisions), uploads that are all or nothing, and the returns tracker."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

import models
from plan.charts import measure_chart
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed
from plan.measures import (
    RowsRejected,
    get_measure,
    measure_history,
    measures_for_action,
    owed_returns,
    returns_tracker,
    submit_value,
    update_measure,
    upload_returns,
)

TODAY = date(2026, 11, 28)  # the plan started on 3 July 2026


def _figures() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(models.MeasureValue)).scalar_one()


def _submit(actor, plan_id, ref, period, value, **extra):  # noqa: ANN001, ANN003, ANN202
    with session_scope() as session:
        return submit_value(session, user=actor, plan_id=plan_id, measure_ref=ref, period=period, value=value,
                            today=TODAY, **extra)


def test_a_contributor_sees_what_their_agency_owes_and_when(seeded, people) -> None:
    with session_scope() as session:
        owed = owed_returns(session, user=people["contributor"], plan_id=seeded.id, today=TODAY)
    # Essex Police supplies three measures; nothing from other agencies
    assert [(m["ref"], m["frequency"]) for m in owed] == [("M4.2", "quarterly"), ("M4.3", "monthly"),
                                                          ("M4.4", "monthly")]
    quarterly, monthly = owed[0], owed[1]
    # July to September ended on 30 September; the figure was due 30 days later, so it is late
    assert [(p["period"], p["status"], p["due_on"]) for p in quarterly["periods"]] == [
        ("2026-Q3", "late", date(2026, 10, 30))]
    # newest first; October's figure is due on 30 November: owed, not late yet
    assert [(p["label"], p["status"]) for p in monthly["periods"]] == [
        ("Oct 2026", "due"), ("Sep 2026", "late"), ("Aug 2026", "late"), ("Jul 2026", "late")]
    assert (monthly["owed"], monthly["late"]) == (4, 3)
    with session_scope() as session, pytest.raises(NotAllowed, match="cannot submit figures for measures"):
        owed_returns(session, user=people["viewer"], plan_id=seeded.id, today=TODAY)


def test_a_suppressed_figure_is_received_and_shown_as_such(seeded, people) -> None:
    result = _submit(people["contributor"], seeded.id, "M4.2", "Q2 2026/27", "<5")  # = Jul-Sep 2026
    assert (result["period"], result["state"], result["value"], result["raw"]) == ("2026-Q3", "suppressed", None, "<5")
    with session_scope() as session:
        owed = owed_returns(session, user=people["contributor"], plan_id=seeded.id, today=TODAY)
        tracker = returns_tracker(session, user=people["admin"], plan_id=seeded.id, today=TODAY)
        mine = returns_tracker(session, user=people["contributor"], plan_id=seeded.id, today=TODAY)
        measure = get_measure(session, user=people["viewer"], plan_id=seeded.id, ref="M4.2")
    q3 = owed[0]["periods"][0]
    assert (q3["status"], q3["late"], q3["shown"]) == ("received", False, "<5 (suppressed)")
    assert tracker["labels"] == ["Jul–Sep 2026", "Oct–Dec 2026"]
    police = next(a for a in tracker["agencies"] if a["agency"] == "Essex Police")
    # Jul-Sep: M4.2 for the quarter and M4.3, M4.4 for three months each; one received, the rest late
    assert police["cells"]["2026-Q3"] == {"expected": 7, "received": 1, "not_available": 0, "due": 0, "late": 6,
                                          "status": "1 of 7 in; 6 late"}
    # Oct-Dec so far: October for the two monthly measures, not due until 30 November
    assert police["cells"]["2026-Q4"]["status"] == "0 of 2 in; rest not yet due"
    assert "M4.2" not in {late["ref"] for late in tracker["late"] if late["period"] == "2026-Q3"}
    assert [a["agency"] for a in mine["agencies"]] == ["Essex Police"]  # a contributor sees their own agency
    assert len(tracker["agencies"]) > 1
    # the measure shows it as suppressed: no value, no latest, never zero
    assert [(v["period"], v["state"], v["value"]) for v in measure["values"]] == [("2026-Q3", "suppressed", None)]
    assert measure["latest"] is None and measure["evidence_rag"] is None


def test_suppressed_and_missing_periods_are_skipped_by_evidence_and_drawn_as_gaps(seeded, people) -> None:
    with session_scope() as session:
        update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.3",
                       changes={"target_text": "No more than 50 a month", "tolerance": 10})
    _submit(people["contributor"], seeded.id, "M4.3", "Jul-26", "54")
    _submit(people["contributor"], seeded.id, "M4.3", "Aug-26", "*")
    _submit(people["contributor"], seeded.id, "M4.3", "Sep-26", "not yet available")
    with session_scope() as session:
        [measure] = measures_for_action(session, user=people["viewer"], plan_id=seeded.id, action_ref="4.3")
    assert [(v["label"], v["state"], v["value"]) for v in measure["values"]] == [
        ("Jul 2026", "value", 54.0), ("Aug 2026", "suppressed", None), ("Sep 2026", "missing", None)]
    assert (measure["target"], measure["direction"], measure["evidence_rag"]) == (50.0, "lower", "amber")
    assert measure["evidence"]["period"] == "2026-07" and measure["evidence"]["uses_older_figure"]
    assert measure["evidence"]["reason"].startswith(
        "Latest figure is for Jul 2026, because newer periods have no usable figure: Aug 2026 (suppressed), "
        "Sep 2026 (not yet available). Amber: 54 in Jul 2026 misses the target of 50")
    chart = measure_chart(measure)
    line = next(trace for trace in chart.data if trace.name == "Figure")
    assert list(line.y) == [54.0, None, None]  # the line breaks: no zero, no join across
    assert line.connectgaps is False
    marks = {trace.name: list(trace.x) for trace in chart.data if trace.name in ("Suppressed", "Not yet available")}
    assert marks == {"Suppressed": ["Aug 2026"], "Not yet available": ["Sep 2026"]}
    assert all(trace.yaxis == "y2" for trace in chart.data if trace.name in marks)  # off the figures' scale
    target = next(trace for trace in chart.data if trace.name == "Target")
    assert list(target.y) == [50.0, 50.0, 50.0]


def test_a_revision_is_appended_and_the_old_figure_kept(seeded, people) -> None:
    first = _submit(people["contributor"], seeded.id, "M4.2", "2026-Q3", "12", provisional=True)
    assert (first["revision"], first["provisional"], first["changed"]) == (False, True, True)
    second = _submit(people["contributor"], seeded.id, "M4.2", "2026-Q3", "14", note="Validated figure")
    assert second["revision"] and second["previous"]["value"] == 12.0 and second["previous"]["provisional"]
    again = _submit(people["contributor"], seeded.id, "M4.2", "2026-Q3", 14)
    assert again["changed"] is False  # the same figure again: nothing appended
    with session_scope() as session:
        history = measure_history(session, user=people["admin"], plan_id=seeded.id, ref="M4.2")
        events = session.execute(select(models.AuditEvent.before, models.AuditEvent.after)
                                 .where(models.AuditEvent.event == "measure.value")
                                 .order_by(models.AuditEvent.id)).all()
    assert [(h["value"], h["provisional"], h["current"], h["submitted_by"]) for h in history] == [
        (14.0, False, True, "Dana Data"), (12.0, True, False, "Dana Data")]
    assert len(events) == 2 and '"value": 12.0' in events[1].before and '"value": 14.0' in events[1].after


@pytest.mark.parametrize(("actor", "ref", "period", "value", "error", "message"), [
    ("contributor", "M3.5", "2026-07", "12", NotAllowed, "reported by another agency"),
    ("viewer", "M4.2", "2026-Q3", "12", NotAllowed, "Your role (viewer) cannot submit figures"),
    ("contributor", "M4.2", "2026-Q4", "12", InvalidInput, "Oct–Dec 2026 has not ended yet (it ends on 31/12/2026)"),
    ("contributor", "M4.2", "2026-08", "12", InvalidInput, "Aug 2026 is not a quarterly period"),
    ("contributor", "M4.2", "Q3 2026", "12", InvalidInput, "'Q3 2026' is not a reporting period I can read for"),
    ("contributor", "M4.2", "2026-Q3", "", InvalidInput, "No figure given for M4.2 Jul–Sep 2026"),
    ("contributor", "M4.2", "2026-Q3", "lots", InvalidInput, "'lots' is not a number"),
    ("contributor", "M9", "2026-Q3", "1", Exception, "There is no measure 'M9'"),
])
def test_refusals_say_what_to_do_and_write_nothing(seeded, people, actor, ref, period, value, error, message) -> None:
    before = _figures()
    with pytest.raises(error, match=re.escape(message)):
        _submit(people[actor], seeded.id, ref, period, value)
    assert _figures() == before


CSV = """measure,period,value,provisional,note
M4.2,Q2 2026/27,9,,
M4.3,Jul-26,<5,,
M3.5,Jul-26,40,,
M4.4,Aug-26,lots,,
M4.4,Jul-26,180,yes,awaiting validation
"""


def test_an_upload_with_bad_rows_writes_nothing_and_names_each(seeded, people) -> None:
    before = _figures()
    with session_scope() as session, pytest.raises(RowsRejected) as refused:
        upload_returns(session, user=people["contributor"], plan_id=seeded.id, content=CSV.encode(),
                       filename="returns.csv", today=TODAY)
    assert refused.value.problems == [
        (4, "Measure M3.5 is reported by another agency; you can submit figures only for your own agency's "
            "measures."),
        (5, "'lots' is not a number; write a figure (1,145 or 55%), <5 or * for a suppressed small number, or "
            "'not yet available' (n/a) when there is no figure yet.")]
    assert str(refused.value).startswith("Nothing was saved: the upload has 2 rows to fix.\nrow 4: Measure M3.5")
    assert _figures() == before
    fixed = "\n".join(line for line in CSV.splitlines() if "M3.5" not in line and "lots" not in line)
    with session_scope() as session:
        preview = upload_returns(session, user=people["contributor"], plan_id=seeded.id, content=fixed.encode(),
                                 filename="returns.csv", today=TODAY, dry_run=True)
    assert preview["added"] == 3 and _figures() == before  # a dry run checks only
    with session_scope() as session:
        done = upload_returns(session, user=people["contributor"], plan_id=seeded.id, content=fixed.encode(),
                              filename="returns.csv", today=TODAY)
    assert (done["added"], [r["state"] for r in done["rows"]]) == (3, ["value", "suppressed", "value"])
    assert done["rows"][2]["provisional"]
    assert _figures() == before + 3
    with session_scope() as session:  # the same file again changes nothing
        assert upload_returns(session, user=people["contributor"], plan_id=seeded.id, content=fixed.encode(),
                              filename="returns.csv", today=TODAY)["added"] == 0
    assert _figures() == before + 3


def test_an_excel_upload_reads_percentage_cells_and_names_the_excel_row(seeded, people, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Figures for the V&V plan"])
    sheet.append(["Measure", "Period", "Value"])
    sheet.append(["M1.7", "Q2 2026/27", 0.87])
    sheet["C3"].number_format = "0%"
    sheet.append(["M1.7", "Q2 2026/27", 0.9])  # the same period twice: row 4 named
    path = tmp_path / "returns.xlsx"
    book.save(path)
    with session_scope() as session, pytest.raises(RowsRejected) as refused:
        upload_returns(session, user=people["admin"], plan_id=seeded.id, content=path.read_bytes(),
                       filename="returns.xlsx", today=TODAY)
    assert refused.value.problems == [(4, "M1.7 Jul–Sep 2026 is also on row 3; give each measure and period once.")]
    sheet.delete_rows(4)
    book.save(path)
    with session_scope() as session:
        done = upload_returns(session, user=people["admin"], plan_id=seeded.id, content=path.read_bytes(),
                              filename="returns.xlsx", today=TODAY)
        measure = get_measure(session, user=people["admin"], plan_id=seeded.id, ref="M1.7")
    assert done["rows"][0]["value"] == 87.0
    assert (measure["latest"]["value"], measure["evidence_rag"]) == (87.0, "amber")  # 90% target, 5% tolerance
