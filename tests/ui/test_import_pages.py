"""The import and offline returns pages through AppTest: upload, the columns shown and
correctable, the dry run, then Import; broken files blocked unless rows are skipped; returns made,
uploaded, stale rows asked about, applied."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from models import Action, Plan, StatusUpdate
from plan.db import session_scope
from plan.excel import set_text
from plan.returns import return_workbook
from plan.returns.offline import SHEET
from plan.updates import record_update
from tests.factories import PEOPLE
from tests.integration.test_plan_import import MESSY, _book
from tests.ui.helpers import open_app, unescaped

SLUG = "wexbridge-youth-violence-delivery-2025-26"  # made from the journey file's title
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refs(plan_id: int) -> set[str]:
    with session_scope() as session:
        return set(session.exec(select(Action.ref).where(Action.plan_id == plan_id,
                                                         Action.ref.in_(["9.1", "9.2", "9.3", "9.4"]))).all())


def test_the_secretariat_uploads_checks_and_imports_a_plan(people_sqlite, seeded_sqlite) -> None:
    at = open_app("pages/import_plan.py", user=people_sqlite["admin"])
    at.file_uploader(key="plan_import_file").set_value(("tracker.xlsx", _book(MESSY), XLSX)).run()
    assert not at.exception
    assert at.selectbox(key="plan_import_map_9").value is None  # 'Budget code': kept with the action
    assert at.selectbox(key="plan_import_map_5").value == "rag"
    at.selectbox(key="plan_import_map_9").set_value("description").run()
    at.button(key="plan_import_check").click().run()
    assert "Would import into plan 'southend-vv': 4 new" in at.info[0].value
    table = at.dataframe[-1].value
    assert list(table["Ref"]) == ["9.1", "9.2", "9.3", "9.4"] and set(table["What happens"]) == {"New"}
    assert _refs(seeded_sqlite.id) == set(), "a dry run writes nothing"
    at.button(key="plan_import_go").click().run()
    assert not at.exception
    assert any("Imported into plan 'southend-vv': 4 new" in unescaped(s.value) for s in at.success)
    with session_scope() as session:
        periods = set(session.exec(select(StatusUpdate.period).join(Action).where(Action.ref == "9.1")).all())
    assert periods == {"2025-Q2", "2025-Q3"}  # Q1, Q2 of 2025/26 (the title's date), in the app's own labels
    assert _refs(seeded_sqlite.id) == {"9.1", "9.2", "9.3", "9.4"}
    with session_scope() as session:
        assert session.exec(select(Action.description).where(Action.ref == "9.1")).one() == "CS-101"


def test_a_broken_file_is_blocked_until_its_rows_are_skipped(people_sqlite, seeded_sqlite) -> None:
    rows = [list(r) for r in MESSY]
    rows[6][5] = "purple"
    at = open_app("pages/import_plan.py", user=people_sqlite["admin"])
    at.file_uploader(key="plan_import_file").set_value(("broken.xlsx", _book(rows), XLSX)).run()
    at.button(key="plan_import_check").click().run()
    assert "purple" in " ".join(at.dataframe[-1].value["Errors"])
    assert at.button(key="plan_import_go").disabled and "nothing can be imported" in at.error[0].value
    at.checkbox(key="plan_import_skip").check().run()
    assert not [b for b in at.button if b.key == "plan_import_go"], "a changed choice needs a new dry run"
    at.button(key="plan_import_check").click().run()
    assert "Rows to be skipped: 7 (9.2)" in unescaped(at.warning[0].value)
    at.button(key="plan_import_go").click().run()
    assert _refs(seeded_sqlite.id) == {"9.1", "9.3", "9.4"}


def test_the_year_of_quarter_columns_can_be_given(people_sqlite, seeded_sqlite) -> None:
    at = open_app("pages/import_plan.py", user=people_sqlite["admin"])
    at.file_uploader(key="plan_import_file").set_value(("tracker.xlsx", _book(MESSY), XLSX)).run()
    at.number_input(key="plan_import_year").set_value(2024).run()
    at.button(key="plan_import_check").click().run()
    at.button(key="plan_import_go").click().run()
    with session_scope() as session:
        periods = set(session.exec(select(StatusUpdate.period).join(Action).where(Action.ref == "9.1")).all())
    assert periods == {"2024-Q2", "2024-Q3"}


def test_owners_cannot_open_the_import_or_returns_pages(people_sqlite) -> None:
    at = open_app(user=people_sqlite["owner"])
    for page in ("pages/import_plan.py", "pages/offline_returns.py"):
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_a_return_is_made_then_applied_after_confirming_a_stale_row(people_sqlite, seeded_sqlite) -> None:
    at = open_app("pages/offline_returns.py", user=people_sqlite["admin"])
    assert at.selectbox(key="return_owner").value == PEOPLE["owner"][0]
    at.button(key="return_make").click().run()
    assert not at.exception and at.get("download_button")
    with session_scope() as session:
        content = return_workbook(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id,
                                  owner_email=PEOPLE["owner"][0]).content
        record_update(session, user=people_sqlite["admin"], plan_id=seeded_sqlite.id, ref="3.5", rag="green",
                      delivery_status="in_progress", commentary="Data flowing.")
    book = load_workbook(io.BytesIO(content))
    for column, value in zip(range(6, 9), ("Amber", "In progress", "Extract late."), strict=True):
        set_text(book[SHEET].cell(7, column), value)
    buffer = io.BytesIO()
    book.save(buffer)
    at.file_uploader(key="return_file").set_value(("return.xlsx", buffer.getvalue(), XLSX)).run()
    assert not at.exception
    assert "1 made against an older state" in at.info[0].value
    assert "3.5" in unescaped(at.warning[0].value)
    assert at.button(key="return_apply").disabled
    at.checkbox(key="return_confirm_stale").check().run()
    at.button(key="return_apply").click().run()
    assert any("Applied" in unescaped(s.value) for s in at.success)
    with session_scope() as session:
        latest = session.exec(select(StatusUpdate.commentary).order_by(StatusUpdate.id.desc())).first()
    assert latest == "Extract late."


def test_a_heading_is_corrected_on_the_page_and_a_new_plan_is_the_default(people_sqlite, seeded_sqlite) -> None:
    from tests.data.workbooks.build import JOURNEY

    content = JOURNEY.content()
    at = open_app("pages/import_plan.py", user=people_sqlite["admin"])
    at.file_uploader(key="plan_import_file").set_value((JOURNEY.name, content, XLSX)).run()
    assert not at.exception
    assert any("No column is taken as the action" in unescaped(e.value) for e in at.error)
    assert not [b for b in at.button if b.key == "plan_import_check"], "no dry run until the action is found"
    target = next(s for s in at.selectbox if s.key.startswith("plan_import_target_"))
    assert target.value == "(a new plan)", "the file names another plan: a new plan by default"
    slug = next(t for t in at.text_input if t.key.startswith("plan_import_slug_"))
    assert slug.value == SLUG
    at.selectbox(key="plan_import_map_1").set_value("title").run()
    assert not at.error
    preview_table = at.dataframe[0].value
    assert "B: Piece of work → Action" in preview_table.columns and list(preview_table.index) == [5, 6, 7, 8, 9]
    at.button(key="plan_import_check").click().run()
    assert f"Would import into new plan '{SLUG}': 3 new" in at.info[0].value
    assert any("Sheet 'Action plan', headings in row 4." in unescaped(c.value) for c in at.caption)
    at.button(key="plan_import_go").click().run()
    assert not at.exception
    assert any(f"Imported into new plan '{SLUG}': 3 new" in unescaped(s.value) for s in at.success)
    with session_scope() as session:
        held = session.exec(select(Action.ref).join(Plan).where(Plan.slug == SLUG)).all()
    assert sorted(held) == ["Y1", "Y2", "Y3"]

    # the same file again, into the plan it made: nothing to import, so no Import button
    at.file_uploader(key="plan_import_file").set_value((JOURNEY.name, content, XLSX)).run()
    target = next(s for s in at.selectbox if s.key.startswith("plan_import_target_"))
    assert target.value == SLUG, "its title now names a plan held"
    at.button(key="plan_import_check").click().run()
    assert any("Nothing to import" in unescaped(s.value) for s in at.success)
    assert not [b for b in at.button if b.key == "plan_import_go"]
