"""Actions: the plan's actions, filtered, a page at a time, RAG shown as word and colour."""

import math

import pandas as pd
import streamlit as st

from plan.actions import ActionFilter, list_actions
from plan.db import session_scope
from plan.plans import filter_choices
from plan.vocab import RAG_LABELS, RAG_ORDER
from ui.frame import current_user, page_start
from ui.rag import legend, style_rag_column

PAGE_SIZE = 100

frame = page_start()
user = current_user()
st.title("Actions")

with session_scope() as session:
    choices = filter_choices(session, plan_id=frame.id)

with st.container(border=True):
    first, second, third = st.columns(3)
    themes = first.multiselect("Theme", choices.themes, key="filter_themes")
    rags = first.multiselect("RAG", [r.value for r in RAG_ORDER], format_func=lambda r: RAG_LABELS[r],
                             key="filter_rags")
    agencies = second.multiselect("Agency (lead or partner)", choices.agencies, key="filter_agencies")
    boards = second.multiselect("Reports to board", choices.boards,
                                format_func=lambda c: f"{c}: {choices.board_names[c]}", key="filter_boards")
    owner = third.selectbox("Owner", [""] + choices.owners, format_func=lambda o: o or "Any owner",
                            key="filter_owner")
    text = third.text_input("Search ref, title or description", key="filter_text")
    overdue_only = third.checkbox("Overdue only", key="filter_overdue")

filters = ActionFilter(themes=themes, owner=owner, agencies=agencies, boards=boards, rags=rags,
                       overdue_only=overdue_only, text=text)
page = int(st.session_state.get("actions_page", 1))
with session_scope() as session:
    rows, total = list_actions(session, user=user, plan_id=frame.id, filters=filters,
                               limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
pages = max(1, math.ceil(total / PAGE_SIZE))
if page > pages:  # filters narrowed the list: go back to its first page
    st.session_state["actions_page"] = 1
    st.rerun()

st.markdown(f"**{total} actions** match." if total != 1 else "**1 action** matches.")
legend(frame.rag_definitions)
if not rows:
    st.info("No actions match these filters. Clear a filter to see more.")
    st.stop()

table = pd.DataFrame([{
    "Ref": r["ref"], "Title": r["title"], "Theme": r["theme"], "Owner": r["owner"],
    "Lead agency": r["lead_agency"] or "", "Due": r["current_due_date"], "Status": r["status_label"],
    "RAG": r["rag_label"], "Overdue": "Overdue" if r["overdue"] else "",
    "Last update": r["last_update_at"].strftime("%d %b %Y") if r["last_update_at"] else "None yet",
} for r in rows])
st.dataframe(style_rag_column(table), hide_index=True, width="stretch",
             column_config={"Due": st.column_config.DateColumn("Due", format="DD MMM YYYY")})
if pages > 1:
    st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="actions_page")

left, right = st.columns([3, 1])
chosen = left.selectbox("Open an action", [r["ref"] for r in rows],
                        format_func=lambda ref: f"{ref}: {next(r['title'] for r in rows if r['ref'] == ref)}",
                        key="open_ref")
if right.button("Open action", key="open_action"):
    st.session_state["action_ref"] = chosen
    st.switch_page("pages/action_detail.py")
