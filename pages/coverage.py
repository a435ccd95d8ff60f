"""Serious Violence Duty coverage (chairs and the secretariat): the local definition, the findings
no action answers (first), each finding with its actions and their RAG, each specified authority's
actions, the actions that answer no finding; the secretariat records findings and links here."""

from datetime import date

import pandas as pd
import streamlit as st

from plan import strategy
from plan.db import read_scope
from plan.errors import PlanError
from plan.permissions import allowed
from plan.text import plural
from plan.vocab import RAG_LABELS, RAG_ORDER
from ui import downloads, strategy_forms
from ui.frame import current_user, page_start
from ui.text import md

frame = page_start()
user = current_user()
st.title("Serious Violence Duty: coverage")
st.caption("Which findings of the needs assessment the plan answers, which it does not, and whether every "
           "specified authority contributes. Figures for the core measures arrive as data returns.")

with read_scope() as session:
    result = strategy.coverage(session, user=user, plan_id=frame.id, unanswered_limit=200)
    versions = strategy.definitions(session, plan_id=frame.id)
    reminder = strategy.review_reminder(session, plan_id=frame.id)
    findings = strategy.list_findings(session, user=user, plan_id=frame.id)
    review_due = strategy.review_due(session, plan_id=frame.id)
if reminder:
    (st.error if reminder["overdue"] else st.warning)(reminder["text"])

st.subheader("Local definition of serious violence")
if versions:
    st.text(versions[0]["text"])
    st.caption(f"Version {versions[0]['version']}, agreed {versions[0]['agreed_on']:%d %B %Y}"
               + (f"; {len(versions) - 1} earlier version(s) kept." if len(versions) > 1 else "."))
else:
    st.info("No local definition has been recorded yet: the partnership agrees one, the secretariat records it.")

totals = result["totals"]
first, second, third = st.columns(3)
first.metric("Findings answered", f"{totals['covered']} of {totals['findings']}")
second.metric("Gaps (no action)", totals["gaps"])
third.metric("Actions answering no finding", f"{totals['unanswered']} of {totals['actions']}")


def _rag_words(counts: dict[str, int]) -> str:
    return ", ".join(f"{RAG_LABELS[r]} {counts[r.value]}" for r in RAG_ORDER if counts[r.value]) or "none"


gaps = [f for f in result["findings"] if not f["covered"]]
st.subheader(f"Gaps: {plural(len(gaps), 'finding')} no action answers")
if gaps:
    for f in gaps:
        st.markdown(f"- **{md(f['ref'])}** {md(f['title'])} (priority {md(f['priority'])})")
else:
    st.success("Every finding is answered by at least one action.")

st.subheader("Findings and the actions that answer them")
st.dataframe(pd.DataFrame([{
    "Ref": f["ref"], "Finding": f["title"], "Priority": f["priority"], "Quoted": "Yes" if f["quoted"] else "",
    "Actions": "; ".join(f"{a['ref']} ({a['rag_label']})" for a in f["actions"]) or "None: a gap",
    "RAG of its actions": _rag_words(f["rag"]),
    "Measures that evidence it": "; ".join(f"{m['ref']} {m['name']}" for m in f["measures"]) or "None linked",
} for f in result["findings"]]), hide_index=True, width="stretch")

st.subheader("Specified authorities")
st.dataframe(pd.DataFrame([{
    "Authority": a["name"], "Agencies in the plan": ", ".join(a["agencies"]) or "None named",
    "Actions (lead or partner)": a["actions"], "RAG": _rag_words(a["rag"])} for a in result["authorities"]]),
    hide_index=True, width="stretch")
if result["authorities_without_action"]:
    names = {a["code"]: a["name"] for a in result["authorities"]}
    st.warning("The Duty expects every specified authority to contribute; no action in the plan involves: "
               + "; ".join(names[c] for c in result["authorities_without_action"]) + ".")

st.subheader(f"Actions that answer no finding: {totals['unanswered']}")
if result["unanswered"]:
    st.dataframe(pd.DataFrame([{"Ref": a["ref"], "Action": a["title"], "RAG": a["rag_label"]}
                               for a in result["unanswered"]]), hide_index=True, width="stretch")
    if totals["unanswered"] > len(result["unanswered"]):
        st.caption(f"The first {len(result['unanswered'])} are shown; `python -m plan report coverage --json` "
                   "lists them all.")

st.subheader("Annual review")
st.caption("The year's review for the partnership: the definition, each finding with its actions' RAG at the "
           "start and end of the year, the core measures with their caveats, what was completed, carried forward "
           "or retired, and the gaps. Marked on every page.")
this_year = date.today().year - (1 if date.today().month < 4 else 0)
years = list(range(this_year, this_year - 5, -1))
if st.query_params.get("year", "").isdigit() and int(st.query_params["year"]) in years:
    st.session_state.setdefault("review_year", int(st.query_params["year"]))
left, right = st.columns(2)
year = left.selectbox("Year (April to March)", years, key="review_year",
                      format_func=lambda y: f"{y}/{(y + 1) % 100:02d}")
st.query_params["year"] = str(year)
file_format = right.radio("Format", ["xlsx", "pdf"], horizontal=True, key="review_format",
                          format_func=lambda f: "Excel" if f == "xlsx" else "PDF")
if st.button("Prepare the annual review", key="review_prepare"):
    try:
        with read_scope() as session:  # the export's audit event is written on its own
            made = strategy.review_export(session, user=user, plan_id=frame.id, year=year, file_format=file_format)
        st.session_state["review_file"] = (made.content, made.filename, made.mime)
    except PlanError as err:
        st.error(md(err))
if prepared := st.session_state.get("review_file"):
    content, filename, mime = prepared
    downloads.offer(f"Download the annual review ({'PDF' if mime.endswith('pdf') else 'Excel'})", content,
                    file_name=filename, mime=mime, key="review_download")

if allowed(user, "strategy.edit"):
    strategy_forms.render(frame, user, findings, review_due)
