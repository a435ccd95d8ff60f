"""The secretariat's services behind the Users and Update round pages, on both databases:
several owners at once (all or nothing), who may see owners and delegates, disabling an account
ends its sessions, the round's totals, what can be sent back, and the next round's period."""

from datetime import date

import pytest
from sqlalchemy import func, select

import models
from plan import rounds, sessions
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed
from plan.updates import record_update
from plan.users import add_user, assign_owner_many, assignable_actions, owners_and_delegates, update_user

TODAY = date(2026, 11, 28)


def _owner_of(plan_id: int) -> dict[str, str]:
    with session_scope() as session:
        rows = session.execute(select(models.Action.ref, models.Person.email)
                               .join(models.Person, models.Person.id == models.Action.owner_person_id, isouter=True)
                               .where(models.Action.plan_id == plan_id)).all()
    return {ref: email or "" for ref, email in rows}


def _assign_events() -> list[tuple[str, str, str]]:
    with session_scope() as session:
        rows = session.execute(select(models.AuditEvent).where(models.AuditEvent.event == "action.assign_owner")
                               .order_by(models.AuditEvent.id)).scalars().all()
        return [(r.entity_key, r.before, r.after) for r in rows]


def test_several_actions_get_one_owner_with_one_event_each(seeded, people) -> None:
    before = _assign_events()
    with session_scope() as session:
        done = assign_owner_many(session, user=people["admin"], plan_id=seeded.id, refs=["2.1", "1.1", "2.1", "3.5"],
                                 email="Owner@NHS.net")
    assert done == ["2.1", "1.1", "3.5"]
    owners = _owner_of(seeded.id)
    assert [owners[r] for r in ("1.1", "2.1", "3.5")] == ["owner@nhs.net"] * 3
    # 3.5 was already theirs (the people fixture): nothing changed there, so no event for it
    new = _assign_events()[len(before):]
    assert [key for key, _, _ in new] == ["2.1", "1.1"]
    assert new[0][1:] == ('{"owner": ""}', '{"owner": "owner@nhs.net"}')


def test_one_bad_ref_and_nothing_is_assigned(seeded, people) -> None:
    before_owners, before_events = _owner_of(seeded.id), _assign_events()
    with session_scope() as session, pytest.raises(InvalidInput) as refused:
        assign_owner_many(session, user=people["admin"], plan_id=seeded.id, refs=["1.1", "9.9", "4.6", "2.1"],
                          email="owner@nhs.net")
    message = str(refused.value)
    assert message.startswith("Nobody was assigned.")
    assert "There is no action '9.9' in this plan." in message
    assert "Action 4.6 is restricted and Olu Owner is not cleared" in message  # every problem, not the first
    assert _owner_of(seeded.id) == before_owners and _assign_events() == before_events


@pytest.mark.parametrize(("email", "refs", "message"), [
    ("viewer@thurrock.gov.uk", ["1.1"], "Val Viewer has the role viewer; give them the owner role first."),
    ("owner@nhs.net", [], "Choose at least one action."),
    ("nobody@nhs.net", ["1.1"], "There is no account for nobody@nhs.net."),
])
def test_assigning_several_checks_the_person(seeded, people, email, refs, message) -> None:
    with session_scope() as session, pytest.raises(Exception) as refused:  # noqa: PT011
        assign_owner_many(session, user=people["admin"], plan_id=seeded.id, refs=refs, email=email)
    assert str(refused.value) == message


def test_a_disabled_person_cannot_be_given_actions(seeded, people) -> None:
    with session_scope() as session:
        update_user(session, user=people["admin"], email="owner@nhs.net", active=False)
    with session_scope() as session, pytest.raises(InvalidInput, match="account is disabled"):
        assign_owner_many(session, user=people["admin"], plan_id=seeded.id, refs=["1.1"], email="owner@nhs.net")


@pytest.mark.parametrize("role", ["chair", "owner", "contributor", "viewer"])
def test_only_the_secretariat_assigns_or_lists_owners(seeded, people, role) -> None:
    before = _owner_of(seeded.id)
    with session_scope() as session:
        with pytest.raises(NotAllowed, match="cannot assign action owners"):
            assign_owner_many(session, user=people[role], plan_id=seeded.id, refs=["1.1"], email="owner@nhs.net")
        with pytest.raises(NotAllowed, match="cannot assign action owners"):
            owners_and_delegates(session, user=people[role], plan_id=seeded.id, ref="1.1")
        with pytest.raises(NotAllowed, match="cannot assign action owners"):
            assignable_actions(session, user=people[role], plan_id=seeded.id)
    assert _owner_of(seeded.id) == before


def test_the_secretariat_sees_owners_delegates_and_choices(seeded, people) -> None:
    with session_scope() as session:
        shown = owners_and_delegates(session, user=people["admin"], plan_id=seeded.id, ref="3.5")
        choices = assignable_actions(session, user=people["admin"], plan_id=seeded.id)
    assert shown["owner"] == "owner@nhs.net" and "owner@nhs.net" in shown["candidates"]
    assert [c["ref"] for c in choices][:3] == ["1.1", "1.2", "1.3"] and len(choices) == 25
    assert next(c for c in choices if c["ref"] == "3.5")["owner"] == "Olu Owner"


def test_restricted_titles_in_the_choices_need_clearance(seeded, people) -> None:
    with session_scope() as session:
        uncleared = add_user(session, user=people["admin"], email="deputy@southend.gov.uk", name="Dee Deputy",
                             role="admin")
        from plan.users import actor_for

        deputy = actor_for(uncleared)
    with session_scope() as session:
        mine = {c["ref"]: c for c in assignable_actions(session, user=people["admin"], plan_id=seeded.id)}
        theirs = {c["ref"]: c for c in assignable_actions(session, user=deputy, plan_id=seeded.id)}
    assert theirs["4.6"]["title"].startswith("Restricted action") and theirs["4.6"]["owner"] == "Restricted"
    assert not mine["4.6"]["title"].startswith("Restricted action")
    assert theirs["1.1"] == mine["1.1"]


def test_disabling_an_account_ends_its_sessions_for_good(seeded, people) -> None:
    with session_scope() as session:
        token = sessions.start(session, actor=people["viewer"]).token
    with session_scope() as session:
        update_user(session, user=people["admin"], email="viewer@thurrock.gov.uk", active=False)
    with session_scope() as session:  # enabled again: the old session must not come back
        update_user(session, user=people["admin"], email="viewer@thurrock.gov.uk", active=True)
    with session_scope() as session:
        assert not sessions.is_live(session, token=token)
        row = session.execute(select(models.SignInSession)).scalars().one()
        assert row.revoked_reason == "account disabled"


def test_a_role_change_leaves_sessions_alone(seeded, people) -> None:
    with session_scope() as session:
        token = sessions.start(session, actor=people["viewer"]).token
    with session_scope() as session:
        update_user(session, user=people["admin"], email="viewer@thurrock.gov.uk", role="chair")
    with session_scope() as session:
        assert sessions.is_live(session, token=token)


def _open(seeded, people, period="2026-Q4"):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return rounds.open_round(session, user=people["admin"], plan_id=seeded.id, period=period,
                                 deadline="12/12/2026", today=TODAY)


def _update(seeded, user, ref, **kw):  # noqa: ANN001, ANN202
    values = {"rag": "green", "delivery_status": "in_progress", "commentary": "Done this quarter", **kw}
    with session_scope() as session:
        record_update(session, user=user, plan_id=seeded.id, ref=ref, **values)


def test_round_totals_are_what_the_round_page_and_its_close_both_say(seeded, people) -> None:
    current = _open(seeded, people)
    _update(seeded, people["owner"], "3.5")
    # 1.8 is completed in the round: it owes nothing any more, so it is in neither number
    _update(seeded, people["admin"], "1.8", rag="blue", delivery_status="complete",
            commentary="All agencies have champions", evidence_url="https://example.org/champions")
    with session_scope() as session:
        totals = rounds.round_totals(session, user=people["chair"], plan_id=seeded.id, round_id=current.id)
        owing = rounds.owing(session, user=people["chair"], plan_id=seeded.id, round_id=current.id)
    assert totals == {"owed": 24, "submitted": 1, "outstanding": 23}
    assert len(owing) == totals["outstanding"]
    with session_scope() as session:
        frozen_totals = rounds.round_totals(session, user=people["admin"], plan_id=seeded.id, round_id=current.id)
        rounds.close_round(session, user=people["admin"], plan_id=seeded.id)
    assert frozen_totals == totals


def test_only_updates_in_the_round_can_be_sent_back(seeded, people) -> None:
    current = _open(seeded, people)
    _update(seeded, people["owner"], "3.5")
    _update(seeded, people["admin"], "2.1")
    with session_scope() as session:
        first = rounds.returnable(session, user=people["admin"], plan_id=seeded.id, round_id=current.id)
        rounds.return_update(session, user=people["admin"], plan_id=seeded.id, ref="3.5", note="Add the figures")
    with session_scope() as session:
        after = rounds.returnable(session, user=people["admin"], plan_id=seeded.id, round_id=current.id)
        with pytest.raises(NotAllowed):
            rounds.returnable(session, user=people["chair"], plan_id=seeded.id, round_id=current.id)
    assert [r["ref"] for r in first] == ["2.1", "3.5"] and first[1]["title"]
    assert [r["ref"] for r in after] == ["2.1"]


@pytest.mark.parametrize(("label", "after"), [
    ("2026-Q1", "2026-Q2"), ("2026-Q4", "2027-Q1"), ("2026-03", "2026-04"), ("2026-12", "2027-01"),
    ("2026-B2", "2026-B3"), ("2026-B6", "2027-B1"), ("2026", "2027"),
])
def test_next_period(label, after) -> None:
    assert rounds.next_period(label) == after


def test_the_next_round_is_offered_the_period_after_the_last(seeded, people) -> None:
    def offered(today: date = TODAY) -> str:
        with session_scope() as session:
            return rounds.suggested_period(session, plan_id=seeded.id, cycle="quarterly", today=today)

    assert offered() == "2026-Q4"  # no round yet: today's period
    _open(seeded, people)
    with session_scope() as session:
        rounds.close_round(session, user=people["admin"], plan_id=seeded.id)
    assert offered() == "2027-Q1"  # the round for today's period is held: the next one
    assert offered(date(2027, 8, 1)) == "2027-Q3"  # a quarter skipped: today's period again
    with session_scope() as session:
        held = session.execute(select(func.count()).select_from(models.UpdateRound)).scalar_one()
    assert held == 1
