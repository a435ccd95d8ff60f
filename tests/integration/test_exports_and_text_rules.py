"""Exports carry the marking and never turn user text into formulas; updates check for
personal data under the plan's policy; measure figures are validated and appended."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import models
from plan import audit, measures, plans, updates
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed
from plan.personal_data import PersonalDataWarning


def test_the_audit_export_is_marked_safe_and_itself_audited(seeded, people) -> None:
    with session_scope() as session:
        updates.record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="amber",
                              delivery_status="in_progress", commentary='=HYPERLINK("http://evil.example","x")')
    with session_scope() as session:
        data = audit.export_events(session, user=people["chair"], marking="OFFICIAL-SENSITIVE",
                                   filters=audit.AuditFilter(entity_key="3.5"))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "OFFICIAL-SENSITIVE"
    assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE" and sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    events = [row[2] for row in values]
    assert events == ["action.update", "action.assign_owner"]
    after = values[0][6]
    assert "=HYPERLINK" in after
    formula_like = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert all(c.data_type == "s" for c in formula_like)
    with session_scope() as session:
        last = session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())).scalars().first()
    assert (last.event, last.actor) == ("audit.export", "Chris Chair <chair@southend.gov.uk>")
    assert "exported 2 events" in last.detail and "key: 3.5" in last.detail


def test_a_cell_that_looks_like_a_formula_is_text() -> None:
    from plan.excel import table_workbook

    data = table_workbook(title="T", marking="OFFICIAL", columns=["A"], rows=[["=1+1"], ["+SUM(A1)"], ["plain"]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 1).data_type, sheet.cell(r, 1).quotePrefix)
            for r in (6, 7, 8)] == [("=1+1", "s", True), ("+SUM(A1)", "s", True), ("plain", "s", False)]


def _update(seeded, people, commentary: str, **kw):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return updates.record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="amber",
                                     delivery_status="in_progress", commentary=commentary, **kw)


def _history_length(seeded) -> int:  # noqa: ANN001
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(models.StatusUpdate)).scalar_one()


def test_personal_data_in_an_update_warns_then_can_be_confirmed(seeded, people) -> None:
    with pytest.raises(PersonalDataWarning, match="Commentary: a phone number"):
        _update(seeded, people, "Spoke to the young person's mum on 07700 900123")
    assert _history_length(seeded) == 0
    _update(seeded, people, "Ring the ED switchboard 01702 435555 for the data lead", personal_data_confirmed=True)
    assert _history_length(seeded) == 1
    # a user's own address is not someone else's personal data
    _update(seeded, people, "Contact owner@nhs.net for the return")
    assert _history_length(seeded) == 2


def test_under_a_refuse_policy_personal_data_is_refused(seeded, people) -> None:
    with session_scope() as session:
        plans.update_settings(session, user=people["admin"], plan_id=seeded.id, personal_data_policy="refuse")
    with pytest.raises(InvalidInput, match="does not hold: Commentary: a vehicle registration"):
        _update(seeded, people, "Car AB12 CDE seen outside school", personal_data_confirmed=True)
    assert _history_length(seeded) == 0


def test_measure_figures_are_checked_and_appended(seeded, people) -> None:
    submit = measures.submit_value
    with session_scope() as session:
        submit(session, user=people["contributor"], plan_id=seeded.id, measure_ref="M4.2", period="2026-q3", value="14")
        submit(session, user=people["contributor"], plan_id=seeded.id, measure_ref="M4.2", period="2026-Q3", value=15)
    for value, period, message in (("lots", "2026-Q3", "'lots' is not a number"),
                                   ("3", "Q3 2026", "is not a reporting period"),
                                   ("nan", "2026-Q3", "is not a number")):
        with session_scope() as session, pytest.raises(InvalidInput, match=message):
            submit(session, user=people["contributor"], plan_id=seeded.id, measure_ref="M4.2", period=period,
                   value=value)
    with session_scope() as session, pytest.raises(InvalidInput, match="not a percentage"):
        submit(session, user=people["admin"], plan_id=seeded.id, measure_ref="M1.7", period="2026-Q3", value=140)
    with session_scope() as session, pytest.raises(NotAllowed, match="reported by another agency"):
        submit(session, user=people["contributor"], plan_id=seeded.id, measure_ref="M3.5", period="2026-Q3", value=1)
    with session_scope() as session:
        values = session.execute(select(models.MeasureValue.period, models.MeasureValue.value)
                                 .order_by(models.MeasureValue.id)).all()
    assert [tuple(v) for v in values] == [("2026-Q3", 14.0), ("2026-Q3", 15.0)]  # both kept; the latest stands


def test_every_free_text_field_is_checked_for_personal_data(seeded, people) -> None:
    from datetime import date, timedelta

    from plan import due_dates, rounds

    with session_scope() as session, pytest.raises(PersonalDataWarning, match="Reason: a date of birth"):
        due_dates.request_revision(session, user=people["owner"], plan_id=seeded.id, ref="3.5",
                                   new_date="31/03/2027", reason="Young person (DOB 04/05/2010) moved area")
    with session_scope() as session, pytest.raises(PersonalDataWarning, match="Note: a vehicle registration"):
        measures.submit_value(session, user=people["contributor"], plan_id=seeded.id, measure_ref="M4.2",
                              period="2026-Q3", value=3, note="Includes closure at AB12 CDE owner's address")
    with session_scope() as session:
        rounds.open_round(session, user=people["admin"], plan_id=seeded.id, period="2026-Q4",
                          deadline=date.today() + timedelta(days=3))
        updates.record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="green",
                              delivery_status="in_progress", commentary="Fine")
    with session_scope() as session, pytest.raises(PersonalDataWarning, match="Note: a phone number"):
        rounds.return_update(session, user=people["admin"], plan_id=seeded.id, ref="3.5",
                             note="Ring me on 07700 900123 about this")
