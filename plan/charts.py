"""Rows in, plotly Figure out. RAG colours always come with the word and a pattern."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from plan.vocab import RAG_COLOURS, RAG_LABELS, RAG_ORDER, Rag

# A pattern per rating, so print-outs in grey and colour-blind readers can still tell them apart.
RAG_PATTERNS = {Rag.RED: "x", Rag.AMBER: "/", Rag.GREEN: "", Rag.BLUE: ".", Rag.NOT_ASSESSED: "-"}


def rag_bar(table: list[dict[str, Any]], *, title: str = "") -> go.Figure:
    """A stacked horizontal bar per group (theme, agency or board), one segment per RAG.
    `table` is plan.actions.rag_table's shape."""
    groups = [row["group"] for row in table]
    figure = go.Figure()
    for rag in RAG_ORDER:
        values = [row["by_rag"][rag.value] for row in table]
        if not any(values):
            continue
        label = RAG_LABELS[rag]
        figure.add_bar(
            name=label, y=groups, x=values, orientation="h",
            marker={"color": RAG_COLOURS[rag], "pattern": {"shape": RAG_PATTERNS[rag]}},
            text=[f"{label}: {v}" if v else "" for v in values], textposition="inside",
            hovertemplate=f"%{{y}}: %{{x}} {label}<extra></extra>",
        )
    figure.update_layout(barmode="stack", title=title or None, height=120 + 50 * len(groups),
                         yaxis={"autorange": "reversed"}, xaxis={"title": "Actions"},
                         legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return figure


def rag_timeline(updates: list[dict[str, Any]]) -> go.Figure:
    """An action's RAG over time, oldest first, each point labelled with its rating."""
    ordered = sorted(updates, key=lambda u: u["at"])
    levels = {Rag.RED.value: 1, Rag.AMBER.value: 2, Rag.GREEN.value: 3, Rag.BLUE.value: 4}
    figure = go.Figure()
    figure.add_scatter(
        x=[u["at"] for u in ordered], y=[levels.get(u["rag"], 0) for u in ordered], mode="lines+markers+text",
        text=[u["rag_label"] for u in ordered], textposition="top center",
        marker={"size": 14, "color": [RAG_COLOURS[Rag(u["rag"])] for u in ordered],
                "symbol": [{"red": "x", "amber": "diamond", "green": "circle", "blue": "star"}.get(u["rag"], "circle")
                           for u in ordered]},
        line={"color": "#777777"}, hovertemplate="%{x}: %{text}<extra></extra>",
    )
    figure.update_layout(height=260, showlegend=False, margin={"l": 10, "r": 10, "t": 20, "b": 10},
                         yaxis={"tickvals": [1, 2, 3, 4], "ticktext": ["Red", "Amber", "Green", "Blue"],
                                "range": [0.5, 4.7]})
    return figure


def measure_line(measure: dict[str, Any]) -> go.Figure:
    """A measure's values per period, with its target drawn when it has one."""
    periods = [p for p, _ in measure["values"]]
    figure = go.Figure()
    figure.add_scatter(x=periods, y=[v for _, (v, _) in measure["values"]], mode="lines+markers",
                       name=measure["name"])
    if measure.get("target") is not None:
        figure.add_hline(y=measure["target"], line_dash="dash", annotation_text=f"Target {measure['target']:g}")
    figure.update_layout(height=220, margin={"l": 10, "r": 10, "t": 20, "b": 10},
                         yaxis={"title": measure["unit"]}, showlegend=False)
    return figure
