"""A completed offline return is bound to the server's record of the return it made (issue 20,
item 1): a workbook whose hidden sheet was edited cannot add actions, change who the updates are
made as, or turn a stale row into a fresh one; a return the server never made is refused."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import models
from models import Action, StatusUpdate
from plan.db import session_scope
from plan.errors import InvalidInput
from plan.excel import set_text
from plan.returns import ReturnRejected, apply_return, read_return, return_workbook
from plan.returns.offline import HIDDEN, SHEET
from plan.updates import record_update
from tests.factories import PEOPLE

OWNER = PEOPLE["owner"][0]
ADMIN = PEOPLE["admin"][0]


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _version(plan_id: int, ref: str) -> int:
    with session_scope() as session:
        return session.exec(select(Action.version).where(Action.plan_id == plan_id, Action.ref == ref)).scalar_one()


def _latest(plan_id: int, ref: str) -> StatusUpdate | None:
    with session_scope() as session:
        action_id = session.exec(select(Action.id).where(Action.plan_id == plan_id, Action.ref == ref)).scalar_one()
        found = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == action_id)
                             .order_by(StatusUpdate.id.desc())).scalars().first()
        if found is not None:
            session.expunge(found)
        return found


def _owner_return(people, plan_id: int) -> bytes:  # noqa: ANN001
    with session_scope() as session:
        return return_workbook(session, user=people["admin"], plan_id=plan_id, owner_email=OWNER).content


def _edit(content: bytes, change) -> bytes:  # noqa: ANN001
    book = load_workbook(io.BytesIO(content))
    change(book[SHEET], book[HIDDEN])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _type(sheet, row: int, values: tuple) -> None:  # noqa: ANN001
    for offset, value in enumerate(values):
        set_text(sheet.cell(row, 6 + offset), value)


def _apply(user, content: bytes, **extra):  # noqa: ANN001, ANN003, ANN202
    with session_scope() as session:
        return apply_return(session, user=user, content=content, **extra)


def test_a_forged_hidden_sheet_cannot_add_actions_or_act_as_the_uploader(seeded, people) -> None:
    """The attack: owner cell blanked, an agency set, rows for 1.1 and restricted 4.6 added; uploaded
    by the cleared secretariat. Before the binding both were applied, as the secretariat."""
    versions = {ref: _version(seeded.id, ref) for ref in ("1.1", "4.6")}
    before = {ref: _latest(seeded.id, ref) for ref in ("1.1", "4.6")}

    def forge(sheet, hidden) -> None:  # noqa: ANN001
        set_text(hidden.cell(1, 4), "")
        set_text(hidden.cell(1, 5), "Essex Police")
        _type(sheet, 7, ("Green", "In progress", "Going well.", "", "", ""))
        for offset, ref in enumerate(("1.1", "4.6")):
            number = sheet.max_row + 1
            set_text(sheet.cell(number, 1), ref)
            _type(sheet, number, ("Amber", "In progress", f"Forged update on {ref}.", "", "", ""))
            hidden.cell(4 + offset, 1).value = number
            set_text(hidden.cell(4 + offset, 2), ref)
            hidden.cell(4 + offset, 3).value = versions[ref]

    forged = _edit(_owner_return(people, seeded.id), forge)
    counts = _counts()
    with pytest.raises(ReturnRejected) as caught:
        _apply(people["admin"], forged)
    assert "not made for action 1.1" in str(caught.value) and "not made for action 4.6" in str(caught.value)
    assert _counts() == counts
    for ref in ("1.1", "4.6"):
        latest = _latest(seeded.id, ref)
        assert (latest.id if latest else None) == (before[ref].id if before[ref] else None), ref


def test_the_update_is_made_as_the_owner_the_server_made_the_return_for(seeded, people) -> None:
    """The hidden owner e-mail changed to the secretariat's: still applied as the owner."""

    def forge(sheet, hidden) -> None:  # noqa: ANN001
        set_text(hidden.cell(1, 4), ADMIN)
        _type(sheet, 7, ("Amber", "In progress", "Extract agreed with the trust.", "", "", ""))

    report = _apply(people["admin"], _edit(_owner_return(people, seeded.id), forge))
    assert report.applied and report.made_for == f"{PEOPLE['owner'][1]} <{OWNER}>"
    latest = _latest(seeded.id, "3.5")
    assert latest.author_name == PEOPLE["owner"][1] and latest.commentary == "Extract agreed with the trust."


def test_raising_the_hidden_version_does_not_make_a_stale_row_fresh(seeded, people) -> None:
    content = _owner_return(people, seeded.id)
    with session_scope() as session:  # 3.5 is updated after the return was made
        record_update(session, user=people["admin"], plan_id=seeded.id, ref="3.5", rag="green",
                      delivery_status="in_progress", commentary="Data flowing from the trust.")

    def forge(sheet, hidden) -> None:  # noqa: ANN001
        hidden.cell(3, 3).value = int(hidden.cell(3, 3).value) + 1
        _type(sheet, 7, ("Amber", "In progress", "Extract late this month.", "", "", ""))

    forged = _edit(content, forge)
    with session_scope() as session:
        dry = read_return(session, user=people["admin"], content=forged)
    assert dry.rows[0].state != "ok"
    counts = _counts()
    with pytest.raises(ReturnRejected):
        _apply(people["admin"], forged)
    assert _counts() == counts
    assert _latest(seeded.id, "3.5").commentary == "Data flowing from the trust."


def test_a_return_the_server_never_made_is_refused(seeded, people) -> None:
    def forge(sheet, hidden) -> None:  # noqa: ANN001
        set_text(hidden.cell(1, 2), uuid.uuid4().hex)
        _type(sheet, 7, ("Amber", "In progress", "Extract agreed.", "", "", ""))

    forged = _edit(_owner_return(people, seeded.id), forge)
    counts = _counts()
    with pytest.raises(InvalidInput, match="no record"):
        _apply(people["admin"], forged)
    assert _counts() == counts


def test_a_return_for_an_owner_who_has_left_is_refused(seeded, people) -> None:
    from plan.users import update_user

    def fill(sheet, hidden) -> None:  # noqa: ANN001, ARG001
        _type(sheet, 7, ("Amber", "In progress", "Extract agreed.", "", "", ""))

    content = _edit(_owner_return(people, seeded.id), fill)
    with session_scope() as session:
        update_user(session, user=people["admin"], email=OWNER, active=False)
    with pytest.raises(InvalidInput, match="no longer active"):
        _apply(people["admin"], content)
