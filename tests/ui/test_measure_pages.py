"""The measure pages through AppTest: a contributor's data returns, the returns tracker, the
secretariat's Measures page (definitions, the spreadsheet import), and the measures on Action
detail. Assertions are on what a user sees; suppressed figures must show as suppressed, never 0.

The services use the real date: periods are read from what is owed today, not written in."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import func, select

from models import Measure, MeasureValue
from plan.db import session_scope
from plan.measures import get_measure, measures_for_action, owed_returns, submit_value, update_measure
from tests.ui.helpers import markdown_text, open_app, unescaped

SAMPLE = Path("/work/shared/samples/example_council_measures.xlsx")


def _table(at, column: str) -> pd.DataFrame:  # noqa: ANN001
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _tables(at, column: str) -> list[pd.DataFrame]:  # noqa: ANN001
    return [d.value for d in at.dataframe if column in d.value.columns]


def _return_key(at, field: str, ref: str) -> str:  # noqa: ANN001
    """The key of a field of the figure form now open for measure `ref` (each opened form has its own)."""
    return f"return_{field}_{at.session_state[f'return_token_{ref}']}"


def _def_key(at, field: str, slot: str) -> str:  # noqa: ANN001
    """The key of a field of the definition form now open for `slot` (a measure's ref, or "new")."""
    return f"def_{field}_{slot}_{at.session_state[f'def_token_{slot}']}"


def _button(at, label: str):  # noqa: ANN001, ANN202
    return next(b for b in at.button if b.label == label)


def _figures() -> int:
    with session_scope() as session:
        return int(session.exec(select(func.count()).select_from(MeasureValue)).one())


def _measure_count() -> int:
    with session_scope() as session:
        return int(session.exec(select(func.count()).select_from(Measure)).one())


def _oldest_owed(people, plan_id: int, ref: str) -> dict:  # noqa: ANN001
    with session_scope() as session:
        owed = {m["ref"]: m for m in owed_returns(session, user=people["contributor"], plan_id=plan_id)}
    return [p for p in owed[ref]["periods"] if p["status"] != "received"][-1]


def _errors(at) -> list[str]:  # noqa: ANN001
    return [unescaped(e.value) for e in at.error]


# ---------------------------------------------------------------- data returns


def test_a_contributor_sees_what_their_agency_owes_and_submits_a_suppressed_figure(seeded_sqlite,
                                                                                  people_sqlite) -> None:
    contributor = people_sqlite["contributor"]
    at = open_app("pages/data_returns.py", user=contributor)
    assert at.title[0].value == "Data returns"
    owed = _table(at, "Owed")
    assert list(owed["Ref"]) == ["M4.2", "M4.3", "M4.4"]  # Essex Police's measures, no other agency's
    assert owed.loc[owed["Ref"] == "M4.3", "Late"].iloc[0] >= 3  # Jul, Aug and Sep were due 30 days after
    at.selectbox(key="returns_measure").set_value("M4.3").run()
    assert at.query_params["measure"] in ("M4.3", ["M4.3"])
    periods = _table(at, "Due by")
    assert "Late" in set(periods["Status"]) and set(periods["Figure"]) == {"None yet"}

    oldest = _oldest_owed(people_sqlite, seeded_sqlite.id, "M4.3")
    assert at.selectbox(key=_return_key(at, "period", "M4.3")).value == oldest["period"]  # the oldest still owed
    at.text_input(key=_return_key(at, "value", "M4.3")).set_value("<5")
    at = _button(at, "Save figure").click().run()
    assert not at.error, _errors(at)
    assert unescaped(at.success[0].value) == f"M4.3 {oldest['label']}: <5 (suppressed) (saved)."
    periods = _table(at, "Due by")
    row = periods[periods["Period"] == oldest["label"]].iloc[0]
    assert (row["Status"], row["Figure"]) == ("Received", "<5 (suppressed)")
    with session_scope() as session:
        stored = session.exec(select(MeasureValue)).all()
    assert [(v.state, v.value, v.raw) for v in stored] == [("suppressed", None, "<5")]  # never zero

    # the tracker, on the same page: the figure is in, shown as suppressed
    by_measure = next(t for t in _tables(at, "Agency") if "Ref" in t.columns and "Measure" in t.columns
                      and "Days late" not in t.columns)
    cells = " ".join(str(c) for c in by_measure[by_measure["Ref"] == "M4.3"].iloc[0])
    assert f"{oldest['label']}: <5 (suppressed)" in cells
    assert f"{oldest['label']}: 0" not in cells
    late = _table(at, "Days late")
    assert oldest["label"] not in set(late.loc[late["Ref"] == "M4.3", "Period"])

    # and the action the measure serves shows it as suppressed, never 0
    detail = open_app("pages/action_detail.py", user=people_sqlite["viewer"], action_ref="4.3")
    text = unescaped(markdown_text(detail))
    assert f"{oldest['label']}: <5 (suppressed)" in text
    assert f"{oldest['label']}: 0" not in text


def test_a_chair_sees_the_tracker_with_the_suppressed_figure_and_no_form(seeded_sqlite, people_sqlite) -> None:
    oldest = _oldest_owed(people_sqlite, seeded_sqlite.id, "M4.2")
    with session_scope() as session:
        submit_value(session, user=people_sqlite["contributor"], plan_id=seeded_sqlite.id, measure_ref="M4.2",
                     period=oldest["period"], value="*")
    at = open_app("pages/data_returns.py", user=people_sqlite["chair"])
    assert not at.form and not at.file_uploader and not at.tabs
    agencies = _table(at, "Agency")
    assert "Essex Police" in set(agencies["Agency"]) and len(agencies) > 1  # every agency for a chair
    police = agencies[agencies["Agency"] == "Essex Police"].iloc[0]
    assert any(" in" in str(cell) and "1 of" in str(cell) for cell in police)
    by_measure = next(t for t in _tables(at, "Measure") if "Days late" not in t.columns)
    assert f"{oldest['label']}: * (suppressed)" in " ".join(by_measure[by_measure["Ref"] == "M4.2"].iloc[0])


def test_every_problem_shows_beside_its_field_and_nothing_is_saved(people_sqlite) -> None:
    at = open_app("pages/data_returns.py", user=people_sqlite["contributor"])
    at.selectbox(key="returns_measure").set_value("M4.2").run()
    at.text_input(key=_return_key(at, "value", "M4.2")).set_value("lots")
    at.text_area(key=_return_key(at, "note", "M4.2")).set_value("Ring Jay on 07700 900123 about this")
    at = _button(at, "Save figure").click().run()
    errors = _errors(at)
    assert errors[0] == "Nothing was saved: 2 things to fix, shown below."
    assert any(e.startswith("'lots' is not a number; write a figure (1,145 or 55%)") for e in errors)
    assert any(e.startswith("This may be personal data: Note: ") for e in errors)
    assert _figures() == 0
    assert at.text_input(key=_return_key(at, "value", "M4.2")).value == "lots"  # still there to fix


def test_a_form_is_saved_once_and_replaced_by_an_empty_one(seeded_sqlite, people_sqlite) -> None:
    at = open_app("pages/data_returns.py", user=people_sqlite["contributor"], returns_measure="M4.2")
    first = at.session_state["return_token_M4.2"]
    at.text_input(key=_return_key(at, "value", "M4.2")).set_value("12")
    at.checkbox(key=_return_key(at, "provisional", "M4.2")).check()
    at = _button(at, "Save figure").click().run()
    assert "12 (provisional) (saved)" in unescaped(at.success[0].value)
    assert at.session_state["return_token_M4.2"] != first
    assert at.text_input(key=_return_key(at, "value", "M4.2")).value == ""
    period = at.selectbox(key=_return_key(at, "period", "M4.2"))
    with session_scope() as session:
        held = {p["period"] for m in owed_returns(session, user=people_sqlite["contributor"],
                                                  plan_id=seeded_sqlite.id) if m["ref"] == "M4.2"
                for p in m["periods"] if p["status"] == "received"}
    period.set_value(next(iter(held)))
    at.text_input(key=_return_key(at, "value", "M4.2")).set_value("12")
    at.checkbox(key=_return_key(at, "provisional", "M4.2")).check()
    at = _button(at, "Save figure").click().run()  # the same figure sent again
    assert "already held, so nothing changed" in unescaped(at.success[0].value)
    assert _figures() == 1


BAD_CSV = """measure,period,value,note
M4.2,{quarter},9,
M3.5,{month},40,
M4.3,{month},lots,
"""


def test_a_bad_upload_names_each_row_and_writes_nothing_then_a_good_one_is_checked_and_saved(
        seeded_sqlite, people_sqlite) -> None:
    quarter = _oldest_owed(people_sqlite, seeded_sqlite.id, "M4.2")
    month = _oldest_owed(people_sqlite, seeded_sqlite.id, "M4.3")
    at = open_app("pages/data_returns.py", user=people_sqlite["contributor"])
    content = BAD_CSV.format(quarter=quarter["period"], month=month["period"]).encode()
    at.file_uploader(key="returns_file").set_value(("returns.csv", content, "text/csv"))
    at = at.run()
    at = _button(at, "Check the file").click().run()
    assert at.error[0].value == "Nothing was saved: the file has 2 rows to fix. Fix them and check the file again."
    problems = _table(at, "What to fix")
    assert list(problems["Row"]) == [3, 4]
    assert "reported by another agency" in problems["What to fix"][0]
    assert problems["What to fix"][1].startswith("'lots' is not a number")
    assert not [b for b in at.button if b.label == "Save these figures"]
    assert _figures() == 0

    good = "\n".join(line for line in content.decode().splitlines() if "M3.5" not in line and "lots" not in line)
    good += f"\nM4.3,{month['period']},<5,\n"
    at.file_uploader(key="returns_file").set_value(("returns.csv", good.encode(), "text/csv"))
    at = at.run()
    at = _button(at, "Check the file").click().run()
    assert "The file is ready: 2 figures to save, 0 already held. Nothing has been saved yet." in at.success[0].value
    preview = _table(at, "What happens")
    assert list(preview["Figure"]) == ["9", "<5 (suppressed)"]
    assert set(preview["What happens"]) == {"New figure"}
    assert _figures() == 0  # the check wrote nothing
    at = _button(at, "Save these figures").click().run()
    assert unescaped(at.success[0].value) == "Saved 2 figures from returns.csv."
    assert _figures() == 2


def test_the_chosen_measure_is_in_the_address(people_sqlite) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.ui.helpers import ROOT, signed_in

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    signed_in(at, people_sqlite["contributor"])
    at.run()
    at.query_params["measure"] = "M4.4"
    at.switch_page("pages/data_returns.py").run()
    assert at.selectbox(key="returns_measure").value == "M4.4"
    at.query_params["measure"] = "M4.3"
    at.switch_page("pages/measures.py").run()
    assert at.selectbox(key="measure_ref").value == "M4.3"


# ---------------------------------------------------------------- action detail


def test_action_detail_shows_evidence_rag_its_reason_direction_of_travel_and_gaps(seeded_sqlite,
                                                                                people_sqlite) -> None:
    admin, contributor = people_sqlite["admin"], people_sqlite["contributor"]
    with session_scope() as session:
        update_measure(session, user=admin, plan_id=seeded_sqlite.id, ref="M4.3",
                       changes={"target_text": "No more than 50 a month", "tolerance": 10})
    for period, value in (("2026-06", "60"), ("2026-07", "54"), ("2026-08", "*"), ("2026-09", "not yet available")):
        with session_scope() as session:
            submit_value(session, user=contributor, plan_id=seeded_sqlite.id, measure_ref="M4.3", period=period,
                         value=value)
    at = open_app("pages/action_detail.py", user=people_sqlite["viewer"], action_ref="4.3")
    text = markdown_text(at)
    assert ">Amber</span>" in text  # the word on its colour
    plain = unescaped(text)
    assert ("Latest figure is for Jul 2026, because newer periods have no usable figure: Aug 2026 (suppressed), "
            "Sep 2026 (not yet available). Amber: 54 in Jul 2026 misses the target of 50") in plain
    assert "Direction of travel: Better than Jun 2026 (60)." in plain
    assert ("**Figures, newest first:** Sep 2026: not yet available; Aug 2026: * (suppressed); Jul 2026: 54; "
            "Jun 2026: 60") in plain
    chart = at.get("plotly_chart")[0].proto.spec
    assert '"Suppressed"' in chart and '"Not yet available"' in chart  # drawn as such, not as a point at 0


def test_a_measure_serving_several_actions_shows_on_each(people_sqlite) -> None:
    for ref in ("3.1", "3.3"):  # M3.1 serves both
        at = open_app("pages/action_detail.py", user=people_sqlite["viewer"], action_ref=ref)
        text = unescaped(markdown_text(at))
        assert "**M3.1 Children identified as at risk of criminal exploitation**" in text
        assert "Evidence: <strong>No RAG</strong>" in text  # contextual: monitored, never rated


# ---------------------------------------------------------------- the secretariat's Measures page


def test_measures_page_lists_latest_figure_state_rag_and_direction(seeded_sqlite, people_sqlite) -> None:
    admin, contributor = people_sqlite["admin"], people_sqlite["contributor"]
    with session_scope() as session:
        update_measure(session, user=admin, plan_id=seeded_sqlite.id, ref="M4.3",
                       changes={"target_text": "No more than 50 a month", "tolerance": 10})
    for period, value in (("2026-07", "70"), ("2026-08", "<5")):
        with session_scope() as session:
            submit_value(session, user=contributor, plan_id=seeded_sqlite.id, measure_ref="M4.3", period=period,
                         value=value)
    at = open_app("pages/measures.py", user=people_sqlite["chair"])
    table = _table(at, "Evidence RAG")
    row = table[table["Ref"] == "M4.3"].iloc[0]
    assert (row["Evidence RAG"], row["Latest return"], row["Latest figure used"]) == (
        "Red", "Aug 2026: <5 (suppressed)", "70 (Jul 2026)")
    assert row["Why this RAG"].startswith("Latest figure is for Jul 2026")
    assert table.loc[table["Ref"] == "M3.1", "Evidence RAG"].iloc[0] == "No RAG"
    styles = at.dataframe[0].proto.arrow_data.styler.styles  # the word beside its colour, not colour alone
    assert "background-color: #B0101E" in styles


def test_the_secretariat_sees_every_problem_of_a_definition_at_once_then_saves_it(seeded_sqlite,
                                                                                 people_sqlite) -> None:
    at = open_app("pages/measures.py", user=people_sqlite["admin"], measure_ref="M4.3")
    with session_scope() as session:
        before = get_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="M4.3")
    assert at.text_input(key=_def_key(at, "name", "M4.3")).value == before["name"]
    at.text_input(key=_def_key(at, "name", "M4.3")).set_value("")
    at.text_input(key=_def_key(at, "baseline", "M4.3")).set_value("lots")
    at.text_input(key=_def_key(at, "tolerance", "M4.3")).set_value("150")
    at.text_input(key=_def_key(at, "lag_days", "M4.3")).set_value("-3")
    at.text_input(key=_def_key(at, "target_date", "M4.3")).set_value("31/02/2027")
    at.text_input(key=_def_key(at, "contributor", "M4.3")).set_value("nobody@example.org")
    at = _button(at, "Save measure").click().run()
    errors = _errors(at)
    assert errors[0] == "Nothing was saved: 6 things to fix, shown below."
    for start in ("Name: say what is measured", "Baseline: 'lots' is not a number.",
                  "Tolerance: 150 is not a percentage of the target between 0 and 100.",
                  "Data lag: -3 is not a whole number of days", "Target date: '31/02/2027' is not a date",
                  "Data contributor: nobody with the email nobody@example.org"):
        assert any(e.startswith(start) for e in errors), (start, errors)
    with session_scope() as session:
        assert get_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id,
                           ref="M4.3")["version"] == before["version"]

    at.text_input(key="def_find_M4.3").input("4.2").run()  # the actions to link are found, not all listed
    at.text_input(key=_def_key(at, "name", "M4.3")).set_value("Reports of drug dealing in public places")
    at.text_input(key=_def_key(at, "baseline", "M4.3")).set_value("55")
    at.text_input(key=_def_key(at, "baseline_period", "M4.3")).set_value("Jun-26")
    at.text_input(key=_def_key(at, "tolerance", "M4.3")).set_value("10")
    at.text_input(key=_def_key(at, "lag_days", "M4.3")).set_value("21")
    at.text_input(key=_def_key(at, "target_date", "M4.3")).set_value("")
    at.text_input(key=_def_key(at, "contributor", "M4.3")).set_value(people_sqlite["contributor"].email)
    at.text_input(key=_def_key(at, "target_text", "M4.3")).set_value("No more than 50 a month")
    at.text_input(key=_def_key(at, "target", "M4.3")).set_value("50")
    at.selectbox(key=_def_key(at, "target_type", "M4.3")).set_value("value")
    at.multiselect(key=_def_key(at, "actions", "M4.3")).set_value(["4.3", "4.2"])
    at = _button(at, "Save measure").click().run()
    assert not at.error, _errors(at)
    assert unescaped(at.success[0].value) == "Measure M4.3 saved: Reports of drug dealing in public places."
    with session_scope() as session:
        after = get_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="M4.3")
        on_42 = measures_for_action(session, user=people_sqlite["viewer"], plan_id=seeded_sqlite.id,
                                    action_ref="4.2")
    assert (after["baseline"], after["baseline_period"], after["tolerance"], after["lag_days"]) == (
        55.0, "2026-06", 10.0, 21)
    assert (after["target"], after["target_type"], after["contributor_email"]) == (
        50.0, "value", people_sqlite["contributor"].email)
    assert after["actions"] == ["4.2", "4.3"] and "M4.3" in [m["ref"] for m in on_42]
    assert at.text_input(key=_def_key(at, "name", "M4.3")).value == "Reports of drug dealing in public places"


def test_the_secretariat_imports_the_council_workbook_after_a_dry_run(seeded_sqlite, people_sqlite, tmp_path) -> None:
    copy = tmp_path / "council measures.xlsx"
    shutil.copy(SAMPLE, copy)
    measures_before, figures_before = _measure_count(), _figures()
    at = open_app("pages/measures.py", user=people_sqlite["admin"])
    at.file_uploader(key="import_file").set_value((copy.name, copy.read_bytes(), "application/octet-stream"))
    at = at.run()
    at = _button(at, "Check the file").click().run()
    assert not at.error, _errors(at)
    assert at.success[0].value.startswith("Checked, nothing saved yet: 6 new, 0 changed, 0 unchanged;")
    report = _table(at, "What happens")
    assert list(report["Ref"]) == ["M1", "M2", "M3", "M4", "M5", "M6"]
    assert set(report["What happens"]) == {"New measure"}
    assert report.loc[report["Ref"] == "M2", "Figures to add"].iloc[0] == 5
    warnings = _table(at, "Warning")
    assert any("'Hospital Trust'" in w for w in warnings["Warning"])
    assert (_measure_count(), _figures()) == (measures_before, figures_before)  # a dry run writes nothing

    at = _button(at, "Import").click().run()
    assert unescaped(at.success[0].value).startswith("Imported council measures.xlsx: 6 new, 0 changed, 0 unchanged;")
    assert _measure_count() == measures_before + 6
    table = _table(at, "Evidence RAG")
    m1 = table[table["Ref"] == "M1"].iloc[0]
    assert m1["Latest return"] == "Apr–Jun 2025: 5"
    with session_scope() as session:
        m1_values = get_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="M1")["values"]
        m2_values = get_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="M2")["values"]
    assert [v["shown"] for v in m1_values] == ["4", "* (suppressed)", "3", "* (suppressed)", "5"]
    assert "not yet available" in [v["shown"] for v in m2_values]

    at.file_uploader(key="import_file").set_value((copy.name, copy.read_bytes(), "application/octet-stream"))
    at = at.run()
    at = _button(at, "Check the file").click().run()  # the same file again changes nothing
    assert at.success[-1].value.startswith("Checked, nothing saved yet: 0 new, 0 changed, 6 unchanged; 0 figures")


def test_a_bad_spreadsheet_names_each_row_and_imports_nothing(people_sqlite, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Partnership measures"])
    sheet.append(["Code", "Indicator", "Measure type", "Target", "Polarity", "Action", "Q1 26/27"])
    sheet.append(["K1", "Knife crime", "Count in quarter", "Reduce", "Lower", "4.4", 12])
    sheet.append(["K2", "Weapons surrendered", "Count in quarter", "Increase", "Higher", "9.9", 30])
    sheet.append(["K3", "Youth referrals", "Count in quarter", "Monitor", "Contextual", "", "lots"])
    path = tmp_path / "small.xlsx"
    book.save(path)
    before = _measure_count()
    at = open_app("pages/measures.py", user=people_sqlite["admin"])
    at.file_uploader(key="import_file").set_value(("small.xlsx", path.read_bytes(), "application/octet-stream"))
    at = at.run()
    at = _button(at, "Check the file").click().run()
    assert at.error[0].value == ("Nothing was imported: the spreadsheet has 2 rows to fix. Fix them and check the "
                                 "file again.")
    problems = _table(at, "What to fix")
    assert list(problems["Row"]) == [4, 5]
    assert "action 9.9 is not in the plan" in problems["What to fix"][0]
    assert "'lots' is not a number" in problems["What to fix"][1]
    assert not [b for b in at.button if b.label == "Import"]
    assert _measure_count() == before


def test_a_chair_reads_measures_but_cannot_edit_or_import(people_sqlite) -> None:
    at = open_app("pages/measures.py", user=people_sqlite["chair"], measure_ref="M3.5")
    assert list(_table(at, "Evidence RAG")["Ref"])[:2] == ["M1.4", "M1.6"]
    assert not at.form and not at.file_uploader
    assert not [e for e in at.expander if e.label.startswith(("Edit", "Add", "Import"))]
    assert "Only the plan secretariat can change measures' definitions or import them." in [c.value for c in at.caption]


@pytest.mark.parametrize("role", ["viewer", "owner"])
@pytest.mark.parametrize("page", ["pages/data_returns.py", "pages/measures.py"])
def test_viewers_and_owners_are_not_offered_the_measure_pages(people_sqlite, role, page) -> None:
    at = open_app(user=people_sqlite[role])
    with pytest.raises(ValueError):  # not registered for this role
        at.switch_page(page).run()


def test_a_published_performance_report_shows_its_own_status_and_words_beside_the_figures(
        seeded_sqlite, people_sqlite) -> None:
    from tests.data.workbooks.measures import CSP_QUARTERLY, PCC_OVERVIEW

    at = open_app("pages/measures.py", user=people_sqlite["admin"])
    for shape in (CSP_QUARTERLY, PCC_OVERVIEW):
        at.file_uploader(key="import_file").set_value((shape.name, shape.content(), "application/octet-stream"))
        at = at.run()
        at = _button(at, "Check the file").click().run()
        assert not at.error, _errors(at)
        at = _button(at, "Import").click().run()
        assert unescaped(at.success[0].value).startswith(f"Imported {shape.name}: {len(shape.measures)} new")
    at = at.selectbox(key="measure_ref").set_value("1.1.1a").run()
    assert not at.exception, [e.value for e in at.exception]
    text = unescaped(markdown_text(at))
    assert "Status in the partner's own report: Green (Jul–Sep 2025)." in text
    with session_scope() as session:
        ref = session.exec(select(Measure.ref).where(Measure.name == "Reduce total crime – Northfield CSP")).one()
    at = at.selectbox(key="measure_ref").set_value(ref).run()
    text = unescaped(markdown_text(at))
    assert ("**Figures, newest first:** Jan–Mar 2026: no figure (No New Data Published); Oct–Dec 2025: 30,658; "
            "Jul–Sep 2025: 20,409") in text


def test_the_secretariat_corrects_a_heading_the_app_does_not_know_then_imports(people_sqlite, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Wexbridge CSP performance 2025/26"])
    sheet.append(["What we track", "Q1", "Q2", "Change"])
    sheet.append(["Reduce knife crime", 51, 47, "-8%"])
    path = tmp_path / "our report.xlsx"
    book.save(path)
    at = open_app("pages/measures.py", user=people_sqlite["admin"])
    at.file_uploader(key="import_file").set_value((path.name, path.read_bytes(), "application/octet-stream"))
    at = at.run()
    assert any("No header row found" in unescaped(e.value) for e in at.error)
    at = at.number_input(key="import_header_row").set_value(2).run()
    labels = {s.label: s.value for s in at.selectbox if s.key and s.key.startswith("import_map_")}
    assert labels == {"Column A: What we track": None, "Column B: Q1": "figure", "Column C: Q2": "figure",
                      "Column D: Change": None}
    at = at.selectbox(key="import_map_0").set_value("name").run()
    at = _button(at, "Check the file").click().run()
    assert not at.error, _errors(at)
    assert at.success[0].value.startswith("Checked, nothing saved yet: 1 new, 0 changed, 0 unchanged; 2 figures")
    at = _button(at, "Import").click().run()
    assert unescaped(at.success[0].value).startswith("Imported our report.xlsx: 1 new")
    with session_scope() as session:
        assert session.exec(select(Measure.direction).where(Measure.name == "Reduce knife crime")).one() == "lower"


def test_a_measure_naming_a_child_asks_for_no_personal_data_then_saves(seeded_sqlite, people_sqlite) -> None:
    words = "contact Jay Smith (DOB 03/04/2011) on 07700 900123"
    at = open_app("pages/measures.py", user=people_sqlite["admin"], measure_ref="M4.3")
    def confirm_box():  # noqa: ANN202
        return [c for c in at.checkbox if c.label == "No personal data" and c.key.startswith("def_personal_data")]

    assert not confirm_box()  # asked only after the warning
    at.text_input(key=_def_key(at, "name", "M4.3")).set_value(words)
    at = _button(at, "Save measure").click().run()
    errors = _errors(at)
    assert errors[0] == "Nothing was saved: 1 thing to fix, shown below."
    assert errors[1].startswith("Name may hold personal data (a date of birth (DOB 03/04/2011); a phone number "
                                "(07700 900123)): plans hold what partners do, not details of people.")
    with session_scope() as session:
        assert get_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="M4.3")["name"] != words
    confirm = confirm_box()[0]
    assert at.text_input(key=_def_key(at, "name", "M4.3")).value == words  # what was typed is kept
    confirm.check()
    at = _button(at, "Save measure").click().run()
    assert not at.error, _errors(at)
    assert unescaped(at.success[0].value) == f"Measure M4.3 saved: {words}."
    with session_scope() as session:
        assert get_measure(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="M4.3")["name"] == words
