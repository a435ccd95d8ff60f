"""Owners' updates: My actions order, delegates, bulk all-or-nothing, due-date governance."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

import models
from plan import due_dates, rounds
from plan.actions import action_detail
from plan.bulk import BulkRejected, bulk_update
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed
from plan.my_actions import my_actions
from plan.updates import record_update
from plan.users import assign_owner, set_delegate

TODAY = date(2026, 11, 28)


def _update(plan_id, user, ref, rag="green", status="in_progress", commentary="On track", **kw):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return record_update(session, user=user, plan_id=plan_id, ref=ref, rag=rag, delivery_status=status,
                             commentary=commentary, **kw)


def _history(plan_id: int, ref: str) -> list[str]:
    with session_scope() as session:
        from plan.identity import Actor

        return [u["commentary"] for u in action_detail(session, user=Actor.system(), plan_id=plan_id,
                                                       ref=ref)["updates"]]


@pytest.fixture
def owner_with_actions(seeded, people):  # noqa: ANN001, ANN201
    with session_scope() as session:
        for ref in ("1.4", "2.3", "3.4", "4.3"):
            assign_owner(session, user=people["admin"], plan_id=seeded.id, ref=ref, email="owner@nhs.net")
    return people["owner"]


def test_my_actions_puts_what_needs_the_owner_first(seeded, people, owner_with_actions) -> None:
    owner = owner_with_actions
    _update(seeded.id, owner, "3.4", rag="red", commentary="Templates not agreed")
    _update(seeded.id, owner, "4.3", rag="amber", commentary="Waiting for police data")
    with session_scope() as session:
        rows = my_actions(session, user=owner, plan_id=seeded.id, today=date(2027, 1, 5))
    # 1.4 and 2.3 are overdue from 1 Jan 2027; then Red, Amber, then the rest by ref
    assert [r["ref"] for r in rows] == ["1.4", "2.3", "3.4", "4.3", "3.5"]
    assert rows[2]["last_commentary"] == "Templates not agreed" and rows[2]["rag_label"] == "Red"
    with session_scope() as session:
        rounds.open_round(session, user=people["admin"], plan_id=seeded.id, period="2026-Q4",
                          deadline=date(2026, 12, 12), today=TODAY)
    _update(seeded.id, owner, "1.4", commentary="Briefings done")
    with session_scope() as session:
        rounds.return_update(session, user=people["admin"], plan_id=seeded.id, ref="1.4",
                             note="Say which agencies were briefed")
        rows = my_actions(session, user=owner, plan_id=seeded.id, today=TODAY)
    assert rows[0]["ref"] == "1.4" and rows[0]["returned_note"] == "Say which agencies were briefed"
    assert [r["ref"] for r in rows if r["owes"]] == ["1.4", "3.4", "4.3", "2.3", "3.5"]  # sent back, Red, Amber


def test_a_named_delegate_may_update_and_others_may_not(seeded, people) -> None:
    with pytest.raises(NotAllowed):
        _update(seeded.id, people["owner"], "2.1")
    with session_scope() as session:
        set_delegate(session, user=people["admin"], plan_id=seeded.id, ref="2.1", email="owner@nhs.net")
    _update(seeded.id, people["owner"], "2.1", commentary="As delegate")
    assert _history(seeded.id, "2.1") == ["As delegate"]
    with session_scope() as session:
        set_delegate(session, user=people["admin"], plan_id=seeded.id, ref="2.1", email="owner@nhs.net", named=False)
    with pytest.raises(NotAllowed):
        _update(seeded.id, people["owner"], "2.1")


def test_bulk_update_is_all_or_nothing_and_names_each_bad_row(seeded, people, owner_with_actions) -> None:
    rows = [
        {"ref": "1.4", "rag": "green", "delivery_status": "in_progress", "commentary": "All partners briefed"},
        {"ref": "2.3", "rag": "red", "delivery_status": "in_progress", "commentary": ""},
        {"ref": "3.4", "rag": "blue", "delivery_status": "in_progress", "commentary": "Done"},
        {"ref": "2.1", "rag": "green", "delivery_status": "in_progress", "commentary": "Not mine"},
    ]
    with session_scope() as session, pytest.raises(BulkRejected) as rejected:
        bulk_update(session, user=owner_with_actions, plan_id=seeded.id, rows=rows)
    problems = {p.ref: p.message for p in rejected.value.problems}
    assert set(problems) == {"2.3", "3.4", "2.1"}
    assert problems["2.3"].startswith("Commentary is required when the RAG is Red")
    assert problems["3.4"].startswith("Blue means complete")
    assert problems["2.1"].startswith("You cannot update action 2.1")
    assert _history(seeded.id, "1.4") == []  # the good row was not written either
    with session_scope() as session:
        assert bulk_update(session, user=owner_with_actions, plan_id=seeded.id, rows=rows[:1] + [
            {**rows[1], "commentary": "Comms lead off sick"}]) == 2
    assert _history(seeded.id, "1.4") == ["All partners briefed"]
    assert _history(seeded.id, "2.3") == ["Comms lead off sick"]


def test_due_date_requests_keep_the_baseline_and_count_slippage(seeded, people, owner_with_actions) -> None:
    owner, admin, chair = owner_with_actions, people["admin"], people["chair"]
    for bad, message in (("31/02/2027", "not a real date"), ("", "give a date")):
        with session_scope() as session, pytest.raises(InvalidInput, match=message):
            due_dates.request_revision(session, user=owner, plan_id=seeded.id, ref="1.4", new_date=bad, reason="x")
    with session_scope() as session, pytest.raises(InvalidInput, match="Give the reason"):
        due_dates.request_revision(session, user=owner, plan_id=seeded.id, ref="1.4", new_date="31/03/2027",
                                   reason=" ")
    with session_scope() as session, pytest.raises(NotAllowed):
        due_dates.request_revision(session, user=owner, plan_id=seeded.id, ref="2.1", new_date="31/03/2027",
                                   reason="Not mine")
    with session_scope() as session:
        due_dates.request_revision(session, user=owner, plan_id=seeded.id, ref="1.4", new_date="31/03/2027",
                                   reason="Two agencies asked to wait for new staff")
    with session_scope() as session, pytest.raises(InvalidInput, match="already has a request waiting"):
        due_dates.request_revision(session, user=owner, plan_id=seeded.id, ref="1.4", new_date="30/04/2027",
                                   reason="again")
    with session_scope() as session:
        [request] = due_dates.requests(session, user=chair, plan_id=seeded.id)
        with pytest.raises(InvalidInput, match="Say why the request is declined"):
            due_dates.decide(session, user=chair, plan_id=seeded.id, request_id=request["id"], approve=False)
    with session_scope() as session:
        due_dates.decide(session, user=chair, plan_id=seeded.id, request_id=request["id"], approve=True)
    with session_scope() as session, pytest.raises(InvalidInput, match="already approved by Chris Chair"):
        due_dates.decide(session, user=admin, plan_id=seeded.id, request_id=request["id"], approve=True)
    with session_scope() as session:
        detail = action_detail(session, user=admin, plan_id=seeded.id, ref="1.4")
        slip = due_dates.plan_slippage(session, plan_id=seeded.id)
    assert detail["baseline_due_date"] == date(2026, 12, 31)
    assert detail["current_due_date"] == date(2027, 3, 31)
    assert (detail["slipped_times"], detail["slipped_days"]) == (1, 90)
    assert slip == {"actions_moved": 1, "revisions": 1, "days_slipped": 90}
    with session_scope() as session, pytest.raises(NotAllowed):
        due_dates.requests(session, user=owner, plan_id=seeded.id)


def test_one_megabyte_of_commentary_is_refused_and_writes_nothing(seeded, people) -> None:
    with pytest.raises(InvalidInput, match="Commentary is 1,000,000 characters; the most allowed is 4,000"):
        _update(seeded.id, people["admin"], "2.1", commentary="x" * 1_000_000)
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(models.StatusUpdate)).scalar_one() == 0


def test_updates_in_a_round_carry_its_period(seeded, people) -> None:
    with session_scope() as session:
        rounds.open_round(session, user=people["admin"], plan_id=seeded.id, period="2026-q4",
                          deadline="12/12/2026", today=TODAY)
    update = _update(seeded.id, people["admin"], "2.1", at=datetime(2026, 11, 30, tzinfo=UTC))
    assert update.period == "2026-Q4" and update.round_id is not None


def test_a_restricted_action_is_given_only_to_a_cleared_person(seeded, people) -> None:
    with session_scope() as session, pytest.raises(InvalidInput, match="4.6 is restricted and Olu Owner is not"):
        assign_owner(session, user=people["admin"], plan_id=seeded.id, ref="4.6", email="owner@nhs.net")
    with session_scope() as session, pytest.raises(InvalidInput, match="not cleared"):
        set_delegate(session, user=people["admin"], plan_id=seeded.id, ref="4.6", email="owner@nhs.net")
    with session_scope() as session:
        assign_owner(session, user=people["admin"], plan_id=seeded.id, ref="4.6", email="secretariat@southend.gov.uk")
