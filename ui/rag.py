"""RAG display: the word always beside the colour (never colour alone)."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from plan.vocab import RAG_COLOURS, RAG_LABELS, RAG_TEXT_COLOURS, Rag
from ui.text import md

_BY_LABEL = {label: rag for rag, label in RAG_LABELS.items()}


def badge(rag: str) -> str:
    """An inline HTML badge: the rating's word on its colour."""
    value = Rag(rag)
    return (f'<span style="background:{RAG_COLOURS[value]};color:{RAG_TEXT_COLOURS[value]};'
            f'padding:2px 8px;border-radius:4px;font-weight:600">{html.escape(RAG_LABELS[value])}</span>')


def style_rag_column(frame: pd.DataFrame, column: str = "RAG") -> pd.io.formats.style.Styler:
    """Colour a column that holds RAG words, keeping the words."""
    def colour(label: object) -> str:
        rag = _BY_LABEL.get(str(label))
        if rag is None:
            return ""
        return f"background-color: {RAG_COLOURS[rag]}; color: {RAG_TEXT_COLOURS[rag]}; font-weight: 600"

    return frame.style.map(colour, subset=[column])


def legend(definitions: list[tuple[str, str, str]]) -> None:
    """What each rating means in this plan (councils define them differently)."""
    with st.expander("What the RAG ratings mean in this plan"):
        for rag, label, meaning in definitions:
            st.markdown(f"{badge(rag)} &nbsp; **{md(label)}**: {md(meaning)}",
                        unsafe_allow_html=True)
