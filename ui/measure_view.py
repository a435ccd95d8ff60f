"""One measure shown the same way wherever it appears (Measures, Action detail): its evidence RAG
as the word on its colour with the reason in a sentence, its direction of travel, its figures in
words (suppressed shows as "<5 (suppressed)", never 0) and its chart (gaps and suppressed periods
drawn as such). The judging is plan.measures'; this module only words and draws it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from plan.charts import measure_chart
from plan.measures import format_value
from plan.vocab import RAG_LABELS, Rag
from ui.rag import badge
from ui.text import md

NO_RAG = "No RAG"
TRAVEL = {"better": "Better than", "worse": "Worse than", "same": "The same as"}
CHANGE = {"up": "Up on", "down": "Down on", "same": "The same as"}
SHOWN_FIGURES = 8  # the newest figures written out beside the chart


def rag_word(measure: dict[str, Any]) -> str:
    """The evidence RAG as its word ("Red", "Amber", "Green"), or "No RAG"."""
    rag = measure.get("evidence_rag")
    return RAG_LABELS[Rag(rag)] if rag else NO_RAG


def travel(measure: dict[str, Any]) -> str:
    """Direction of travel in words: against the previous figure and the same period a year before."""
    found = measure["evidence"]
    unit = measure["unit"]
    parts = []
    previous, last_year = found.get("previous"), found.get("last_year")
    if previous and measure.get("direction_of_travel"):
        parts.append(f"{TRAVEL[measure['direction_of_travel']]} {previous['label']} "
                     f"({format_value(previous['value'], unit)})")
    elif previous and measure.get("change"):  # contextual: only the movement, good or bad is not said
        parts.append(f"{CHANGE[measure['change']]} {previous['label']} ({format_value(previous['value'], unit)}); "
                     "contextual, so neither better nor worse")
    if last_year and measure.get("direction_vs_last_year"):
        parts.append(f"{TRAVEL[measure['direction_vs_last_year']].lower()} a year before, {last_year['label']} "
                     f"({format_value(last_year['value'], unit)})")
    if not parts:
        return "Direction of travel: not known yet (it needs two figures)."
    return "Direction of travel: " + "; ".join(parts) + "."


def rag_html(measure: dict[str, Any]) -> str:
    """The evidence RAG badge (word on colour), or the words "No RAG" in plain text."""
    rag = measure.get("evidence_rag")
    return f"Evidence: {badge(rag)}" if rag else f"Evidence: <strong>{NO_RAG}</strong>"


def figures_line(measure: dict[str, Any], count: int = SHOWN_FIGURES) -> str:
    """The newest figures, newest first, each in words: 'Oct 2026: <5 (suppressed); Sep 2026: 12'."""
    values = measure.get("values") or []
    newest = list(reversed(values))[:count]
    line = "; ".join(f"{v['label']}: {v['shown']}" for v in newest)
    more = len(values) - len(newest)
    return line + (f"; and {more} earlier" if more > 0 else "")


def facts(measure: dict[str, Any]) -> str:
    """What the measure is, in one line: kind, unit, baseline, target, direction, frequency, source."""
    baseline = (f"baseline {measure['baseline_text']}" + (f" ({measure['baseline_label']})"
                                                          if measure["baseline_label"] else "")
                if measure["baseline"] is not None else "no baseline yet")
    target = f"target: {measure['target_text']}" if measure["target_text"] else "no target"
    source = measure["source_agency"] or measure["source_text"] or "no source agency named"
    return " · ".join([measure["kind_label"], f"unit: {measure['unit']}", baseline, target,
                       measure["direction_label"], measure["frequency"], f"from {source}"])


def measure_panel(measure: dict[str, Any], *, key: str, title: bool = True) -> None:
    """One measure: name, evidence RAG and its reason, direction of travel, figures, chart."""
    if title:
        st.markdown(f"**{md(measure['ref'])} {md(measure['name'])}**")
    st.caption(md(facts(measure)))
    st.markdown(f"{rag_html(measure)} &nbsp; {md(travel(measure))}", unsafe_allow_html=True)
    st.markdown(md(measure["evidence"]["reason"]))
    if measure.get("reported_status"):
        said = measure["reported_status"]
        st.markdown(md(f"Status in the partner's own report: {said['status']} ({said['label']})."))
    if not measure["values"]:
        st.caption("No figures received yet.")
        return
    st.markdown("**Figures, newest first:** " + md(figures_line(measure)))
    st.plotly_chart(measure_chart(measure), width="stretch", key=f"{key}_chart_{measure['ref']}")
