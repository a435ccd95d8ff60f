"""Actions: the plan's actions for review, filtered (the filters live in the URL), RAG first, the
owner's latest commentary, blockers and support asked on screen; a row opens its action."""

import math

import pandas as pd
import streamlit as st

from plan.actions import MAX_SEARCH, ActionFilter, list_actions
from plan.db import read_scope
from plan.errors import PlanError
from plan.exports import actions_list
from plan.plans import filter_choices
from plan.text import plural
from plan.vocab import RAG_LABELS, RAG_ORDER
from ui import downloads, url_state
from ui.cache import cached
from ui.frame import current_user, page_start
from ui.rag import badge, legend, style_rag_column
from ui.text import md

PAGE_SIZE = 100

frame = page_start()
user = current_user()
st.title("Actions")

choices = cached(filter_choices, plan_id=frame.id, owners=True)  # recomputed after any write
rag_values = [r.value for r in RAG_ORDER]

url_state.seed("filter_text", "q", default="")
url_state.seed("filter_themes", "theme", choices=choices.themes, multi=True)
url_state.seed("filter_rags", "rag", choices=rag_values, multi=True)
url_state.seed("filter_agencies", "agency", choices=choices.agencies, multi=True)
url_state.seed("filter_boards", "board", choices=choices.boards, multi=True)
url_state.seed("filter_owner", "owner", choices=[""] + choices.owners, default="")
url_state.seed("filter_overdue", "overdue", convert=lambda v: v == "1", default=False)
url_state.seed("actions_page", "page", convert=int, default=1)

text = st.text_input("Search ref, title or description", key="filter_text", max_chars=MAX_SEARCH,
                     placeholder="e.g. 2.4, or words from the title")
active = sum(bool(st.session_state.get(k)) for k in ("filter_themes", "filter_rags", "filter_agencies",
                                                       "filter_boards", "filter_owner", "filter_overdue"))
with st.expander(f"Filters ({active} on)" if active else "Filters", expanded=bool(active)):
    first, second, third = st.columns(3)
    themes = first.multiselect("Theme", choices.themes, key="filter_themes")
    rags = first.multiselect("RAG", rag_values, format_func=lambda r: RAG_LABELS[r], key="filter_rags")
    agencies = second.multiselect("Agency (lead or partner)", choices.agencies, key="filter_agencies")
    boards = second.multiselect("Reports to board", choices.boards,
                                format_func=lambda c: f"{c}: {choices.board_names[c]}", key="filter_boards")
    owner = third.selectbox("Owner", [""] + choices.owners, format_func=lambda o: o or "Any owner",
                            key="filter_owner")
    overdue_only = third.checkbox("Overdue only", key="filter_overdue")

filters = ActionFilter(themes=themes, owner=owner, agencies=agencies, boards=boards, rags=rags,
                       overdue_only=overdue_only, text=text)
page = int(st.session_state.get("actions_page") or 1)
try:
    with read_scope() as session:
        rows, total = list_actions(session, user=user, plan_id=frame.id, filters=filters,
                                   limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
except PlanError as err:
    st.error(md(err))
    st.stop()
pages = max(1, math.ceil(total / PAGE_SIZE))
if page > pages:  # filters narrowed the list: go back to its first page
    st.session_state["actions_page"] = page = 1
    with read_scope() as session:
        rows, total = list_actions(session, user=user, plan_id=frame.id, filters=filters, limit=PAGE_SIZE)

url_state.publish({"q": ("filter_text", text), "theme": ("filter_themes", themes), "rag": ("filter_rags", rags),
                   "agency": ("filter_agencies", agencies), "board": ("filter_boards", boards),
                   "owner": ("filter_owner", owner), "overdue": ("filter_overdue", overdue_only),
                   "page": ("actions_page", page if page > 1 else None)})

st.markdown(f"**{plural(total, 'action')}** match" + ("es." if total == 1 else "."))


def _export_list():  # noqa: ANN202
    with read_scope() as session:
        return actions_list(session, user=user, plan_id=frame.id, filters=filters)


downloads.prepared("Prepare these actions in Excel", key="actions_export", wanted=filters, make=_export_list)
legend(frame.rag_definitions)
if not rows:
    st.info("No actions match these filters. Clear a filter to see more.")
    st.stop()

url_state.seed("actions_view", "view", choices=["Table", "Cards"], default="Table")
view = st.radio("Show as", ["Table", "Cards"], horizontal=True, key="actions_view",
                format_func={"Table": "Table", "Cards": "Cards (commentary in full)"}.get)
url_state.publish({"view": ("actions_view", view if view != "Table" else None)})
if view == "Cards":
    for r in rows:
        with st.container(border=True):
            st.markdown(f"{badge(r['rag'])} &nbsp; **{md(r['ref'])}** {md(r['title'])}",
                        unsafe_allow_html=True)
            due = f"{r['current_due_date']:%d %b %Y}" if r["current_due_date"] else "no due date"
            st.caption(f"{md(r['owner'])} · {md(r['lead_agency'] or 'no lead agency')} · due {due}"
                       + (" · **Overdue**" if r["overdue"] else "") + f" · {r['status_label']}")
            for label, key in (("Latest commentary", "commentary"), ("Blockers", "blockers"),
                               ("Support asked", "support_asked")):
                if r[key]:
                    st.caption(label)
                    st.text(r[key])
            st.page_link("pages/action_detail.py", label=f"Open {r['ref']}", query_params={"ref": r["ref"]})
    if pages > 1:
        st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="actions_page")
    st.stop()

st.caption("Select a row to open its action. Long text shows in full when you point at it, in the cards view, "
           "and on the action's page.")
table = pd.DataFrame([{
    "RAG": r["rag_label"], "Ref": r["ref"], "Title": r["title"], "Owner": r["owner"],
    "Due": r["current_due_date"], "Overdue": "Overdue" if r["overdue"] else "", "Status": r["status_label"],
    "Latest commentary": r["commentary"], "Blockers": r["blockers"], "Support asked": r["support_asked"],
    "Theme": r["theme"], "Lead agency": r["lead_agency"] or "",
    "Last update": r["last_update_at"].strftime("%d %b %Y") if r["last_update_at"] else "None yet",
} for r in rows])
chosen = st.dataframe(
    style_rag_column(table), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
    key="actions_table", row_height=60,
    column_config={
        "RAG": st.column_config.TextColumn("RAG", width=130, pinned=True),
        "Ref": st.column_config.TextColumn("Ref", width="small", pinned=True),
        "Title": st.column_config.TextColumn("Title", width="large"),
        "Due": st.column_config.DateColumn("Due", format="DD MMM YYYY", width="small"),
        "Latest commentary": st.column_config.TextColumn("Latest commentary", width="large"),
        "Blockers": st.column_config.TextColumn("Blockers", width="medium"),
        "Support asked": st.column_config.TextColumn("Support asked", width="medium"),
    })
if pages > 1:
    st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="actions_page")
selected = chosen.selection.rows if chosen else []
if selected:
    st.switch_page("pages/action_detail.py", query_params={"ref": str(table.iloc[selected[0]]["Ref"])})
