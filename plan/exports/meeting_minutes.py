"""A meeting's minutes as a marked, print-ready workbook (or PDF): who met, what it reviewed, each
action discussed with the challenge, the owner's response, the owner's and the agreed RAG and the
decision, the items dropped and why, and the follow-ups agreed. Read through plan.meetings, so
restricted texts are masked for readers not cleared; a meeting still open says it is a draft."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import Plan
from plan import meetings
from plan.errors import NotFound
from plan.exports.path import Export, export
from plan.exports.writer import BOLD, Book, Cell, Column, rag_cell, rag_fill
from plan.identity import Actor
from plan.permissions import require
from plan.text import plural

ITEM_COLUMNS = [Column("Ref", 7), Column("Action", 30), Column("Owner's RAG", 9), Column("Agreed RAG", 9),
                Column("Challenge", 32), Column("Owner's response", 32), Column("Decision", 32)]
FOLLOW_UP_COLUMNS = [Column("Ref", 7), Column("Follow-up", 48), Column("Owner", 22), Column("Due", 12),
                     Column("Status", 30)]


def _items(book: Book, meeting: dict[str, Any]) -> int:
    held = [i for i in meeting["items"] if not i["dropped"]]
    dropped = [i for i in meeting["items"] if i["dropped"]]
    who = f"{meeting['board_name']} ({meeting['board']})" if meeting["board"] else "The strategic group: the whole plan"
    lines = [f"{who}. Reviewed {meeting['reviews']}.",
             f"Present: {', '.join(meeting['attendees']) or 'none recorded'}.",
             (f"Closed on {meeting['closed_at']:%d %b %Y} by {meeting['closed_by']}: the record cannot change."
              if meeting["status"] == "closed" else "DRAFT: the meeting is still open and its record may change.")]
    sheet = book.sheet("Minutes", title=f"Minutes: {meeting['title'] or 'Meeting'}, {meeting['held_on']:%d %B %Y}",
                       columns=ITEM_COLUMNS, lines=lines)
    for i in held:
        sheet.row([i["ref"], i["title"], rag_cell(i["proposed_rag"], i["proposed_label"]) if i["proposed_rag"] else "",
                   rag_cell(i["agreed_rag"], i["agreed_label"]) if i["agreed_rag"] else "Not agreed",
                   i["challenge"] or "None recorded", i["response"] or "None recorded",
                   i["decision"] or "None recorded"])
    if not held:
        sheet.note("No action was discussed.")
    if dropped:
        sheet.blank()
        sheet.heading("Taken off the agenda")
        for i in dropped:
            sheet.paragraph(f"{i['ref']} {i['title']}: {i['dropped_reason'] or 'no reason recorded'}")
    sheet.finish(last_data_row=sheet.header_row + max(len(held), 1))
    return len(held)


def _follow_ups(book: Book, meeting: dict[str, Any]) -> int:
    agreed = meeting["follow_ups"]
    if not agreed:
        return 0
    sheet = book.sheet("Follow-ups", title=f"Follow-ups agreed: {len(agreed)}", columns=FOLLOW_UP_COLUMNS,
                       freeze_columns=0)
    for f in agreed:
        status = (f"Done {f['done_at']:%d %b %Y}" + (f": {f['done_note']}" if f["done_note"] else "") if f["done"]
                  else Cell("Overdue", rag_fill("red"), BOLD) if f["overdue"] else "Open")
        sheet.row([f["ref"], f["text"], f["owner"] or "", f["due"], status])
    sheet.finish()
    return len(agreed)


def minutes(session: Session, *, user: Actor, plan_id: int, meeting_id: int, file_format: str = "xlsx") -> Export:
    """The meeting's minutes through the one export path (audited as export.minutes). Chairs and
    the secretariat. Raises NotAllowed, NotFound, InvalidInput (no PDF printer)."""
    require(user, "meeting.view")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    meeting = meetings.get_meeting(session, user=user, plan_id=plan_id, meeting_id=meeting_id)
    draft = meeting["status"] != "closed"

    def build(book: Book) -> str:
        discussed = _items(book, meeting)
        agreed = _follow_ups(book, meeting)
        return (f"{'draft ' if draft else ''}minutes ({file_format}) of meeting {meeting_id} held "
                f"{meeting['held_on'].isoformat()}: {plural(discussed, 'action')} discussed, "
                f"{plural(agreed, 'follow-up')}")

    stem = "minutes" + (f" {meeting['board']}" if meeting["board"] else "") + (" DRAFT" if draft else "")
    return export(session, user=user, operation="meeting.view", kind="minutes", plan_id=plan_id,
                  marking=plan.protective_marking, plan_name=plan.name, title="Minutes", build=build,
                  filename_stem=stem, entity_key=f"{meeting_id}", day=meeting["held_on"],
                  period=f"meeting of {meeting['held_on']:%d %b %Y}", file_format=file_format)
