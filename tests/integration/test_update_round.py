"""The update round: open, completeness by agency and owner, chase by e-mail through a real
local SMTP server, send back and resubmit, close and freeze."""

import socket
from datetime import date

import pytest

from plan import mail, rounds
from plan.db import session_scope
from plan.errors import InvalidInput, NotAllowed
from plan.updates import record_update
from plan.users import assign_owner

TODAY = date(2026, 11, 28)


def _open(seeded, people):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return rounds.open_round(session, user=people["admin"], plan_id=seeded.id, period="2026-Q4",
                                 deadline="12/12/2026", today=TODAY)


def _update(seeded, user, ref, commentary="Done this quarter"):  # noqa: ANN001, ANN202
    with session_scope() as session:
        record_update(session, user=user, plan_id=seeded.id, ref=ref, rag="green", delivery_status="in_progress",
                      commentary=commentary)


def test_opening_a_round_checks_its_inputs(seeded, people) -> None:
    admin = people["admin"]
    for period, deadline, message in (("Q4", "12/12/2026", "not a reporting period"),
                                      ("2026-Q4", "31/02/2027", "not a real date"),
                                      ("2026-Q4", "01/11/2026", "has passed")):
        with session_scope() as session, pytest.raises(InvalidInput, match=message):
            rounds.open_round(session, user=admin, plan_id=seeded.id, period=period, deadline=deadline, today=TODAY)
    _open(seeded, people)
    with session_scope() as session, pytest.raises(InvalidInput, match="still open"):
        rounds.open_round(session, user=admin, plan_id=seeded.id, period="2027-Q1", deadline="12/12/2026",
                          today=TODAY)
    with session_scope() as session, pytest.raises(NotAllowed):
        rounds.open_round(session, user=people["chair"], plan_id=seeded.id, period="2027-Q1", deadline="12/12/2026",
                          today=TODAY)


def test_completeness_owing_returns_and_close(seeded, people) -> None:
    admin, chair, owner = people["admin"], people["chair"], people["owner"]
    current = _open(seeded, people)
    _update(seeded, owner, "3.5")
    _update(seeded, admin, "4.1")
    with session_scope() as session:
        record_update(session, user=admin, plan_id=seeded.id, ref="1.8", rag="blue", delivery_status="complete",
                      commentary="All agencies have champions", evidence_url="https://example.org/champions")
        by_agency = {r["group"]: r for r in rounds.completeness(session, user=chair, plan_id=seeded.id,
                                                                  round_id=current.id)}
        by_owner = {r["group"]: r for r in rounds.completeness(session, user=chair, plan_id=seeded.id,
                                                                 round_id=current.id, by="owner")}
    # 25 actions; 1.8 is complete now so it owes nothing: 24 owe, 2 are in
    assert sum(r["owed"] for r in by_agency.values()) == 24
    assert by_agency["Essex Police"] == {"group": "Essex Police", "owed": 2, "submitted": 1, "outstanding": 1,
                                         "percent": 50}
    assert by_agency["Southend University Hospital NHS Foundation Trust"]["percent"] == 100
    assert by_owner["Olu Owner"]["submitted"] == 1
    assert by_owner["Restricted"]["owed"] == 1  # the chair is not cleared: 4.6's owner stays hidden

    with session_scope() as session:
        rounds.return_update(session, user=admin, plan_id=seeded.id, ref="3.5", note="Add the Q3 figures")
        with pytest.raises(InvalidInput, match="already been sent back"):
            rounds.return_update(session, user=admin, plan_id=seeded.id, ref="3.5", note="again")
    with session_scope() as session:
        owed = {r["ref"]: r for r in rounds.owing(session, user=chair, plan_id=seeded.id, round_id=current.id)}
    assert owed["3.5"]["returned"] and "4.1" not in owed and "1.8" not in owed
    _update(seeded, owner, "3.5", commentary="Q3 figures: 212 attendances")
    with session_scope() as session:
        owed = rounds.owing(session, user=chair, plan_id=seeded.id, round_id=current.id)
    assert "3.5" not in [r["ref"] for r in owed] and len(owed) == 22

    with session_scope() as session:
        counts = rounds.close_round(session, user=admin, plan_id=seeded.id)
    assert counts == {"actions": 25, "updated": 3}  # 3.5 (resubmitted), 4.1 and 1.8
    _update(seeded, owner, "3.5", commentary="After the round closed")  # not part of the frozen round
    with session_scope() as session:
        from sqlmodel import select

        from models import Action, StatusUpdate

        frozen = rounds.frozen(session, user=chair, round_id=current.id)
        action_id = session.exec(select(Action.id).where(Action.ref == "3.5")).one()
        history = session.exec(select(StatusUpdate.id, StatusUpdate.commentary)
                               .where(StatusUpdate.action_id == action_id).order_by(StatusUpdate.id)).all()
    assert [c for _, c in history] == ["Done this quarter", "Q3 figures: 212 attendances", "After the round closed"]
    # the meeting sees the resubmitted update, not the one made after the close
    assert frozen[action_id]["update_id"] == history[1][0] and frozen[action_id]["updated_in_round"]
    with session_scope() as session, pytest.raises(InvalidInput, match="no open round"):
        rounds.close_round(session, user=admin, plan_id=seeded.id)


def test_chasers_are_previewed_then_sent_through_smtp(seeded, people, smtp_server) -> None:
    inbox, settings = smtp_server
    admin = people["admin"]
    with session_scope() as session:
        assign_owner(session, user=admin, plan_id=seeded.id, ref="2.1", email="owner@nhs.net")
        assign_owner(session, user=admin, plan_id=seeded.id, ref="1.1", email="secretariat@southend.gov.uk")
    _open(seeded, people)
    _update(seeded, admin, "1.1")
    with session_scope() as session:
        messages, unnamed = rounds.chasers(session, user=admin, plan_id=seeded.id, app_url="https://plan.example")
    assert [(m.email, m.refs) for m in messages] == [("owner@nhs.net", ["2.1", "3.5"])]
    assert "1.2" in unnamed and "1.1" not in unnamed and len(unnamed) == 22
    assert messages[0].subject == ("[OFFICIAL-SENSITIVE] Violence & Vulnerability Local Action Plan: "
                                   "update due by 12 December 2026")
    sent, failed = mail.send(settings, [(m.email, m.subject, m.body) for m in messages])
    assert (sent, failed) == (["owner@nhs.net"], [])
    with session_scope() as session:
        rounds.record_chase(session, user=admin, plan_id=seeded.id, sent=messages, failed=failed)
    [received] = inbox.messages
    assert received["To"] == "owner@nhs.net" and received["From"] == "plan@southend.gov.uk"
    body = received.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert "  - Action 2.1\n  - Action 3.5" in body and "Sign in at https://plan.example" in body
    assert "This message is OFFICIAL-SENSITIVE." in body
    with session_scope() as session, pytest.raises(NotAllowed):
        rounds.chasers(session, user=people["chair"], plan_id=seeded.id)


def test_an_unreachable_mail_server_is_reported_per_recipient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    settings = mail.SmtpSettings(host="127.0.0.1", port=port, sender="plan@example.org", starttls=False, timeout=3)
    sent, failed = mail.send(settings, [("a@example.org", "s", "b")])
    assert sent == [] and failed[0].startswith("a@example.org: could not reach the mail server")
    with pytest.raises(InvalidInput, match=r"add \[smtp\] host and sender"):
        mail.SmtpSettings.from_mapping({})


def test_chasing_the_round_is_the_secretariats_and_is_recorded(seeded, people, smtp_server) -> None:
    import json

    from sqlmodel import select

    from models import AuditEvent

    inbox, settings = smtp_server
    _open(seeded, people)
    with session_scope() as session:
        assign_owner(session, user=people["admin"], plan_id=seeded.id, ref="3.5", email=people["owner"].email)
        messages, _ = rounds.chasers(session, user=people["admin"], plan_id=seeded.id)
    assert messages
    with session_scope() as session, pytest.raises(NotAllowed):
        rounds.chase_round(session, user=people["chair"], plan_id=seeded.id, settings=settings, messages=messages)
    assert inbox.messages == [], "nothing is sent before the permission is checked"
    with session_scope() as session:
        sent, failed = rounds.chase_round(session, user=people["admin"], plan_id=seeded.id, settings=settings,
                                          messages=messages)
    assert (sorted(sent), failed) == (sorted(m.email for m in messages), [])
    assert sorted(m["To"] for m in inbox.messages) == sorted(sent)
    with session_scope() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.event == "round.chase")).one()
    assert sorted(json.loads(event.after)["sent_to"]) == sorted(sent)
