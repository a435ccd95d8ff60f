"""Everyday exports (issue 21, item 7): a meeting's calendar invite, the Actions list as filtered
and one action's history in Excel, each through the one export path (marked, audited)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
from sqlmodel import select

from models import AuditEvent
from plan import meetings
from plan.actions import ActionFilter
from plan.db import session_scope
from plan.due_dates import decide, request_revision
from plan.exports import action_history, actions_list, meeting_invite
from plan.updates import record_update

HELD = date.today() + timedelta(days=10)


def _events(code: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.event == code)).all())


def _cells(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_meeting_has_a_calendar_invite(seeded_sqlite, people_sqlite) -> None:
    admin, p = people_sqlite["admin"], seeded_sqlite.id
    with session_scope() as session:
        record_update(session, user=admin, plan_id=p, ref="3.5", rag="red", delivery_status="in_progress",
                      commentary="Blocked; waiting, for the partner", support_asked="Unblock the agreement")
        made = meetings.create_meeting(session, user=admin, plan_id=p, held_on=HELD, round_id=None,
                                       title="Strategic group; support, and challenge", attendees=["Chris Chair"])
    with session_scope() as session:
        invite = meeting_invite(session, user=admin, plan_id=p, meeting_id=made["id"])
    text = invite.content.decode("utf-8")
    assert invite.filename == f"{seeded_sqlite.protective_marking} meeting {HELD.isoformat()}.ics"
    assert invite.mime == "text/calendar"
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    assert f"DTSTART;VALUE=DATE:{HELD:%Y%m%d}\r\n" in unfolded
    assert f"DTEND;VALUE=DATE:{HELD + timedelta(days=1):%Y%m%d}\r\n" in unfolded
    assert (f"SUMMARY:[{seeded_sqlite.protective_marking}] Strategic group\\; support\\, and challenge\r\n"
            in unfolded)
    assert "Invited: Chris Chair." in unfolded and "\\n3.5 " in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert [e.entity_key for e in _events("export.invite")] == [str(made["id"])]


def test_the_filtered_actions_list_and_an_actions_history_in_excel(seeded_sqlite, people_sqlite) -> None:
    admin, chair, p = people_sqlite["admin"], people_sqlite["chair"], seeded_sqlite.id
    with session_scope() as session:
        record_update(session, user=admin, plan_id=p, ref="3.5", rag="red", delivery_status="in_progress",
                      commentary="=HYPERLINK(\"https://evil\") is text")
        record_update(session, user=admin, plan_id=p, ref="2.1", rag="amber", delivery_status="in_progress",
                      commentary="Partner late")
        record_update(session, user=admin, plan_id=p, ref="1.1", rag="green", delivery_status="in_progress",
                      commentary="On track")
        due = request_revision(session, user=admin, plan_id=p, ref="3.5", new_date=date(2027, 9, 30),
                               reason="Agreement late")
        decide(session, user=admin, plan_id=p, request_id=due.id, approve=True)
    with session_scope() as session:
        listed = actions_list(session, user=chair, plan_id=p, filters=ActionFilter(rags=["red", "amber"]))
        history = action_history(session, user=chair, plan_id=p, ref="3.5")
    rows = _cells(listed.content)
    assert rows[0][0] == seeded_sqlite.protective_marking
    header = next(i for i, r in enumerate(rows) if r[0] == "Ref")
    assert [r[0] for r in rows[header + 1:] if r[0]] == ["2.1", "3.5"]
    assert any("Filters: RAG: red, amber." in str(c) for r in rows[:header] for c in r)
    red = next(r for r in rows if r[0] == "3.5")
    assert red[5] == "Red" and red[9] == "=HYPERLINK(\"https://evil\") is text"  # text, never a formula
    assert listed.filename.startswith(f"{seeded_sqlite.protective_marking} actions ")
    lines = _cells(history.content)
    whats = [r[1] for r in lines]
    assert "Status update" in whats and "New due date approved" in whats
    assert any(r[3] == "Red, In progress" for r in lines)
    assert len(_events("export.table")) == 2
