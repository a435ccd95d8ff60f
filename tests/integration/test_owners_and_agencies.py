"""Owners and agencies, on SQLite and PostgreSQL: agencies added and renamed (duplicates refused),
a leaver marked, one action or all of a leaver's actions reassigned (all or nothing, clearance
kept), the new owner seeing them on My actions, and the unowned or orphaned actions list."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

import models
from plan.db import session_scope
from plan.errors import InvalidFields, InvalidInput, NotAllowed
from plan.identity import Actor
from plan.maintenance import actions as editing
from plan.maintenance import owners
from plan.my_actions import my_actions
from plan.users import actor_for, add_user, assign_owner, update_user

TODAY = date.today()


def _refs(rows) -> list[str]:  # noqa: ANN001
    return [r["ref"] for r in rows]


def _mine(user: Actor, plan_id: int) -> list[str]:
    with session_scope() as session:
        found = my_actions(session, user=user, plan_id=plan_id)
    rows = found[0] if isinstance(found, tuple) else found
    return [r["ref"] for r in rows]


def test_agencies_are_added_renamed_and_never_duplicated(seeded, people) -> None:
    admin = people["admin"]
    with session_scope() as session:
        owners.add_agency(session, user=admin, name="  Southend  Youth   Trust ", kind="voluntary")
        with pytest.raises(InvalidFields, match="already an agency called 'Southend Youth Trust'"):
            owners.add_agency(session, user=admin, name="southend youth trust", kind="other")
        with pytest.raises(InvalidFields) as caught:
            owners.add_agency(session, user=admin, name="", kind="church")
        assert set(caught.value.problems) == {"name", "kind"}
        with pytest.raises(InvalidFields, match="already an agency called 'Essex Police'"):
            owners.edit_agency(session, user=admin, name="Southend Youth Trust", new_name="ESSEX POLICE")
        owners.edit_agency(session, user=admin, name="Southend Youth Trust", new_name="Southend Youth Foundation",
                           kind="education")
        listed = {a["name"]: a for a in owners.list_agencies(session)}
        with pytest.raises(NotAllowed, match="add or change agencies"):
            owners.add_agency(session, user=people["chair"], name="Another", kind="other")
    assert listed["Southend Youth Foundation"]["kind_label"] == "Education"
    assert "Southend Youth Trust" not in listed and listed["Essex Police"]["lead_of"] > 0
    with session_scope() as session:
        event = session.exec(select(models.AuditEvent).where(models.AuditEvent.event == "agency.edit")).scalars().one()
    assert json.loads(event.before) == {"name": "Southend Youth Trust", "kind": "voluntary"}
    assert json.loads(event.after) == {"name": "Southend Youth Foundation", "kind": "education"}
    # a new agency can lead an action at once
    with session_scope() as session:
        editing.edit_action(session, user=admin, plan_id=seeded.id, ref="2.1",
                            changes={"lead_agency": "Southend Youth Foundation"})


def _second_owner(cleared: bool = False) -> Actor:
    with session_scope() as session:
        person = add_user(session, user=Actor.system(), email="olive@southend.gov.uk", name="Olive Other",
                          role="owner", cleared_for_restricted=cleared)
        session.flush()
        return actor_for(person)


def test_a_reassigned_action_is_the_new_owners_and_its_history_says_so(seeded, people) -> None:
    admin, p, olive = people["admin"], seeded.id, _second_owner()
    assert "3.5" in _mine(people["owner"], p) and "3.5" not in _mine(olive, p)
    with session_scope() as session:
        owners.reassign(session, user=admin, plan_id=p, ref="3.5", email=olive.email)
    assert "3.5" in _mine(olive, p) and "3.5" not in _mine(people["owner"], p)
    with session_scope() as session:
        history = editing.plan_edits(session, user=people["viewer"], plan_id=p, ref="3.5")
    change = next(h for h in history if h["event"] == "action.assign_owner")
    assert change["changes"] == [{"field": "Owner", "before": people["owner"].email, "after": olive.email}]


def test_a_leavers_actions_move_all_at_once(seeded, people) -> None:
    admin, p, olive = people["admin"], seeded.id, _second_owner()
    owner = people["owner"]
    with session_scope() as session:
        for ref in ("1.1", "2.1"):
            assign_owner(session, user=admin, plan_id=p, ref=ref, email=owner.email)
        update_user(session, user=admin, email=owner.email, left_on=TODAY - timedelta(days=1))
        assert owners.leavers(session, user=admin, plan_id=p) == [
            {"name": owner.name, "email": owner.email, "left_on": TODAY - timedelta(days=1), "active": True,
             "actions": 3}]
        assert _refs(owners.actions_of(session, user=admin, plan_id=p, email=owner.email)) == ["1.1", "2.1", "3.5"]
        with pytest.raises(InvalidInput, match="left on"):  # a leaver cannot be given actions
            owners.reassign(session, user=admin, plan_id=p, ref="1.2", email=owner.email)
        moved = owners.reassign_all(session, user=admin, plan_id=p, from_email=owner.email, to_email=olive.email)
    assert moved == ["1.1", "2.1", "3.5"]
    assert _mine(olive, p) == ["1.1", "2.1", "3.5"] or set(_mine(olive, p)) == {"1.1", "2.1", "3.5"}
    with session_scope() as session:
        assert owners.leavers(session, user=admin, plan_id=p) == []
        with pytest.raises(InvalidInput, match="owns no action"):
            owners.reassign_all(session, user=admin, plan_id=p, from_email=owner.email, to_email=olive.email)
        events = session.exec(select(models.AuditEvent.event).where(
            models.AuditEvent.event.in_(["action.assign_owner", "user.actions_reassigned", "user.update"]))
            .order_by(models.AuditEvent.id)).scalars().all()
    assert events[-4:] == ["action.assign_owner"] * 3 + ["user.actions_reassigned"]
    assert "user.update" in events  # marking the leaver is recorded


def test_reassigning_all_is_all_or_nothing_and_keeps_clearance(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    olive = _second_owner(cleared=False)
    with session_scope() as session:
        update_user(session, user=admin, email=people["owner"].email, cleared_for_restricted=True)
        assign_owner(session, user=admin, plan_id=p, ref="4.6", email=people["owner"].email)  # restricted
    uncleared_admin = Actor(admin.person_id, admin.name, admin.email, admin.role, cleared_for_restricted=False)
    with session_scope() as session:
        with pytest.raises(InvalidInput, match="Nobody was assigned.*4.6 is restricted and Olive Other is not cleared"):
            owners.reassign_all(session, user=admin, plan_id=p, from_email=people["owner"].email,
                                to_email=olive.email)
        with pytest.raises(InvalidInput, match="Nobody was assigned.*4.6 is restricted: only someone cleared"):
            owners.reassign_all(session, user=uncleared_admin, plan_id=p, from_email=people["owner"].email,
                                to_email=people["admin"].email)
        with pytest.raises(NotAllowed, match="assign action owners"):
            owners.reassign_all(session, user=people["chair"], plan_id=p, from_email=people["owner"].email,
                                to_email=olive.email)
    assert set(_mine(people["owner"], p)) == {"3.5", "4.6"}  # nothing moved
    assert _mine(olive, p) == []


def test_the_orphaned_list_says_why_and_masks_restricted_detail(seeded, people) -> None:
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        editing.edit_action(session, user=admin, plan_id=p, ref="1.4", changes={"lead_owner": ""})  # no owner
        assert owners.orphaned(session, user=people["viewer"], plan_id=p)[0]["ref"] == "1.4"
        update_user(session, user=admin, email=people["owner"].email, cleared_for_restricted=True)
        assign_owner(session, user=admin, plan_id=p, ref="4.6", email=people["owner"].email)
        update_user(session, user=admin, email=people["owner"].email, left_on=TODAY)  # owns 3.5 and 4.6
        editing.edit_action(session, user=admin, plan_id=p, ref="2.5", changes={"lead_owner": ""})
        editing.retire_action(session, user=admin, plan_id=p, ref="2.5", reason="Withdrawn")  # not listed
    with session_scope() as session:
        seen = {role: owners.orphaned(session, user=people[role], plan_id=p)
                for role in ("admin", "chair", "owner", "viewer")}
        later = owners.orphaned(session, user=admin, plan_id=p, today=TODAY - timedelta(days=1))
        with pytest.raises(NotAllowed, match="orphaned"):
            owners.orphaned(session, user=people["contributor"], plan_id=p)
    assert _refs(seen["admin"]) == ["1.4", "3.5", "4.6"]
    assert _refs(later) == ["1.4"]  # before the day they left, their actions were looked after
    by_ref = {r["ref"]: r for r in seen["admin"]}
    assert by_ref["1.4"]["reason"] == "No owner: no person and no role named"
    assert by_ref["3.5"]["reason"] == f"The owner left on {TODAY:%d %b %Y}" and by_ref["4.6"]["owner"] == "Olu Owner"
    masked = {r["ref"]: r for r in seen["viewer"]}["4.6"]
    assert (masked["title"], masked["owner"]) == ("Restricted action: detail shown only to cleared users",
                                                  "Restricted")
    assert "left" not in masked["reason"]
    assert _refs(seen["chair"]) == _refs(seen["owner"]) == _refs(seen["viewer"]) == _refs(seen["admin"])
    # a disabled account orphans too
    with session_scope() as session:
        update_user(session, user=admin, email=people["owner"].email, still_here=True, active=False)
        rows = owners.orphaned(session, user=admin, plan_id=p)
    assert {r["ref"]: r["reason"] for r in rows}["3.5"] == "The owner's account is disabled"


def test_who_may_own_an_action_is_one_rule_for_every_picker(seeded, people) -> None:
    from plan.users import owner_candidates

    admin = people["admin"]
    with session_scope() as session:
        for email, name, role in (("gone@example.org", "Gone Before", "owner"),
                                  ("going@example.org", "Going Soon", "owner"),
                                  ("off@example.org", "Switched Off", "owner"),
                                  ("reader@example.org", "Only Reads", "viewer")):
            add_user(session, user=admin, email=email, name=name, role=role)
        update_user(session, user=admin, email="gone@example.org", left_on=TODAY - timedelta(days=1))
        update_user(session, user=admin, email="going@example.org", left_on=TODAY + timedelta(days=30))
        update_user(session, user=admin, email="off@example.org", active=False)
    with session_scope() as session:
        found = owner_candidates(session, user=admin)
        with pytest.raises(NotAllowed):
            owner_candidates(session, user=people["chair"])
    assert "going@example.org" in found and found["going@example.org"] == "Going Soon"  # still here until they go
    assert not {"gone@example.org", "off@example.org", "reader@example.org"} & set(found)
    # each one left out is refused by the assignment too, so the picker and the rule agree
    for email in ("gone@example.org", "off@example.org", "reader@example.org"):
        with session_scope() as session, pytest.raises(InvalidInput):
            assign_owner(session, user=admin, plan_id=seeded.id, ref="3.5", email=email)
    with session_scope() as session:
        assign_owner(session, user=admin, plan_id=seeded.id, ref="3.5", email="going@example.org")
