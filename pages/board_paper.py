"""Board paper: choose the board and the meeting (or a date), prepare the marked, print-ready Excel
paper, then download it. Cleared users may add the restricted annex."""

from datetime import date

import streamlit as st

from plan import meetings
from plan.db import session_scope
from plan.errors import PlanError
from plan.exports import board_paper
from plan.plans import filter_choices
from ui import downloads, url_state
from ui.frame import current_user, page_start
from ui.text import md

WHOLE_PLAN = ""
NO_MEETING = 0

frame = page_start()
user = current_user()
st.title("Board paper")
st.caption("A print-ready Excel paper: summary with key messages, exceptions, every action by P, measures, "
           f"changes since the last meeting and open follow-ups. Marked {md(frame.protective_marking)} "
           "on every page and in its file name; each paper prepared is recorded in the audit trail.")

try:
    with session_scope() as session:
        choices = filter_choices(session, plan_id=frame.id)
        held = meetings.list_meetings(session, user=user, plan_id=frame.id)
except PlanError as err:
    st.error(md(err))
    st.stop()
meeting_names = {NO_MEETING: "No meeting: the plan as at a date"} | {
    m["id"]: f"{m['held_on']:%d %b %Y}: {m['title'] or 'Meeting'}" + (f" ({m['board']})" if m["board"] else "")
    + ("" if m["status"] == "closed" else " (open)") for m in held}

url_state.seed("paper_board", "board", choices=[WHOLE_PLAN, *choices.boards], default=WHOLE_PLAN)
url_state.seed("paper_meeting", "meeting", choices=list(meeting_names), convert=int, default=NO_MEETING)
url_state.seed("paper_as_of", "as_of", convert=date.fromisoformat, default=None)

first, second, third = st.columns(3)
board = first.selectbox("Board", [WHOLE_PLAN, *choices.boards], key="paper_board",
                        format_func=lambda c: f"{c}: {choices.board_names[c]}" if c else "The whole plan")
meeting_id = second.selectbox("Meeting", list(meeting_names), format_func=meeting_names.get, key="paper_meeting")
as_of = third.date_input("Plan as at", value=None, key="paper_as_of", format="DD/MM/YYYY",
                         disabled=bool(meeting_id), help="Empty: today. A meeting's paper is as at its date.")
annex = False
if user.cleared_for_restricted:
    annex = st.checkbox("Add the restricted annex (restricted actions' detail: handle as restricted)",
                        key="paper_annex")
url_state.publish({"board": ("paper_board", board), "meeting": ("paper_meeting", meeting_id or None),
                   "as_of": ("paper_as_of", as_of.isoformat() if isinstance(as_of, date) else None)})

wanted = (board, meeting_id, as_of, annex)
if st.session_state.get("paper_for") != wanted:  # the choices changed: the old paper is not this one
    st.session_state.pop("paper", None)

if st.button("Prepare board paper", key="paper_prepare", type="primary"):
    st.session_state.pop("paper", None)
    with st.status("Preparing the board paper ...", expanded=True) as status:
        bar = st.progress(0.0)

        def show(fraction: float, words: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=words)

        try:
            with session_scope() as session:
                paper = board_paper(session, user=user, plan_id=frame.id, board=board or None,
                                    meeting_id=meeting_id or None,
                                    as_of=None if meeting_id or not isinstance(as_of, date) else as_of,
                                    restricted_annex=annex, progress=show)
            st.session_state["paper"] = {"content": paper.content, "filename": paper.filename, "mime": paper.mime,
                                         "rows": paper.rows}
            st.session_state["paper_for"] = wanted
            status.update(label=f"Board paper ready: {paper.rows:,} rows", state="complete", expanded=False)
        except PlanError as err:
            status.update(label="The board paper could not be prepared", state="error")
            st.error(md(err))

if paper := st.session_state.get("paper"):
    downloads.offer(f"Download {paper['filename']}", paper["content"], file_name=paper["filename"],
                    mime=paper["mime"], key="paper_download")
    st.caption(f"{paper['rows']:,} rows. Marked {md(frame.protective_marking)} in the header and footer of "
               "every page; A4 landscape, one page wide.")
