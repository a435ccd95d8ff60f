"""Overview: the plan's RAG by theme at a glance, with counts and a chart."""

import pandas as pd
import streamlit as st

from plan.actions import rag_counts, rag_table
from plan.charts import rag_bar
from plan.text import plural
from plan.vocab import RAG_LABELS, Rag
from ui.cache import cached
from ui.frame import page_start
from ui.rag import badge, legend
from ui.text import md

frame = page_start()
st.title(md(frame.name))
st.caption(md(frame.organisation))

by_theme = rag_table(cached(rag_counts, plan_id=frame.id, by="theme"))  # recomputed after any write
tiles = {row["group"]: row for row in by_theme}

st.markdown(f"**{plural(sum(r['total'] for r in by_theme), 'action')}** under {plural(len(frame.themes), 'theme')}; "
            f"**{sum(r['overdue'] for r in by_theme)} overdue**.")
legend(frame.rag_definitions)

for column, (theme, description) in zip(st.columns(len(frame.themes) or 1), frame.themes, strict=False):
    tile = tiles.get(theme, {"total": 0, "overdue": 0, "by_rag": {}})
    with column, st.container(border=True):
        st.metric(md(theme), plural(tile['total'], 'action'))
        for rag, number in tile["by_rag"].items():
            if number:
                st.markdown(f"{badge(rag)} **{number}**", unsafe_allow_html=True)
        st.caption(f"{tile['overdue']} overdue. {md(description)}")

grouping = st.radio("Show RAG by", ["Theme", "Board", "Lead agency"], horizontal=True)
by = {"Theme": "theme", "Board": "board", "Lead agency": "agency"}[grouping]
if by == "theme":
    table = by_theme
else:
    table = rag_table(cached(rag_counts, plan_id=frame.id, by=by))
st.plotly_chart(rag_bar(table, title=f"Actions by {grouping.lower()} and RAG"), width="stretch")

if by == "board":
    st.caption("An action that reports to several boards counts under each of them.")
st.dataframe(pd.DataFrame([
    {grouping: row["group"], **{RAG_LABELS[Rag(rag)]: n for rag, n in row["by_rag"].items()},
     "Overdue": row["overdue"], "Total": row["total"]}
    for row in table
]), hide_index=True, width="stretch")
