"""Meetings: the support-and-challenge meetings (list, create, open one by `?meeting=ID`), each
agenda item's record (challenge, response, agreed RAG beside the owner's proposed RAG, decision),
follow-ups, closing (a closed meeting shows what was seen then, read-only), its minutes (Excel or
PDF), and the decisions log."""

import uuid
from datetime import date

import pandas as pd
import streamlit as st

from plan import meetings, notify
from plan.db import read_scope, session_scope
from plan.errors import InvalidFields, PlanError
from plan.exports import meeting_invite, minutes
from plan.periods import period_short
from plan.permissions import allowed
from plan.personal_data import PersonalDataWarning
from plan.plans import filter_choices
from plan.vocab import RAG_LABELS, Rag
from ui import downloads
from ui.frame import current_user, flash_and_rerun, page_start
from ui.notices import email_about
from ui.rag import badge, style_rag_column
from ui.text import md

AGREED = ["", Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.BLUE.value]

frame = page_start()
user = current_user()
manage = allowed(user, "meeting.manage")
record = allowed(user, "meeting.record")
st.title("Meetings")


def open_meeting(meeting_id: int | None) -> None:
    if meeting_id:
        st.query_params["meeting"] = str(meeting_id)
    elif "meeting" in st.query_params:
        del st.query_params["meeting"]
    st.rerun()


def problems_beside(errors: dict[str, str], field: str) -> None:
    if field in errors:
        st.error(errors[field])


def attempt(errors_key: str, call, success: str) -> None:  # noqa: ANN001
    """Run a service call in one transaction; problems kept by field (shown beside each), else flash."""
    try:
        with session_scope() as session:
            call(session)
    except InvalidFields as err:
        st.session_state[errors_key] = dict(err.problems)
        st.rerun()
    except PersonalDataWarning as err:
        st.session_state[errors_key] = {"confirm": str(err)}
        st.rerun()
    except PlanError as err:
        st.session_state[errors_key] = {"form": str(err)}
        st.rerun()
    st.session_state.pop(errors_key, None)
    flash_and_rerun(success)


def record_form(meeting: dict, item: dict) -> None:
    key = f"item_{item['id']}"
    errors = st.session_state.get(f"{key}_errors", {})
    problems_beside(errors, "form")
    with st.form(f"{key}_form"):
        challenge = st.text_area("Challenge", value=item["challenge"] or "", key=f"{key}_challenge")
        problems_beside(errors, "challenge")
        response = st.text_area("Owner's response", value=item["response"] or "", key=f"{key}_response")
        problems_beside(errors, "response")
        agreed = st.selectbox("Agreed RAG", AGREED, index=AGREED.index(item["agreed_rag"] or ""),
                              format_func=lambda r: RAG_LABELS[Rag(r)] if r else "Not agreed", key=f"{key}_agreed",
                              help=f"The owner proposes {item['proposed_label'] or item['seen']['rag_label']}: "
                                   "both are kept.")
        problems_beside(errors, "agreed_rag")
        decision = st.text_area("Decision", value=item["decision"] or "", key=f"{key}_decision")
        problems_beside(errors, "decision")
        confirm = st.checkbox("These notes hold no personal data about individuals", key=f"{key}_confirm")
        problems_beside(errors, "confirm")
        saved = st.form_submit_button("Save the record", key=f"{key}_save")
    if saved:
        attempt(f"{key}_errors", lambda s: meetings.record_discussion(
            s, user=user, plan_id=frame.id, meeting_id=meeting["id"], item_id=item["id"], challenge=challenge,
            response=response, agreed_rag=agreed, decision=decision, personal_data_confirmed=confirm),
            f"Record for {item['ref']} saved.")


def show_item(meeting: dict, item: dict) -> None:
    seen = item["seen"]
    proposed = item["proposed_rag"] or seen["rag"]
    label = f"{item['ref']}: {item['title']}" + (" (dropped)" if item["dropped"] else "")
    with st.expander(md(label), expanded=not item["dropped"] and meeting["status"] == "open"):
        st.text(f"Why on the agenda: {item['why']}")
        left, right = st.columns(2)
        left.markdown(f"Owner's RAG: {badge(proposed)}" + (f" &nbsp; Agreed: {badge(item['agreed_rag'])}"
                                                           if item["agreed_rag"] else " &nbsp; Agreed: not yet"),
                      unsafe_allow_html=True)
        if seen.get("suggested_rag"):
            right.markdown(f"Suggested: {badge(seen['suggested_rag'])}", unsafe_allow_html=True)
            right.text(seen["suggested_reason"] or "")
        due = seen["due"].strftime("%d %b %Y") if seen["due"] else "None"
        st.text(f"Owner: {item['owner'] or 'None'}    Status: {seen['status_label']}    Due: {due}")
        for words, text in (("Latest commentary", seen["commentary"]), ("Blockers", seen["blockers"]),
                            ("Support asked", seen["support_asked"])):
            if text:
                st.caption(words)
                st.text(text)
        if item["dropped"]:
            st.text(f"Dropped: {item['dropped_reason'] or 'no reason given'}")
            return
        if meeting["status"] == "open" and record:
            record_form(meeting, item)
            if manage and not (item["challenge"] or item["decision"] or item["agreed_rag"]):
                reason = st.text_input("Why it comes off the agenda", key=f"item_{item['id']}_drop_reason")
                problems_beside(st.session_state.get(f"item_{item['id']}_errors", {}), "reason")
                if st.button("Drop from the agenda", key=f"item_{item['id']}_drop"):
                    attempt(f"item_{item['id']}_errors", lambda s: meetings.drop_agenda_item(
                        s, user=user, plan_id=frame.id, meeting_id=meeting["id"], item_id=item["id"],
                        reason=reason), f"{item['ref']} dropped from the agenda.")
        else:
            for words, text in (("Challenge", item["challenge"]), ("Owner's response", item["response"]),
                                ("Decision", item["decision"])):
                st.caption(words)
                st.text(text or "None recorded")


def minutes_download(meeting: dict) -> None:
    """The minutes (a draft while the meeting is open), prepared on a click, then offered."""
    left, right = st.columns([1, 2])
    chosen = left.radio("Minutes as", ["xlsx", "pdf"], format_func={"xlsx": "Excel", "pdf": "PDF"}.get,
                        horizontal=True, key="minutes_format")
    wanted = (meeting["id"], meeting["status"], chosen)
    if st.session_state.get("minutes_for") != wanted:
        st.session_state.pop("minutes", None)
    if right.button("Prepare the minutes" if meeting["status"] == "closed" else "Prepare draft minutes",
                    key="minutes_prepare"):
        try:
            with read_scope() as session:
                made = minutes(session, user=user, plan_id=frame.id, meeting_id=meeting["id"], file_format=chosen)
            st.session_state["minutes"] = {"content": made.content, "filename": made.filename, "mime": made.mime}
            st.session_state["minutes_for"] = wanted
        except PlanError as err:
            st.error(md(err))
    if ready := st.session_state.get("minutes"):
        downloads.offer(f"Download {ready['filename']}", ready["content"], file_name=ready["filename"],
                        mime=ready["mime"], key="minutes_download")


def _invite(meeting_id: int):  # noqa: ANN202
    with read_scope() as session:
        return meeting_invite(session, user=user, plan_id=frame.id, meeting_id=meeting_id)


def meeting_view(meeting_id: int) -> None:
    try:
        with session_scope() as session:
            meeting = meetings.get_meeting(session, user=user, plan_id=frame.id, meeting_id=meeting_id)
    except PlanError as err:
        st.error(md(err))
        if st.button("All meetings", key="meeting_back"):
            open_meeting(None)
        return
    if st.button("All meetings", key="meeting_back"):
        open_meeting(None)
    st.header(md(f"{meeting['held_on']:%d %b %Y}: {meeting['title'] or 'Meeting'}"))
    scope = f"{meeting['board']}: {meeting['board_name']}" if meeting["board"] else "The whole plan"
    st.text(f"{scope}. Reviews {meeting['reviews']}. "
            + f"Attendees: {', '.join(meeting['attendees']) or 'none recorded'}.")
    minutes_download(meeting)
    downloads.prepared("Prepare a calendar invite (.ics)", key="invite", wanted=meeting["id"],
                       make=lambda: _invite(meeting["id"]))
    if meeting["status"] == "open" and manage:
        with st.expander("Attendees"):
            errors = st.session_state.get("attendees_errors", {})
            with st.form("attendees"):
                names = st.text_area("Attendees (one per line)", value="\n".join(meeting["attendees"]),
                                     key="attendees_text")
                problems_beside(errors, "attendees")
                problems_beside(errors, "form")
                changed = st.form_submit_button("Save attendees", key="attendees_save")
            if changed:
                attempt("attendees_errors", lambda s: meetings.set_attendees(
                    s, user=user, plan_id=frame.id, meeting_id=meeting_id,
                    attendees=[n.strip() for n in names.splitlines() if n.strip()]), "Attendees saved.")
    if meeting["status"] == "closed":
        st.info(f"Closed on {meeting['closed_at']:%d %b %Y} by {md(meeting['closed_by'])}. This is what the group "
                "saw then; the record cannot change. Record anything new at the next meeting.")
    summary = meeting.get("summary") or {}
    if summary:
        st.dataframe(pd.DataFrame([{"Theme": theme, **{RAG_LABELS[Rag(r)]: c.get(r, 0)
                                    for r in ("red", "amber", "green", "blue", "not_assessed")},
                                    "Total": c.get("total", 0)} for theme, c in summary.items()]),
                     hide_index=True, width="stretch", key="meeting_summary")

    st.subheader("Agenda")
    for item in meeting["items"]:
        show_item(meeting, item)
    if meeting["status"] == "open" and manage:
        errors = st.session_state.get("agenda_add_errors", {})
        with st.form("agenda_add"):
            ref = st.text_input("Add an action to the agenda (its ref)", key="agenda_add_ref")
            why = st.text_input("Why", key="agenda_add_why")
            confirm = st.checkbox("The reason holds no personal data about individuals", key="agenda_add_confirm")
            problems_beside(errors, "confirm")
            problems_beside(errors, "form")
            added = st.form_submit_button("Add to the agenda", key="agenda_add_save")
        if added:
            attempt("agenda_add_errors", lambda s: meetings.add_agenda_item(
                s, user=user, plan_id=frame.id, meeting_id=meeting_id, ref=ref.strip(), why=why,
                personal_data_confirmed=confirm), f"{ref.strip()} added to the agenda.")

    st.subheader("Follow-ups")
    if meeting["follow_ups"]:
        st.dataframe(pd.DataFrame([{"Ref": f["ref"], "What": f["text"], "Who": f["owner"], "Due": f["due"],
                                    "Done": "Done" if f["done"] else ("Overdue" if f["overdue"] else "Open")}
                                   for f in meeting["follow_ups"]]), hide_index=True, width="stretch",
                     key="meeting_follow_ups")
    else:
        st.caption("None yet.")
    if meeting["status"] == "open" and record:
        errors = st.session_state.get("follow_up_errors", {})
        refs = [""] + [i["ref"] for i in meeting["items"] if not i["dropped"]]
        with st.form("follow_up"):
            text = st.text_area("Follow-up", key="follow_up_text")
            problems_beside(errors, "text")
            ref = st.selectbox("About action", refs, format_func=lambda r: r or "No one action", key="follow_up_ref")
            due = st.date_input("Due", value=None, key="follow_up_due", format="DD/MM/YYYY")
            problems_beside(errors, "due")
            email = st.text_input("Who (their e-mail, if they use this app)", key="follow_up_email")
            name = st.text_input("Or who (a role or organisation)", key="follow_up_name")
            problems_beside(errors, "owner")
            confirm = st.checkbox("This holds no personal data about individuals", key="follow_up_confirm")
            problems_beside(errors, "confirm")
            problems_beside(errors, "form")
            added = st.form_submit_button("Add follow-up", key="follow_up_save")
        if added:
            attempt("follow_up_errors", lambda s: meetings.add_follow_up(
                s, user=user, plan_id=frame.id, meeting_id=meeting_id, text=text, due=due or "", ref=ref or None,
                owner_email=email or None, owner_name=name, personal_data_confirmed=confirm), "Follow-up added.")

    if meeting["status"] == "open" and manage:
        st.subheader("Close the meeting")
        st.caption("Closing freezes what the group saw and the record: nothing can change afterwards.")
        sure = st.checkbox("The record is complete: close the meeting", key="meeting_close_confirm")
        if st.button("Close meeting", key="meeting_close", disabled=not sure):
            attempt("meeting_close_errors", lambda s: meetings.close_meeting(
                s, user=user, plan_id=frame.id, meeting_id=meeting_id), "Meeting closed: its record is frozen.")
        problems_beside(st.session_state.get("meeting_close_errors", {}), "form")


def meetings_list() -> None:
    with session_scope() as session:
        held = meetings.list_meetings(session, user=user, plan_id=frame.id)
        choices = filter_choices(session, plan_id=frame.id)
    listing, log, open_follow_ups = st.tabs(["Meetings", "Decisions log", "Open follow-ups"])
    with listing:
        if held:
            st.caption("Select a row to open the meeting.")
            table = pd.DataFrame([{"Held on": m["held_on"], "Title": m["title"] or "Meeting",
                                   "Board": m["board"] or "Whole plan", "Status": m["status"].capitalize(),
                                   "Round": period_short(m["round_period"] or "")} for m in held])
            chosen = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun",
                                  selection_mode="single-row", key="meetings_table",
                                  column_config={"Held on": st.column_config.DateColumn(format="DD MMM YYYY")})
            if chosen and chosen.selection.rows:
                open_meeting(held[chosen.selection.rows[0]]["id"])
        else:
            st.info("No meetings yet.")
        if manage:
            create_form(choices)
    with log:
        decisions_log()
    with open_follow_ups:
        follow_ups_across()


def follow_ups_across() -> None:
    """Every open follow-up across meetings; the chair or the secretariat marks one done."""
    with session_scope() as session:
        rows = meetings.follow_ups(session, user=user, plan_id=frame.id)
    if not rows:
        st.info("No open follow-ups.")
        return
    if manage and st.button("E-mail each person their follow-ups due within a week", key="follow_ups_remind"):
        told = email_about(user, frame.id, lambda s: notify.follow_ups_due(s, plan_id=frame.id))
        st.success(told.strip() or "Nothing was sent: e-mail is not set up, or no follow-up of a person with an "
                   "account falls due within a week.")
    st.dataframe(pd.DataFrame([{"Due": f["due"], "State": "Overdue" if f["overdue"] else "Open", "Ref": f["ref"],
                                "What": f["text"], "Who": f["owner"], "Meeting": f["held_on"]} for f in rows]),
                 hide_index=True, width="stretch", key="follow_ups_table",
                 column_config={"Due": st.column_config.DateColumn(format="DD MMM YYYY"),
                                "Meeting": st.column_config.DateColumn(format="DD MMM YYYY")})
    if not allowed(user, "follow_up.complete"):
        return
    names = {f["id"]: f"{f['due']:%d %b %Y}: {f['ref'] + ' ' if f['ref'] else ''}{f['text'][:60]}" for f in rows}
    chosen = st.selectbox("Follow-up", list(names), format_func=names.get, key="follow_up_done_pick")
    note = st.text_input("Note (optional)", key="follow_up_done_note")
    if st.button("Mark done", key="follow_up_done"):
        attempt("follow_up_done_errors", lambda s: meetings.complete_follow_up(
            s, user=user, plan_id=frame.id, follow_up_id=chosen, note=note), "Follow-up marked done.")
    problems_beside(st.session_state.get("follow_up_done_errors", {}), "form")
    problems_beside(st.session_state.get("follow_up_done_errors", {}), "confirm")


def create_form(choices) -> None:  # noqa: ANN001
    st.subheader("New meeting")
    token = st.session_state.setdefault("meeting_create_token", uuid.uuid4().hex)
    errors = st.session_state.get("meeting_create_errors", {})
    problems_beside(errors, "form")
    # What it reviews: chosen outside the form, so the choices and their warning follow the date.
    held_on = st.date_input("Held on", value=date.today(), key="new_meeting_date", format="DD/MM/YYYY")
    problems_beside(errors, "held_on")
    try:
        with session_scope() as session:
            options = meetings.review_options(session, user=user, plan_id=frame.id, held_on=held_on)
    except PlanError as err:
        st.error(md(err))
        return
    by_id = {o["round_id"] or 0: o for o in options}
    chosen = st.selectbox("The meeting reviews", list(by_id), format_func=lambda k: by_id[k]["words"],
                          key="new_meeting_reviews",
                          help="A closed round: the actions as the round froze them. The plan as at the meeting's "
                               "date: as they stand on the day.")
    if by_id[chosen]["warning"]:
        st.warning(md(by_id[chosen]["warning"]))
    with st.form("meeting_create"):
        title = st.text_input("Title", key="new_meeting_title")
        board = st.selectbox("For", ["", *choices.boards], key="new_meeting_board",
                             format_func=lambda c: f"{c}: {choices.board_names[c]}" if c else "The whole plan")
        attendees = st.text_area("Attendees (one per line)", key="new_meeting_attendees")
        problems_beside(errors, "attendees")
        created = st.form_submit_button("Create meeting", key="new_meeting_save")
    if created and st.session_state.get("meeting_created_for") != token:  # saved once per opened form
        try:
            with session_scope() as session:
                made = meetings.create_meeting(session, user=user, plan_id=frame.id, held_on=held_on, title=title,
                                               board=board or None, attendees=attendees, round_id=chosen or None)
        except InvalidFields as err:
            st.session_state["meeting_create_errors"] = dict(err.problems)
            st.rerun()
        except PlanError as err:
            st.session_state["meeting_create_errors"] = {"form": str(err)}
            st.rerun()
        st.session_state["meeting_created_for"] = token
        for name in ("meeting_create_token", "meeting_create_errors", "new_meeting_title", "new_meeting_attendees"):
            st.session_state.pop(name, None)
        st.session_state["flash"] = (f"Meeting created with {len(made['items'])} agenda items"
                                     + (f" ({made['not_drawn']} more exceptions left off)." if made["not_drawn"]
                                        else "."))
        open_meeting(made["id"])


def decisions_log() -> None:
    ref = st.text_input("Only the action with ref", key="log_ref")
    with session_scope() as session:
        rows = meetings.decisions_log(session, user=user, plan_id=frame.id, ref=ref.strip() or None)
    if not rows:
        st.info("Nothing recorded yet." if not ref else "Nothing recorded for that action.")
        return
    table = pd.DataFrame([{"Held on": r["held_on"], "Ref": r["ref"], "Owner's RAG": r["proposed_label"] or "",
                           "Agreed RAG": r["agreed_label"] or "", "Decision": r["decision"] or "",
                           "Challenge": r["challenge"] or "", "Response": r["response"] or "",
                           "Title": r["title"], "Meeting": r["meeting_title"] or "Meeting",
                           "Recorded by": r["recorded_by"] or ""} for r in rows])
    st.dataframe(style_rag_column(table, "Agreed RAG"), hide_index=True, width="stretch",
                 key="decisions_log", column_config={"Held on": st.column_config.DateColumn(format="DD MMM YYYY")})


wanted = st.query_params.get("meeting")
if wanted and wanted.isdigit():
    meeting_view(int(wanted))
else:
    meetings_list()
