"""Roles x every service that writes: allowed operations succeed and are audited with the
right actor; forbidden ones are refused with a clear error and write nothing."""

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

import models
from plan import audit, demo, measures, plans, seed, updates, users
from plan.db import session_scope
from plan.errors import NotAllowed
from plan.identity import Actor
from plan.setup import SEED_FILE

ROLES = ["admin", "chair", "owner", "contributor", "viewer"]


def _second_plan(session: Session, actor: Actor, plan_id: int) -> None:
    other = seed.read_seed(SEED_FILE)
    other.slug = f"copy-{actor.role.value}"
    seed.load_seed(session, user=actor, seed=other)


def _update(ref: str) -> Callable[[Session, Actor, int], None]:
    def run(session: Session, actor: Actor, plan_id: int) -> None:
        updates.record_update(session, user=actor, plan_id=plan_id, ref=ref, rag="amber",
                              delivery_status="in_progress", commentary=f"Update by {actor.role.value}")
    return run


def _measure(ref: str) -> Callable[[Session, Actor, int], None]:
    def run(session: Session, actor: Actor, plan_id: int) -> None:
        measures.submit_value(session, user=actor, plan_id=plan_id, measure_ref=ref, period="2026-Q3", value=12)
    return run


OPERATIONS: dict[str, tuple[Callable[[Session, Actor, int], object], set[str]]] = {
    "load a plan": (_second_plan, {"admin"}),
    "add demo data": (lambda s, a, p: demo.add_demo(s, user=a, plan_id=p), {"admin"}),
    "update an action they own": (_update("3.5"), {"admin", "owner"}),
    "update an action they do not own": (_update("2.1"), {"admin"}),
    "assign an owner": (lambda s, a, p: users.assign_owner(s, user=a, plan_id=p, ref="1.1",
                                                           email="owner@nhs.net"), {"admin"}),
    "add a user": (lambda s, a, p: users.add_user(s, user=a, email=f"new-{a.role.value}@example.org",
                                                  name="New Person", role="viewer"), {"admin"}),
    "change a role": (lambda s, a, p: users.update_user(s, user=a, email="viewer@thurrock.gov.uk", role="owner",
                                                        cleared_for_restricted=a.role.value == "admin"), {"admin"}),
    "set another person's password": (lambda s, a, p: users.set_password(
        s, user=a, email="viewer@thurrock.gov.uk" if a.role.value != "viewer" else "chair@southend.gov.uk",
        password="a long enough passphrase"), {"admin"}),
    "set their own password": (lambda s, a, p: users.set_password(s, user=a, email=a.email,
                                                                  password="my own long passphrase"), set(ROLES)),
    "submit a figure for their agency's measure": (_measure("M4.2"), {"admin", "contributor"}),
    "submit a figure for another agency's measure": (_measure("M3.5"), {"admin"}),
    "change plan settings": (lambda s, a, p: plans.update_settings(s, user=a, plan_id=p,
                                                                   personal_data_policy="refuse"), {"admin"}),
    "export the audit trail": (lambda s, a, p: audit.export_events(s, user=a, marking="OFFICIAL-SENSITIVE"),
                               {"admin", "chair"}),
}


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _latest_event() -> models.AuditEvent:
    with session_scope() as session:
        return session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())).scalars().first()


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_roles_by_operation(seeded, people, operation) -> None:
    run, allowed_roles = OPERATIONS[operation]
    for role in ROLES:
        actor = people[role]
        before = _counts()
        if role in allowed_roles:
            with session_scope() as session:
                run(session, actor, seeded.id)
            after = _counts()
            assert after["audit_event"] > before["audit_event"], f"{role}: {operation} was not audited"
            assert actor.email in _latest_event().actor, f"{role}: audited with the wrong actor"
        else:
            with session_scope() as session, pytest.raises(NotAllowed) as refused:
                run(session, actor, seeded.id)
            message = str(refused.value)
            assert message.startswith(("Your role", "You cannot", "Measure")), message
            assert _counts() == before, f"{role}: a refused '{operation}' wrote something"


def test_a_refusal_names_the_role_and_who_may(seeded, people) -> None:
    with session_scope() as session, pytest.raises(NotAllowed) as refused:
        users.add_user(session, user=people["chair"], email="x@example.org", name="X", role="viewer")
    assert str(refused.value) == "Your role (chair) cannot manage users and roles; this needs: admin."


def test_audit_views_are_for_admins_and_chairs(seeded, people) -> None:
    for role in ROLES:
        with session_scope() as session:
            if role in ("admin", "chair"):
                rows, total = audit.list_events(session, user=people[role])
                assert total == len(rows) > 0
            else:
                with pytest.raises(NotAllowed, match="cannot view the audit trail"):
                    audit.list_events(session, user=people[role])


def test_restricted_audit_detail_needs_clearance(seeded, people) -> None:
    with session_scope() as session:
        updates.record_update(session, user=people["admin"], plan_id=seeded.id, ref="4.6", rag="red",
                              delivery_status="in_progress", commentary="Operation details here")
    with session_scope() as session:
        cleared, _ = audit.list_events(session, user=people["admin"], filters=audit.AuditFilter(entity_key="4.6"))
        chair, _ = audit.list_events(session, user=people["chair"], filters=audit.AuditFilter(entity_key="4.6"))
    assert "Operation details here" in cleared[0]["after"]
    assert chair[0]["after"] == "Restricted: shown only to cleared users"
    assert chair[0]["event"] == "action.update"
