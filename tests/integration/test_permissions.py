"""Roles x every service that writes: allowed operations succeed and are audited with the
right actor; forbidden ones are refused with a clear error and write nothing."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

import models
from plan import audit, bulk, demo, due_dates, measures, meetings, plans, reports, rounds, seed, updates, users
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


def _measure(ref: str, period: str = "2026-Q3") -> Callable[[Session, Actor, int], None]:
    def run(session: Session, actor: Actor, plan_id: int) -> None:
        # a figure per role: the same figure again is no change, so nothing to audit
        measures.submit_value(session, user=actor, plan_id=plan_id, measure_ref=ref, period=period,
                              value=12 + ROLES.index(actor.role.value))
    return run


def _define_measure(session: Session, actor: Actor, plan_id: int) -> None:
    measures.create_measure(session, user=actor, plan_id=plan_id, fields={
        "ref": f"M9.{actor.role.value}", "name": "Knife crime", "direction": "lower", "actions": ["4.4"]})


def _import_measures(session: Session, actor: Actor, plan_id: int) -> None:
    sheet = f"Code,Indicator,Polarity,Q1 24/25,Q2 24/25\nX.{actor.role.value},Knife crime,Lower,51,<5\n"
    measures.import_measures(session, user=actor, plan_id=plan_id, content=sheet.encode(), filename="kpis.csv")


def _open_round(session: Session, actor: Actor, plan_id: int) -> None:
    rounds.open_round(session, user=actor, plan_id=plan_id, period="2026-Q4", deadline=date.today() + timedelta(7))


def _round_with_update(session: Session, actor: Actor, plan_id: int) -> None:
    _open_round(session, actor, plan_id)
    _update("3.5")(session, actor, plan_id)


def _request_dates(session: Session, actor: Actor, plan_id: int) -> None:
    for ref in ("3.5", "1.1"):
        due_dates.request_revision(session, user=actor, plan_id=plan_id, ref=ref, new_date="31/07/2027",
                                   reason="Waiting for partner sign-off")


def _decide_first_pending(session: Session, actor: Actor, plan_id: int) -> None:
    pending = session.execute(select(models.DueDateRequest.id).where(models.DueDateRequest.decision == "pending")
                              .order_by(models.DueDateRequest.id)).scalars().first()
    due_dates.decide(session, user=actor, plan_id=plan_id, request_id=pending, approve=True)


def _request_date(session: Session, actor: Actor, plan_id: int) -> None:
    ref = "1.1" if actor.role.value == "admin" else "3.5"  # the secretariat may ask for any action
    due_dates.request_revision(session, user=actor, plan_id=plan_id, ref=ref, new_date="31/07/2027",
                               reason=f"Asked by {actor.role.value}")


def _last_meeting(session: Session) -> int:
    return session.execute(select(func.max(models.Meeting.id))).scalar_one()


def _new_meeting(session: Session, actor: Actor, plan_id: int) -> None:
    meetings.create_meeting(session, user=actor, plan_id=plan_id, held_on=date.today(), draw_agenda=False)
    meetings.add_agenda_item(session, user=actor, plan_id=plan_id, meeting_id=_last_meeting(session), ref="3.5")


def _first_item(session: Session) -> int:
    return session.execute(select(func.min(models.AgendaItem.id)).where(models.AgendaItem.dropped.is_(False))
                           ).scalar_one()


def _record(session: Session, actor: Actor, plan_id: int) -> None:
    meetings.record_discussion(session, user=actor, plan_id=plan_id, meeting_id=_last_meeting(session),
                               item_id=_first_item(session), challenge=f"Challenge by {actor.role.value}",
                               agreed_rag="amber")


def _follow_ups_for_the_owner(session: Session, actor: Actor, plan_id: int) -> None:
    _new_meeting(session, actor, plan_id)
    for n in range(len(ROLES)):
        meetings.add_follow_up(session, user=actor, plan_id=plan_id, meeting_id=_last_meeting(session),
                               text=f"Bring the signed agreement ({n})", due=date.today() + timedelta(14),
                               owner_email="owner@nhs.net")


def _complete_follow_up(session: Session, actor: Actor, plan_id: int) -> None:
    first_open = session.execute(select(func.min(models.FollowUp.id)).where(models.FollowUp.done_at.is_(None))
                                 ).scalar_one()
    meetings.complete_follow_up(session, user=actor, plan_id=plan_id, follow_up_id=first_open)


# operation: (what the role does, the roles allowed, set-up done by the secretariat beforehand)
OPERATIONS: dict[str, tuple[Callable[[Session, Actor, int], object], set[str]]
                 | tuple[Callable[[Session, Actor, int], object], set[str], Callable[[Session, Actor, int], None]]] = {
    "open an update round": (_open_round, {"admin"}),
    "send an update back": (lambda s, a, p: rounds.return_update(s, user=a, plan_id=p, ref="3.5", note="More detail"),
                            {"admin"}, _round_with_update),
    "record a chase": (lambda s, a, p: rounds.record_chase(s, user=a, plan_id=p, sent=[], failed=[]), {"admin"},
                       _open_round),
    "close the update round": (lambda s, a, p: rounds.close_round(s, user=a, plan_id=p), {"admin"}, _open_round),
    "ask for a new due date": (_request_date, {"admin", "owner"}),
    "decide a due-date request": (_decide_first_pending, {"admin", "chair"}, _request_dates),
    "name a delegate": (lambda s, a, p: users.set_delegate(s, user=a, plan_id=p, ref="2.1", email="owner@nhs.net"),
                        {"admin"}),
    "bulk update": (lambda s, a, p: bulk.bulk_update(s, user=a, plan_id=p, rows=[
        {"ref": "3.5", "rag": "amber", "delivery_status": "in_progress", "commentary": f"Bulk {a.role.value}"}]),
                    {"admin", "owner"}),
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
    "submit a figure for another agency's measure": (_measure("M3.5", "2026-08"), {"admin"}),
    "upload figures for their agency's measures": (lambda s, a, p: measures.upload_returns(
        s, user=a, plan_id=p, filename="returns.csv",
        content=f"measure,period,value\nM4.2,2026-Q3,{20 + ROLES.index(a.role.value)}\n".encode()),
        {"admin", "contributor"}),
    "define a measure": (_define_measure, {"admin"}),
    "change a measure's definition": (lambda s, a, p: measures.update_measure(
        s, user=a, plan_id=p, ref="M3.5", changes={"tolerance": 5}), {"admin"}),
    "import measures from a spreadsheet": (_import_measures, {"admin"}),
    "change plan settings": (lambda s, a, p: plans.update_settings(s, user=a, plan_id=p,
                                                                   personal_data_policy="refuse"), {"admin"}),
    "export the audit trail": (lambda s, a, p: audit.export_events(s, user=a, marking="OFFICIAL-SENSITIVE"),
                               {"admin", "chair"}),
    "create a meeting": (lambda s, a, p: meetings.create_meeting(s, user=a, plan_id=p, held_on=date.today()),
                         {"admin"}),
    "put an action on a meeting's agenda": (lambda s, a, p: meetings.add_agenda_item(
        s, user=a, plan_id=p, meeting_id=_last_meeting(s), ref="1.1"), {"admin"}, _new_meeting),
    "take an action off a meeting's agenda": (lambda s, a, p: meetings.drop_agenda_item(
        s, user=a, plan_id=p, meeting_id=_last_meeting(s), item_id=_first_item(s), reason="Covered at the board"),
        {"admin"}, _new_meeting),
    "name a meeting's attendees": (lambda s, a, p: meetings.set_attendees(
        s, user=a, plan_id=p, meeting_id=_last_meeting(s), attendees=[f"Attendee {a.role.value}"]), {"admin"},
                                   _new_meeting),
    "record a challenge, agreed RAG and decision": (_record, {"admin", "chair"}, _new_meeting),
    "agree a follow-up": (lambda s, a, p: meetings.add_follow_up(
        s, user=a, plan_id=p, meeting_id=_last_meeting(s), text=f"Agreed by {a.role.value}",
        due=date.today() + timedelta(7), owner_name="V&V Coordinator"), {"admin", "chair"}, _new_meeting),
    "mark a follow-up done": (_complete_follow_up, {"admin", "chair", "owner"}, _follow_ups_for_the_owner),
    "close a meeting": (lambda s, a, p: meetings.close_meeting(s, user=a, plan_id=p, meeting_id=_last_meeting(s)),
                        {"admin"}, _new_meeting),
    "change the suggested-RAG thresholds": (lambda s, a, p: reports.update_suggestion_settings(
        s, user=a, plan_id=p, stale_days=45), {"admin"}),
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
    run, allowed_roles, *setup = OPERATIONS[operation]
    if setup:
        with session_scope() as session:
            setup[0](session, people["admin"], seeded.id)
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
            with session_scope() as session, pytest.raises((NotAllowed, bulk.BulkRejected)) as refused:
                run(session, actor, seeded.id)
            message = str(refused.value)
            assert ("Your role" in message or "You cannot" in message or message.startswith("Measure")), message
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
    assert chair[0]["after"] == "Restricted"
    assert chair[0]["event"] == "action.update"
    # who acted on it is restricted detail too: not shown, and not findable by searching for the name
    assert cleared[0]["actor"].startswith("Sam Secretariat") and chair[0]["actor"] == "Restricted"
    with session_scope() as session:
        found, total = audit.list_events(session, user=people["chair"], filters=audit.AuditFilter(
            entity_key="4.6", actor_text="Sam Secretariat"))
    assert (found, total) == ([], 0)
