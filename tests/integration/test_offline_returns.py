"""Offline update returns on both databases: the workbook (protected, drop-downs, hidden refs
and versions, marking, text as text), filling it in and applying it through the app's rules,
all or nothing, applying twice adds nothing, and a stale return asks before it is applied."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import models
from models import Action, StatusUpdate
from plan.cli import main as cli
from plan.db import session_scope
from plan.errors import NotAllowed
from plan.excel import set_text
from plan.returns import ReturnRejected, apply_return, read_return, return_workbook
from plan.returns.offline import HIDDEN, SHEET
from plan.updates import record_update
from tests.factories import PEOPLE

OWNER = PEOPLE["owner"][0]


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _make(people, plan_id: int, **who) -> bytes:  # noqa: ANN001, ANN003
    with session_scope() as session:
        return return_workbook(session, user=people["admin"], plan_id=plan_id, **who).content


def _fill(content: bytes, ref: str, values: tuple) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book[SHEET]
    row = next(r for r in range(7, sheet.max_row + 1) if sheet.cell(r, 1).value == ref)
    for offset, value in enumerate(values):
        if isinstance(value, str):  # as Excel keeps what is typed into a text ('@') cell
            set_text(sheet.cell(row, 6 + offset), value)
        else:
            sheet.cell(row, 6 + offset).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _apply(people, content: bytes, **extra):  # noqa: ANN001, ANN003, ANN202
    with session_scope() as session:
        return apply_return(session, user=people["admin"], content=content, **extra)


def _history(plan_id: int, ref: str) -> list[StatusUpdate]:
    with session_scope() as session:
        action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == ref)).scalar_one()
        return list(session.exec(select(StatusUpdate).where(StatusUpdate.action_id == action.id)
                                 .order_by(StatusUpdate.id)).scalars())


def test_the_return_workbook_is_protected_with_drop_downs_and_hidden_versions(seeded, people) -> None:
    content = _make(people, seeded.id, owner_email=OWNER)
    book = load_workbook(io.BytesIO(content))
    sheet = book[SHEET]
    assert sheet.protection.sheet is True
    assert sheet.oddHeader.center.text == seeded.protective_marking
    assert sheet.oddFooter.center.text == seeded.protective_marking
    assert sheet.cell(7, 1).value == "3.5" and sheet.cell(7, 1).data_type == "s"
    assert sheet.cell(7, 1).protection.locked and sheet.cell(7, 2).protection.locked
    assert all(not sheet.cell(7, c).protection.locked for c in range(6, 12))
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"Red,Amber,Green,Blue"' in lists and any("In progress" in f for f in lists)
    hidden = book[HIDDEN]
    assert hidden.sheet_state == "veryHidden"
    with session_scope() as session:
        version = session.exec(select(Action.version).where(Action.plan_id == seeded.id,
                                                            Action.ref == "3.5")).scalar_one()
    assert (hidden.cell(3, 2).value, hidden.cell(3, 3).value) == ("3.5", version)
    with session_scope() as session:  # through the one export path: marked file name, audited
        made = return_workbook(session, user=people["admin"], plan_id=seeded.id, owner_email=OWNER)
        assert made.filename.startswith(seeded.protective_marking + " update return Olu Owner")
        event = session.exec(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())).scalars().first()
        assert event.event == "export.table" and "3.5" in event.detail
    with pytest.raises(NotAllowed), session_scope() as session:
        return_workbook(session, user=people["owner"], plan_id=seeded.id, owner_email=OWNER)


def test_a_completed_return_is_applied_once_through_the_app_rules(seeded, people) -> None:
    blank = _make(people, seeded.id, owner_email=OWNER)
    with session_scope() as session:
        assert read_return(session, user=people["admin"], content=blank).rows[0].state == "blank"
    filled = _fill(blank, "3.5", ("Amber", "In progress", "=HYPERLINK(\"x\") data agreed,\nfirst extract due",
                                  "Data sharing sign-off", "Chair to write to the trust", None))
    before = _counts()
    with session_scope() as session:
        dry = read_return(session, user=people["admin"], content=filled)
    assert _counts() == before
    assert dry.rows[0].state == "ok", dry.rows[0].problems
    report = _apply(people, filled)
    assert report.applied and report.rows_in("ok")[0].ref == "3.5"
    latest = _history(seeded.id, "3.5")[-1]
    assert latest.rag == "amber" and latest.author_name == PEOPLE["owner"][1]
    assert latest.commentary.startswith("=HYPERLINK") and latest.support_asked == "Chair to write to the trust"
    after = _counts()
    again = _apply(people, filled)
    assert _counts() == after, "applying the same return again adds nothing"
    assert again.rows[0].state == "already applied"


def test_a_return_with_a_broken_row_writes_nothing(seeded, people) -> None:
    filled = _fill(_make(people, seeded.id, owner_email=OWNER), "3.5", ("Red", "In progress", None, None, None, None))
    before = _counts()
    with pytest.raises(ReturnRejected) as caught:
        _apply(people, filled)
    assert _counts() == before
    assert "row 7 (3.5)" in str(caught.value) and "Commentary is required" in str(caught.value)


def test_a_stale_return_asks_before_it_is_applied(seeded, people, tmp_path, capsys) -> None:
    content = _make(people, seeded.id, owner_email=OWNER)
    with session_scope() as session:  # someone updates 3.5 after the return was made
        record_update(session, user=people["admin"], plan_id=seeded.id, ref="3.5", rag="green",
                      delivery_status="in_progress", commentary="Data flowing from the trust.")
    filled = _fill(content, "3.5", ("Amber", "In progress", "Extract late this month.", None, None, None))
    before = _counts()
    with session_scope() as session:
        dry = read_return(session, user=people["admin"], content=filled)
    assert dry.rows[0].state == "stale" and "Data flowing" in dry.rows[0].newer_update
    with pytest.raises(ReturnRejected, match="confirm"):
        _apply(people, filled)
    path = tmp_path / "return.xlsx"
    path.write_bytes(filled)
    assert cli(["returns", "import", str(path)]) == 1
    assert "--confirm-stale" in capsys.readouterr().out
    assert _counts() == before
    assert cli(["returns", "import", str(path), "--confirm-stale"]) == 0
    history = _history(seeded.id, "3.5")
    assert [u.commentary for u in history[-2:]] == ["Data flowing from the trust.", "Extract late this month."]


def test_an_agency_return_through_the_cli(seeded, people, tmp_path) -> None:
    out = tmp_path / "police.xlsx"
    assert cli(["returns", "export", "--agency", "Essex Police", "--out", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600  # marked material, like every file the app writes
    book = load_workbook(out)
    refs = [book[SHEET].cell(r, 1).value for r in range(7, book[SHEET].max_row + 1)]
    assert refs and all(refs)
    with session_scope() as session:
        lead = set(session.exec(select(Action.ref).join(models.Agency, Action.lead_agency_id == models.Agency.id)
                                .where(models.Agency.name == "Essex Police")).scalars())
    assert set(refs) <= lead


def test_a_restricted_row_is_applied_only_by_someone_cleared(seeded, people) -> None:
    from dataclasses import replace

    content = _make(people, seeded.id, agency="Essex Police")  # made by the cleared secretariat
    filled = _fill(content, "4.6", ("Amber", "In progress", "Verbal update given.", None, None, None))
    uncleared = replace(people["admin"], cleared_for_restricted=False)
    before = _counts()
    with pytest.raises(ReturnRejected, match="restricted"), session_scope() as session:
        apply_return(session, user=uncleared, content=filled)
    assert _counts() == before
    assert _apply(people, filled).applied
    assert _history(seeded.id, "4.6")[-1].commentary == "Verbal update given."
