"""Board paper: choose the board and the meeting (or a date), optionally write the purpose and
recommendations, prepare the marked, print-ready paper (Excel or PDF), then download it. Cleared
users may prepare the restricted annex: a file of its own, never part of the circulated paper."""

from datetime import date

import streamlit as st

from plan import meetings
from plan.db import read_scope
from plan.errors import InvalidFields, PlanError
from plan.exports import board_paper, paper_defaults, restricted_annex
from plan.exports.pdf import available as pdf_available
from plan.personal_data import PersonalDataWarning
from plan.plans import filter_choices
from plan.text import plural
from ui import downloads, url_state
from ui.frame import current_user, page_start
from ui.text import md

WHOLE_PLAN = ""
NO_MEETING = 0
FORMATS = {"xlsx": "Excel workbook (.xlsx)", "pdf": "PDF (the same pages, for an agenda pack)"}

frame = page_start()
user = current_user()
st.title("Board paper")
st.caption("A print-ready paper in the order committees take it: cover with purpose, recommendations, matters "
           "arising, key messages and RAG by theme; then the exceptions, every action by theme, measures and "
           f"changes since the last meeting. Marked {md(frame.protective_marking)} on every page and in its file "
           "name; each paper prepared is recorded in the audit trail.")

try:
    with read_scope() as session:
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
url_state.seed("paper_format", "format", choices=list(FORMATS), default="xlsx")

first, second, third = st.columns(3)
board = first.selectbox("Board", [WHOLE_PLAN, *choices.boards], key="paper_board",
                        format_func=lambda c: f"{c}: {choices.board_names[c]}" if c else "The whole plan")
meeting_id = second.selectbox("Meeting", list(meeting_names), format_func=meeting_names.get, key="paper_meeting")
as_of = third.date_input("Plan as at", value=None, key="paper_as_of", format="DD/MM/YYYY",
                         disabled=bool(meeting_id), help="Empty: today. A meeting's paper is as at its date.")
file_format = st.radio("Format", list(FORMATS), format_func=FORMATS.get, key="paper_format", horizontal=True)
if file_format == "pdf" and not pdf_available():
    st.warning("A PDF needs LibreOffice on the server (Debian: apt-get install libreoffice-calc). The Excel paper "
               "prints the same pages.")
url_state.publish({"board": ("paper_board", board), "meeting": ("paper_meeting", meeting_id or None),
                   "as_of": ("paper_as_of", as_of.isoformat() if isinstance(as_of, date) else None),
                   "format": ("paper_format", file_format if file_format != "xlsx" else None)})
day = None if meeting_id or not isinstance(as_of, date) else as_of
chosen = (board, meeting_id, day)

# The purpose and recommendations: the paper's own unless the secretariat writes them first.
own = st.toggle("Write the purpose and recommendations myself", key="paper_own_words")
purpose = recommendations = None
if own:
    if st.session_state.get("paper_defaults_for") != chosen:
        try:
            with read_scope() as session:
                found = paper_defaults(session, user=user, plan_id=frame.id, board=board or None,
                                       meeting_id=meeting_id or None, as_of=day)
        except PlanError as err:
            st.error(md(err))
            st.stop()
        st.session_state["paper_purpose"] = found["purpose"]
        st.session_state["paper_recommendations"] = "\n".join(found["recommendations"])
        st.session_state["paper_defaults_for"] = chosen
    problems: dict[str, str] = st.session_state.get("paper_problems", {})
    purpose = st.text_area("Purpose", key="paper_purpose", max_chars=2000)
    if "purpose" in problems:
        st.error(problems["purpose"])
    text = st.text_area("Recommendations, one per line (the group is asked to …)", key="paper_recommendations",
                        height=150)
    if "recommendations" in problems:
        st.error(problems["recommendations"])
    recommendations = [line for line in text.splitlines() if line.strip()]
confirmed = False
if st.session_state.get("paper_personal_data"):
    st.warning(md(st.session_state["paper_personal_data"]))
    confirmed = st.checkbox("The purpose and recommendations hold no personal data", key="paper_confirm")

wanted = (chosen, file_format, purpose, tuple(recommendations or ()))
if st.session_state.get("paper_for") != wanted:  # the choices changed: the old paper is not this one
    st.session_state.pop("paper", None)

if st.button("Prepare board paper", key="paper_prepare", type="primary"):
    st.session_state.pop("paper", None)
    st.session_state.pop("paper_problems", None)
    with st.status("Preparing the board paper ...", expanded=True) as status:
        bar = st.progress(0.0)

        def show(fraction: float, words: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=words)

        try:
            with read_scope() as session:  # read, then written outside any transaction: no save waits
                paper = board_paper(session, user=user, plan_id=frame.id, board=board or None,
                                    meeting_id=meeting_id or None, as_of=day, purpose=purpose,
                                    recommendations=recommendations, file_format=file_format,
                                    personal_data_confirmed=confirmed, progress=show)
            st.session_state["paper"] = {"content": paper.content, "filename": paper.filename, "mime": paper.mime,
                                         "rows": paper.rows}
            st.session_state["paper_for"] = wanted
            st.session_state.pop("paper_personal_data", None)
            status.update(label=f"Board paper ready: {plural(paper.rows, 'row')}", state="complete", expanded=False)
        except PersonalDataWarning as err:
            status.update(label="The board paper was not prepared", state="error")
            st.session_state["paper_personal_data"] = str(err)
            st.rerun()
        except InvalidFields as err:
            status.update(label="The board paper was not prepared", state="error")
            st.session_state["paper_problems"] = dict(err.problems)
            st.rerun()
        except PlanError as err:
            status.update(label="The board paper could not be prepared", state="error")
            st.error(md(err))

if paper := st.session_state.get("paper"):
    downloads.offer(f"Download {paper['filename']}", paper["content"], file_name=paper["filename"],
                    mime=paper["mime"], key="paper_download")
    st.caption(f"{plural(paper['rows'], 'row')}. Marked {md(frame.protective_marking)} in the header and footer of "
               "every page; A4 landscape, one page wide, header rows repeated on every page.")

if user.cleared_for_restricted:
    st.subheader("Restricted annex")
    st.caption("The restricted actions' detail for the same paper, as a file of its own: never circulate it with "
               "the paper. Marked RESTRICTED ANNEX on every page.")
    if st.session_state.get("annex_for") != (chosen, file_format):
        st.session_state.pop("annex", None)
    if st.button("Prepare the restricted annex", key="annex_prepare"):
        try:
            with read_scope() as session:
                annex = restricted_annex(session, user=user, plan_id=frame.id, board=board or None,
                                         meeting_id=meeting_id or None, as_of=day, file_format=file_format)
            st.session_state["annex"] = {"content": annex.content, "filename": annex.filename, "mime": annex.mime}
            st.session_state["annex_for"] = (chosen, file_format)
        except PlanError as err:
            st.error(md(err))
    if annex_file := st.session_state.get("annex"):
        downloads.offer(f"Download {annex_file['filename']}", annex_file["content"],
                        file_name=annex_file["filename"], mime=annex_file["mime"], key="annex_download")
