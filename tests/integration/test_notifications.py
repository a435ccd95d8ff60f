"""E-mail notifications (issue 21, item 7): an action assigned, an update sent back, a due-date
decision and a follow-up due each e-mail the person concerned, through a real SMTP server; a
person who switched them off gets none. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from models import AuditEvent
from plan import meetings, notify, rounds
from plan.db import session_scope
from plan.due_dates import decide, request_revision
from plan.updates import record_update
from plan.users import assign_owner

TODAY = date.today()


def _inbox(inbox) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(m["To"], m["Subject"], m.get_payload(decode=True).decode("utf-8")) for m in inbox.messages]


def test_each_event_e_mails_the_person_concerned(seeded, people, smtp_server) -> None:
    inbox, settings = smtp_server
    admin, owner, p = people["admin"], people["owner"], seeded.id
    marking = seeded.protective_marking
    with session_scope() as session:
        assign_owner(session, user=admin, plan_id=p, ref="2.1", email=owner.email)
        done = notify.deliver(session, user=admin, plan_id=p, settings=settings,
                              notices=notify.owner_assigned(session, plan_id=p, ref="2.1"))
    assert done == {"sent": [owner.email], "failed": [], "off": []}
    to, subject, body = _inbox(inbox)[-1]
    assert (to, subject) == (owner.email, f"[{marking}] Action 2.1 is now yours")
    assert "You are now the owner of action 2.1 (" in body and f"This e-mail is {marking}." in body

    with session_scope() as session:
        rounds.open_round(session, user=admin, plan_id=p, period="2026-Q4", deadline=TODAY + timedelta(days=7))
    with session_scope() as session:
        record_update(session, user=owner, plan_id=p, ref="3.5", rag="amber", delivery_status="in_progress",
                      commentary="Waiting on the partner")
    with session_scope() as session:
        rounds.return_update(session, user=admin, plan_id=p, ref="3.5", note="Say what the partner owes")
        notify.deliver(session, user=admin, plan_id=p, settings=settings,
                       notices=notify.update_returned(session, plan_id=p, ref="3.5"))
    to, subject, body = _inbox(inbox)[-1]
    assert (to, subject) == (owner.email, f"[{marking}] Your update on action 3.5 was sent back")
    assert "Their note: Say what the partner owes" in body

    with session_scope() as session:
        asked = request_revision(session, user=owner, plan_id=p, ref="3.5", new_date=date(2027, 12, 31),
                                 reason="Partner late")
    with session_scope() as session:
        decide(session, user=admin, plan_id=p, request_id=asked.id, approve=False, note="Keep the date")
        notify.deliver(session, user=admin, plan_id=p, settings=settings,
                       notices=notify.due_date_decided(session, plan_id=p, request_id=asked.id))
    to, subject, body = _inbox(inbox)[-1]
    assert (to, subject) == (owner.email, f"[{marking}] New due date for action 3.5 declined")
    assert "to 31 December 2027 was declined by Sam Secretariat. Note: Keep the date" in body

    with session_scope() as session:
        made = meetings.create_meeting(session, user=admin, plan_id=p, held_on=TODAY, round_id=None)
        meetings.add_follow_up(session, user=admin, plan_id=p, meeting_id=made["id"], ref="3.5",
                               text="Send the draft agreement", owner_email=owner.email, due=TODAY + timedelta(3))
        meetings.add_follow_up(session, user=admin, plan_id=p, meeting_id=made["id"], ref="2.1",
                               text="Not yet due", owner_email=owner.email, due=TODAY + timedelta(30))
    with session_scope() as session:
        notify.deliver(session, user=admin, plan_id=p, settings=settings,
                       notices=notify.follow_ups_due(session, plan_id=p))
    to, subject, body = _inbox(inbox)[-1]
    assert (to, subject) == (owner.email, f"[{marking}] 1 follow-up due")
    assert "Send the draft agreement" in body and "Not yet due" not in body
    with session_scope() as session:
        sent = session.exec(select(AuditEvent).where(AuditEvent.event == "notify.sent")).all()
    assert len(sent) == 4 and "Say what" not in "".join(e.after for e in sent)  # who and what, not the words


def test_a_person_who_switched_them_off_gets_none(seeded, people, smtp_server) -> None:
    inbox, settings = smtp_server
    admin, owner, p = people["admin"], people["owner"], seeded.id
    with session_scope() as session:
        assert notify.wants_email(session, user=owner)
        notify.set_email_notifications(session, user=owner, on=False)
    with session_scope() as session:
        assign_owner(session, user=admin, plan_id=p, ref="2.1", email=owner.email)
        done = notify.deliver(session, user=admin, plan_id=p, settings=settings,
                              notices=notify.owner_assigned(session, plan_id=p, ref="2.1"))
        assert not notify.wants_email(session, user=owner)
    assert done == {"sent": [], "failed": [], "off": [owner.email]} and inbox.messages == []


def test_a_restricted_actions_e_mail_names_only_its_ref(seeded, people, smtp_server) -> None:
    inbox, settings = smtp_server
    admin, p = people["admin"], seeded.id
    with session_scope() as session:
        assign_owner(session, user=admin, plan_id=p, ref="4.6", email=admin.email)
        notify.deliver(session, user=admin, plan_id=p, settings=settings,
                       notices=notify.owner_assigned(session, plan_id=p, ref="4.6"))
    _, _, body = _inbox(inbox)[-1]
    assert "You are now the owner of action 4.6." in body
