"""Overview: the plan's RAG by theme at a glance, with counts and a chart."""

import pandas as pd
import streamlit as st

from plan.actions import rag_counts
from plan.charts import rag_bar
from plan.db import session_scope
from plan.vocab import RAG_LABELS, RAG_ORDER
from ui.frame import page_start
from ui.rag import badge, legend

frame = page_start()
st.title(frame.name)
st.caption(frame.organisation)

with session_scope() as session:
    by_theme = rag_counts(session, plan_id=frame.id, by="theme")

total = sum(row["count"] for row in by_theme)
overdue = sum(row["overdue"] for row in by_theme)
st.markdown(f"**{total} actions** under {len(frame.themes)} themes; **{overdue} overdue**.")
legend(frame.rag_definitions)

for column, (theme, description) in zip(st.columns(len(frame.themes) or 1), frame.themes, strict=False):
    rows = [r for r in by_theme if r["group"] == theme]
    with column, st.container(border=True):
        st.metric(theme, f"{sum(r['count'] for r in rows)} actions")
        for rag in RAG_ORDER:
            number = sum(r["count"] for r in rows if r["rag"] == rag.value)
            if number:
                st.markdown(f"{badge(rag.value)} **{number}**", unsafe_allow_html=True)
        st.caption(f"{sum(r['overdue'] for r in rows)} overdue. {description}")

grouping = st.radio("Show RAG by", ["Theme", "Board", "Lead agency"], horizontal=True)
by = {"Theme": "theme", "Board": "board", "Lead agency": "agency"}[grouping]
if by == "theme":
    counts = by_theme
else:
    with session_scope() as session:
        counts = rag_counts(session, plan_id=frame.id, by=by)
st.plotly_chart(rag_bar(counts, title=f"Actions by {grouping.lower()} and RAG"), width="stretch")

groups = list(dict.fromkeys(r["group"] for r in counts))
table = pd.DataFrame([
    {grouping: group,
     **{RAG_LABELS[rag]: sum(r["count"] for r in counts if r["group"] == group and r["rag"] == rag.value)
        for rag in RAG_ORDER},
     "Overdue": sum(r["overdue"] for r in counts if r["group"] == group),
     "Total": sum(r["count"] for r in counts if r["group"] == group)}
    for group in groups
])
if by == "board":
    st.caption("An action that reports to several boards counts under each of them.")
st.dataframe(table, hide_index=True, width="stretch")
