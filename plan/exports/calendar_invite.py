"""A meeting as a calendar invite (.ics, RFC 5545): an all-day event on the day it is held, its
title, what it reviews, who is invited and its agenda, marked with the plan's protective marking
in the summary, the description and the file's name; through the one export path (audited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models import Plan
from plan import meetings
from plan.errors import NotFound
from plan.exports.path import Export, text_export
from plan.identity import Actor
from plan.permissions import require
from plan.text import clean, plural

ICS_MIME = "text/calendar"


def _escape(text: str) -> str:
    """TEXT as RFC 5545 writes it: backslash, semicolon and comma escaped, line breaks as \\n."""
    words = clean(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return words.replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """A content line folded at 75 octets, each continuation starting with a space (RFC 5545 3.1)."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def invite_text(meeting: dict, *, plan: Plan, stamp: datetime) -> str:
    """The calendar file's text (CRLF line ends) for a meeting as get_meeting returns it."""
    marking = plan.protective_marking
    items = [i for i in meeting["items"] if not i.get("dropped")]
    agenda = [f"{i['ref']} {i['title']}" for i in items]
    description = "\n".join([
        marking, f"{plan.name}: {meeting['title']}.", meeting.get("reviews") or "",
        (f"Invited: {', '.join(meeting['attendees'])}." if meeting["attendees"] else ""),
        (f"Agenda ({plural(len(agenda), 'action')}):" if agenda else "No agenda yet."), *agenda, marking])
    day = meeting["held_on"]
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Action Plan Tracker//Meetings//EN", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:meeting-{meeting['id']}-{plan.slug}@action-plan-tracker",
        f"DTSTAMP:{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        "SUMMARY:" + _escape(f"[{marking}] {meeting['title']}"),
        f"DESCRIPTION:{_escape(description)}",
        "CLASS:CONFIDENTIAL", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


def meeting_invite(session: Session, *, user: Actor, plan_id: int, meeting_id: int) -> Export:
    """The meeting as a calendar invite, for the secretariat to send (audited as export.invite).
    Restricted titles are masked for a user not cleared. Raises NotAllowed, NotFound."""
    require(user, "meeting.view")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    meeting = meetings.get_meeting(session, user=user, plan_id=plan_id, meeting_id=meeting_id)
    body = invite_text(meeting, plan=plan, stamp=datetime.now(UTC))
    stem = "meeting" + (f" {meeting['board']}" if meeting["board"] else "")
    return text_export(session, user=user, operation="meeting.view", plan_id=plan_id, marking=plan.protective_marking,
                       body=body, filename_stem=stem, suffix=".ics", mime=ICS_MIME, comment=None,
                       kind="invite", entity_key=f"{meeting_id}", day=meeting["held_on"],
                       detail=f"calendar invite for meeting {meeting_id} held {meeting['held_on'].isoformat()}")
