"""Appending status updates: the action's current RAG moves with the latest, in one transaction."""

import pytest
from sqlmodel import select

from models import Action
from plan.actions import action_detail
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed, StaleVersion
from plan.identity import Actor
from plan.updates import record_update
from plan.vocab import Role


def _history(plan_id: int, ref: str) -> list[str]:
    with session_scope() as session:
        return [u["rag"] for u in action_detail(session, user=Actor.system(), plan_id=plan_id, ref=ref)["updates"]]


def _submit(plan_id: int, user: Actor, **fields) -> None:
    values = {"ref": "2.1", "rag": "amber", "delivery_status": "in_progress", "commentary": "Slipped a month"}
    values.update(fields)
    with session_scope() as session:
        record_update(session, user=user, plan_id=plan_id, **values)


def test_an_update_is_appended_and_moves_the_action(seeded, admin) -> None:
    _submit(seeded.id, admin)
    _submit(seeded.id, admin, rag="green", commentary="Back on track")
    with session_scope() as session:
        action = session.exec(select(Action).where(Action.ref == "2.1")).one()
        assert (action.rag, action.delivery_status, action.version) == ("green", "in_progress", 3)
    assert _history(seeded.id, "2.1") == ["green", "amber"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"commentary": ""}, "Commentary is required when the RAG is Amber"),
    ({"rag": "blue", "delivery_status": "in_progress"}, "Blue means complete"),
    ({"rag": "green", "delivery_status": "complete"}, "A complete action needs evidence"),
    ({"commentary": "x" * 4001}, "Commentary is 4,001 characters; the most allowed is 4,000"),
    ({"rag": "purple"}, "RAG: 'purple' is not one of"),
    ({"rag": "not yet assessed"}, "Choose a RAG rating"),
])
def test_bad_updates_are_refused_and_write_nothing(seeded, admin, fields, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        _submit(seeded.id, admin, **fields)
    assert _history(seeded.id, "2.1") == []


def test_only_the_owner_or_the_secretariat_may_update(seeded, admin) -> None:
    viewer = Actor(7, "A viewer", "v@example.org", Role.VIEWER)
    other_owner = Actor(8, "Another owner", "o@example.org", Role.OWNER)
    for user in (viewer, other_owner, Actor.public()):
        with pytest.raises(NotAllowed, match="only its owner or the plan secretariat"):
            _submit(seeded.id, user)
    assert _history(seeded.id, "2.1") == []


def test_a_stale_version_is_refused(seeded, admin) -> None:
    _submit(seeded.id, admin)  # version 1 -> 2
    with pytest.raises(StaleVersion, match="updated by someone else"):
        _submit(seeded.id, admin, rag="red", commentary="Mine", expected_version=1)
    assert _history(seeded.id, "2.1") == ["amber"]
    _submit(seeded.id, admin, rag="red", commentary="Mine", expected_version=2)
    assert _history(seeded.id, "2.1") == ["red", "amber"]

