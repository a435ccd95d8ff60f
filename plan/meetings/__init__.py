"""The support-and-challenge meeting: its agenda (drawn from the exceptions), what the chair
recorded for each action (challenge, owner's response, agreed RAG beside the owner's proposed
RAG, decision), follow-ups tracked until done, and what the group saw, frozen at close.

Every service takes the session and the acting user (an `Actor`) as keywords, checks
`plan.permissions`, validates before writing, writes in the caller's transaction (audited), and
returns plain dicts (never ORM objects). Every refusal is a `plan.errors.PlanError` whose str()
says what to do; pages show it verbatim. A closed meeting is read-only: every edit is refused
with InvalidInput("This meeting was closed on ...: its record cannot change ...").

Who may do what (plan/permissions.py):
  meeting.manage   admin          create meetings, attendees, add/drop agenda items, close
  meeting.record   admin, chair   record challenge, response, agreed RAG, decision; follow-ups
  meeting.view     admin, chair   list and read meetings, the decisions log
  follow_up.complete admin, chair, owner (an owner only their own follow-ups)
  Everyone who reads the plan sees an action's agreed RAG and decisions (`for_action`), and
  their own follow-ups (`my_follow_ups`). Restricted actions' texts are masked for users not
  cleared (plan.actions.RESTRICTED_TITLE / RESTRICTED_TEXT); the agreed RAG is not masked.

The meeting dict (`create_meeting`, `get_meeting`, `list_meetings` rows without items)
--------------------------------------------------------------------------------------
{id, plan_id, held_on (date), title, board (code|""), board_name ("" = the whole plan),
 attendees: [str], status ("open"|"closed"), round_id (int|None), round_period (""|"2026-Q3"),
 created_by, closed_at (datetime|None), closed_by, is_demo,
 items: [agenda item] (get_meeting, create_meeting), follow_ups: [follow-up] (get_meeting),
 summary: {THEME: counts} (get_meeting: as frozen at close; live while open)}

The agenda item dict
--------------------
{id, position, ref, title, owner, restricted, why (sentence: why it is on the agenda),
 source ("exceptions"|"added"), dropped (bool), dropped_reason,
 seen: {rag, rag_label, delivery_status, status_label, due, commentary, blockers, support_asked,
        suggested_rag, suggested_label, suggested_reason} (frozen at close; live while open),
 proposed_rag, proposed_label (the owner's RAG when discussed; frozen at close),
 agreed_rag, agreed_label (None until agreed), challenge, response, decision,
 recorded_by, recorded_at}

The follow-up dict
------------------
{id, meeting_id, held_on, ref (""|action ref), title, text, owner, owner_email, due (date),
 done (bool), done_at, done_by, done_note, overdue (bool)}

Public functions
----------------
Meetings (meeting.manage unless said):
  create_meeting(session, *, user, plan_id, held_on, title="", board=None, attendees=(),
                 round_id="latest", draw_agenda=True, today=None, max_items=50, is_demo=False)
        -> meeting dict + {"not_drawn": n}
        held_on: date or text; board: a board code (None: the whole plan); attendees: a list or
        text with one name per line or ";"; round_id: the closed round the meeting reviews
        ("latest": the plan's latest closed round, if any; None: none; an open round is
        refused). The agenda is drawn from plan.reports.exceptions (as the reviewed round froze
        the actions, else as at the meeting's date; "worse since" from the last closed
        meeting), worst first, up to max_items; not_drawn says how many exceptions were left
        off. Each item's "why" is the reasons in words. NotAllowed, InvalidInput, NotFound
  review_options(session, *, user, plan_id, held_on) -> [{round_id (None: the plan as at the
        meeting's date), words, warning}], the suggested choice first (plan/meetings/review.py):
        the latest closed round unless it is stale (closed more than 45 days before, or actions
        are Red now that were not in it: named in the warning), then the rest
  frozen_plan(session, *, user, plan_id, meeting_id, filters=None) -> {"rows", "agenda",
        "by_theme", "headline"}: a closed meeting's plan as its snapshot froze it (the board
        paper for a closed meeting: plan/meetings/frozen.py)            (meeting.view)
  set_attendees(session, *, user, plan_id, meeting_id, attendees: list[str]) -> meeting dict
  add_agenda_item(session, *, user, plan_id, meeting_id, ref, why="",
                  personal_data_confirmed=False) -> agenda item
        InvalidInput if already on the agenda (a dropped item is put back)
  drop_agenda_item(session, *, user, plan_id, meeting_id, item_id, reason="",
                   personal_data_confirmed=False) -> agenda item (kept, marked dropped);
        InvalidInput once something is recorded on it
  close_meeting(session, *, user, plan_id, meeting_id) -> {"actions_frozen": n, "items": n,
        "round_id": id|None}; writes one meeting_snapshot row per action in the meeting's scope
        (and per agenda item outside it): ref, title, theme, owner, RAG, status, due date, the
        update's commentary, blockers and support asked, the suggested RAG and its sentence,
        as the reviewed round froze them where there is one, else as the plan stands; fills
        each item's proposed RAG if none was recorded. The meeting is read-only from then on.
  list_meetings(session, *, user, plan_id) -> [meeting dict without items], newest first
                                                                         (meeting.view)
  get_meeting(session, *, user, plan_id, meeting_id) -> meeting dict     (meeting.view)
        while open, "seen" and "summary" are live (what closing would freeze); once closed,
        exactly what was frozen
  last_closed_meeting(session, *, plan_id) -> {id, held_on, title, since_at} | None   (no permission)
  set_attendees / add_agenda_item / drop_agenda_item / record_discussion / add_follow_up on a
  closed meeting: InvalidInput("This meeting was closed on 12 Mar 2027 by Sam Secretariat: its
  record cannot change. Record anything new at the next meeting.")

The record (meeting.record):
  record_discussion(session, *, user, plan_id, meeting_id, item_id, challenge=None,
                    response=None, agreed_rag=None, decision=None,
                    personal_data_confirmed=False) -> agenda item
        None leaves a field as it is; agreed_rag "" clears it (Red, Amber, Green or Blue,
        any case). Texts up to 4,000 characters, checked for personal data. The owner's
        proposed RAG is taken from what the group sees when first recorded. InvalidFields
        (keys: challenge, response, decision, agreed_rag), InvalidInput (dropped item),
        NotAllowed (a restricted action for a user not cleared), PersonalDataWarning
  add_follow_up(session, *, user, plan_id, meeting_id, text, due, item_id=None, ref=None,
                owner_email=None, owner_name="", personal_data_confirmed=False) -> follow-up
        owner_email: a person in the app (they then see it in my_follow_ups); otherwise
        owner_name (a role or organisation). InvalidFields (keys: text, due (not before the
        meeting), owner).

Follow-ups:
  complete_follow_up(session, *, user, plan_id, follow_up_id, note="") -> follow-up
        (follow_up.complete; allowed after the meeting closed: tracking is not the record)
  follow_ups(session, *, user, plan_id, open_only=True) -> [follow-up]   (meeting.view)
  my_follow_ups(session, *, user, plan_id, open_only=True) -> [follow-up]   (anyone: their own)

Across meetings, and for one action:
  decisions_log(session, *, user, plan_id, ref=None, since=None, until=None)
        -> [{meeting_id, held_on, meeting_title, board, status, ref, title, proposed_rag,
             proposed_label, agreed_rag, agreed_label, challenge, response, decision,
             recorded_by}] newest first; items with anything recorded    (meeting.view)
  agreed_rag_for(session, *, action_id) -> {rag, rag_label, proposed_rag, proposed_label,
        meeting_id, held_on, status} | None   the latest agreed RAG (no texts: not masked)
  for_action(session, *, user, plan_id, ref) -> {"agreed": agreed_rag_for(...) | None,
        "decisions": [decisions_log rows for the action], "follow_ups": [follow-up]}
        for the action's page; anyone who reads the plan; texts masked when restricted
"""

from __future__ import annotations

from plan.lazy import exports

_WHERE = {
    "review_options": "review",
    "frozen_plan": "frozen",
    "reviews_words": "review",
    "create_meeting": "meetings",
    "set_attendees": "meetings",
    "add_agenda_item": "meetings",
    "drop_agenda_item": "meetings",
    "close_meeting": "meetings",
    "list_meetings": "meetings",
    "get_meeting": "meetings",
    "last_closed_meeting": "meetings",
    "record_discussion": "record",
    "add_follow_up": "record",
    "complete_follow_up": "record",
    "follow_ups": "record",
    "my_follow_ups": "record",
    "decisions_log": "record",
    "agreed_rag_for": "record",
    "for_action": "record",
}

__all__ = sorted(_WHERE)


__getattr__ = exports(__name__, _WHERE)
