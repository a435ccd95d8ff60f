"""A table of plan.reports action rows (drill-downs, exceptions) whose rows open the action: the
owner's RAG word coloured, the agreed and suggested RAG beside it (never instead)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from plan.vocab import RAG_COLOURS, RAG_LABELS, RAG_TEXT_COLOURS
from ui.rag import style_rag_column


def _day(value: Any) -> Any:
    return value.strftime("%d %b %Y") if value else "None yet"


def action_table(rows: list[dict[str, Any]], *, key: str, reasons: bool = False) -> None:
    """Show `rows` (user text only in the dataframe); selecting a row opens the action's page."""
    table = pd.DataFrame([{
        "RAG": r["rag_label"], "Agreed RAG": r.get("agreed_label") or "", "Ref": r["ref"], "Title": r["title"],
        **({"Why": "; ".join(r.get("reasons") or [])} if reasons else {}),
        "Owner": r["owner"] or "", "Due": r["due"], "Days overdue": r["days_overdue"] or 0,
        "Suggested RAG": r.get("suggested_label") or "", "Suggested because": r.get("suggested_reason") or "",
        "Latest commentary": r.get("commentary") or "", "Blockers": r.get("blockers") or "",
        "Support asked": r.get("support_asked") or "", "Theme": r["theme"], "Last update": _day(r["last_update_at"]),
    } for r in rows])
    styled = style_rag_column(table, "RAG")
    for column in ("Agreed RAG", "Suggested RAG"):
        styled = styled.map(_colour, subset=[column])
    st.caption("Select a row to open its action.")
    chosen = st.dataframe(
        styled, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key=key,
        row_height=60,
        column_config={
            "RAG": st.column_config.TextColumn("Owner's RAG", width="small", pinned=True),
            "Ref": st.column_config.TextColumn("Ref", width="small", pinned=True),
            "Title": st.column_config.TextColumn("Title", width="large"),
            "Why": st.column_config.TextColumn("Why", width="large"),
            "Due": st.column_config.DateColumn("Due", format="DD MMM YYYY", width="small"),
            "Latest commentary": st.column_config.TextColumn("Latest commentary", width="large"),
            "Suggested because": st.column_config.TextColumn("Suggested because", width="large"),
        })
    selected = chosen.selection.rows if chosen else []
    if selected:
        st.switch_page("pages/action_detail.py", query_params={"ref": str(table.iloc[selected[0]]["Ref"])})


def _colour(label: object) -> str:
    rag = {word: rag for rag, word in RAG_LABELS.items()}.get(str(label))
    if rag is None:
        return ""
    return f"background-color: {RAG_COLOURS[rag]}; color: {RAG_TEXT_COLOURS[rag]}; font-weight: 600"
