"""What the measure pages need from plan.measures, on both databases: every problem of a figure at
once (keyed by field), figures in words (suppressed never 0), each measure's figures in the
returns tracker with restricted names masked, and the agencies a definition form offers."""

from datetime import date

import pytest
from sqlalchemy import func, select

import models
from plan.db import session_scope
from plan.errors import InvalidFields, InvalidInput
from plan.measures import (
    create_measure,
    definition_choices,
    describe_figure,
    get_measure,
    measure_history,
    owed_returns,
    returns_tracker,
    submit_value,
    upload_returns,
)
from plan.personal_data import PersonalDataWarning

TODAY = date(2026, 11, 28)  # the plan started on 3 July 2026


def _figures() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(models.MeasureValue)).scalar_one()


def _submit(actor, plan_id, ref, period, value, **extra):  # noqa: ANN001, ANN003, ANN202
    with session_scope() as session:
        return submit_value(session, user=actor, plan_id=plan_id, measure_ref=ref, period=period, value=value,
                            today=TODAY, **extra)


@pytest.mark.parametrize(("state", "value", "raw", "provisional", "unit", "gap", "shown"), [
    ("value", 1145.0, "1,145", False, "count", False, "1,145"),
    ("value", 55.0, "55%", True, "%", False, "55% (provisional)"),
    ("value", 12.5, "12.5", False, "rate per 100,000", False, "12.5 per 100,000"),
    ("value", 0.0, "0", False, "count", False, "0"),  # a real zero is a zero
    ("suppressed", None, "<5", False, "count", False, "<5 (suppressed)"),
    ("suppressed", None, "*", True, "count", False, "* (suppressed) (provisional)"),
    ("suppressed", None, "", False, "count", False, "suppressed"),
    ("missing", None, "n/a", False, "count", False, "not yet available"),
    ("missing", None, "", False, "count", True, "no figure received"),
    (None, None, "", False, "count", False, ""),
])
def test_a_figure_in_words(state, value, raw, provisional, unit, gap, shown) -> None:
    assert describe_figure(state, value, raw, provisional, unit, gap=gap) == shown


def test_every_problem_of_a_figure_is_given_at_once_keyed_by_field(seeded, people) -> None:
    with pytest.raises(InvalidFields) as refused:
        _submit(people["contributor"], seeded.id, "M4.2", "2026-Q4", "lots", note="Call 07700 900123")
    assert set(refused.value.problems) == {"period", "value", "personal_data_confirmed"}
    assert refused.value.problems["period"].startswith("Oct–Dec 2026 has not ended yet")
    assert refused.value.problems["value"].startswith("'lots' is not a number")
    assert refused.value.problems["personal_data_confirmed"].startswith("This may be personal data")
    assert isinstance(refused.value, InvalidInput)  # older callers catching InvalidInput still do
    with pytest.raises(PersonalDataWarning):  # only the note to look at again: the warning alone
        _submit(people["contributor"], seeded.id, "M4.2", "2026-Q3", "12", note="Call 07700 900123")
    assert _figures() == 0
    saved = _submit(people["contributor"], seeded.id, "M4.2", "2026-Q3", "12", note="Call 07700 900123",
                    personal_data_confirmed=True)
    assert saved["shown"] == "12" and _figures() == 1


def test_an_upload_row_with_two_problems_names_both(seeded, people) -> None:
    content = b"measure,period,value\nM4.2,2026-Q4,lots\n"
    with session_scope() as session, pytest.raises(InvalidInput) as refused:
        upload_returns(session, user=people["contributor"], plan_id=seeded.id, content=content,
                       filename="returns.csv", today=TODAY)
    [(row, reason)] = refused.value.problems
    assert row == 2 and "has not ended yet" in reason and "'lots' is not a number" in reason


def test_figures_are_shown_in_words_everywhere_and_suppressed_is_never_zero(seeded, people) -> None:
    for period, value in (("2026-07", "54"), ("2026-08", "<5"), ("2026-10", "not yet available")):
        _submit(people["contributor"], seeded.id, "M4.3", period, value)
    with session_scope() as session:
        measure = get_measure(session, user=people["viewer"], plan_id=seeded.id, ref="M4.3")
        history = measure_history(session, user=people["admin"], plan_id=seeded.id, ref="M4.3")
        owed = owed_returns(session, user=people["contributor"], plan_id=seeded.id, today=TODAY)
        tracker = returns_tracker(session, user=people["chair"], plan_id=seeded.id, today=TODAY)
    # September has no return at all: a gap in the line, said in words
    assert [(v["label"], v["shown"]) for v in measure["values"]] == [
        ("Jul 2026", "54"), ("Aug 2026", "<5 (suppressed)"), ("Sep 2026", "no figure received"),
        ("Oct 2026", "not yet available")]
    assert measure["latest"]["shown"] == "54"
    assert [h["shown"] for h in history] == ["not yet available", "<5 (suppressed)", "54"]
    monthly = next(m for m in owed if m["ref"] == "M4.3")
    assert [(p["label"], p["shown"]) for p in monthly["periods"]] == [
        ("Oct 2026", "not yet available"), ("Sep 2026", ""), ("Aug 2026", "<5 (suppressed)"), ("Jul 2026", "54")]
    m43 = next(m for m in tracker["measures"] if m["ref"] == "M4.3")
    assert (m43["agency"], m43["frequency"]) == ("Essex Police", "monthly")
    assert [(p["label"], p["status"], p["late"], p["shown"]) for p in m43["cells"]["2026-Q3"]] == [
        ("Jul 2026", "received", False, "54"), ("Aug 2026", "received", False, "<5 (suppressed)"),
        ("Sep 2026", "late", True, "")]
    assert [(p["label"], p["status"], p["shown"]) for p in m43["cells"]["2026-Q4"]] == [
        ("Oct 2026", "not_available", "not yet available")]
    assert {m["ref"] for m in tracker["measures"]} >= {"M3.5", "M4.2", "M4.3"}  # a chair: every agency


def test_the_tracker_masks_measures_of_restricted_actions_for_the_uncleared(seeded, people) -> None:
    with session_scope() as session:
        create_measure(session, user=people["admin"], plan_id=seeded.id,
                       fields={"ref": "MR1", "name": "Disruptions of the named line", "direction": "higher",
                               "frequency": "quarterly", "source_agency": "Essex Police", "actions": ["4.6"]})
    with session_scope() as session:
        for_chair = returns_tracker(session, user=people["chair"], plan_id=seeded.id, today=TODAY)
        for_admin = returns_tracker(session, user=people["admin"], plan_id=seeded.id, today=TODAY)
    chair_names = {m["ref"]: m["name"] for m in for_chair["measures"]}
    assert chair_names["MR1"] == "Restricted measure"
    assert {r["name"] for r in for_chair["late"] if r["ref"] == "MR1"} == {"Restricted measure"}
    assert "Disruptions of the named line" not in str(for_chair)
    assert {m["ref"]: m["name"] for m in for_admin["measures"]}["MR1"] == "Disruptions of the named line"


def test_a_definition_form_is_offered_every_agency(seeded) -> None:
    with session_scope() as session:
        choices = definition_choices(session)
    assert "Essex Police" in choices["agencies"] and choices["agencies"] == sorted(choices["agencies"])
    assert "agencies" not in definition_choices()  # without a session: the fixed words only
