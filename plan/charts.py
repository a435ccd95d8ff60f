"""Rows in, plotly Figure out. RAG colours always come with the word, and bars with a pattern."""

from __future__ import annotations

import html
import textwrap
from typing import Any

import plotly.graph_objects as go

from plan.text import plural
from plan.vocab import RAG_COLOURS, RAG_LABELS, RAG_ORDER, RAG_TEXT_COLOURS, Rag

# A pattern per rating, so print-outs in grey and colour-blind readers can still tell them apart. It is
# drawn in the rating's text colour (white or black, whichever its word is written in), so it shows.
RAG_PATTERNS = {Rag.RED: "x", Rag.AMBER: "/", Rag.GREEN: "", Rag.BLUE: ".", Rag.NOT_ASSESSED: "-"}

# Every word in a chart (titles, ticks, counts, legend) in this colour: 16:1 on white. Streamlit's chart
# theme would draw them in a faded grey.
CHART_TEXT = "#1F1F1F"
NEW_COLOUR = "#FFFFFF"  # an action added since: no RAG then (outlined, its words say what it is)

# rag_bar's layout in pixels: one text line above each group's bar, the bar, then a gap.
_LINE = 18
_BAR = 24
_GAP = 16
_WRAP = 44  # characters on a line: a phone (390 px wide) fits about this many
_TOP = 10
_TITLE = 36
_BOTTOM = 96  # x-axis ticks and title, then the legend (two rows on a phone)


def plotly_text(text: object) -> str:
    """User text made literal for plotly, which reads a subset of HTML in every text it draws
    (titles, ticks, legend names, hover labels, annotations): <a href> is a live link, <br> a
    line break, <b> bold. Escaping <, > and & shows the words as typed (plotly turns the
    entities back into characters only after it has found its tags). Not for Markdown: that
    is ui.text.md."""
    return html.escape("" if text is None else str(text), quote=False)


def rag_bar(table: list[dict[str, Any]], *, title: str = "") -> go.Figure:
    """A stacked horizontal bar per group (theme, agency or board), one patterned segment per RAG.

    The counts are written above each bar in the page's text colour ("Red 1 · Amber 5 · ..."), never
    inside a segment, where a pattern or a fill would make them hard to read; the legend gives each
    colour and pattern its word. `table` is plan.actions.rag_table's shape."""
    blocks = []  # (y of the text's top, y of the bar's centre, the text), y growing down the figure in pixels
    y = 0.0
    for row in table:
        lines = _group_lines(row)
        blocks.append((y, y + _LINE * len(lines) + _BAR / 2, lines))
        y += _LINE * len(lines) + _BAR + _GAP
    groups = [plotly_text(row["group"]) for row in table]
    bars = []
    for rag in RAG_ORDER:
        values = [row["by_rag"][rag.value] for row in table]
        if not any(values):
            continue
        label = RAG_LABELS[rag]
        bars.append({
            "customdata": groups, "hovertemplate": f"%{{customdata}}: %{{x}} {label}<extra></extra>",
            "marker": {"color": RAG_COLOURS[rag], "line": {"color": "#404040", "width": 1},
                       "pattern": {"bgcolor": RAG_COLOURS[rag], "fgcolor": RAG_TEXT_COLOURS[rag], "fgopacity": 0.6,
                                   "fillmode": "replace", "shape": RAG_PATTERNS[rag], "size": 8, "solidity": 0.25}},
            "name": label, "orientation": "h", "width": _BAR, "x": values,
            "y": [centre for _, centre, _ in blocks], "type": "bar"})
    notes = [{"align": "left", "font": {"size": 13}, "showarrow": False, "text": "<br>".join(lines), "x": 0,
              "xanchor": "left", "xref": "paper", "y": top, "yanchor": "top", "yref": "y"} for top, _, lines in blocks]
    top = _TOP + (_TITLE if title else 0)
    text = {"color": CHART_TEXT}
    layout: dict[str, Any] = {
        **({"annotations": notes} if notes else {}),
        "title": ({"pad": {"t": 8}, "text": plotly_text(title), "x": 0, "xref": "paper", "y": 1, "yref": "container",
                   "yanchor": "top", "font": text} if title else {"font": text}),
        "yaxis": {"range": [max(y, _LINE), 0], "visible": False, "tickfont": text, "title": {"font": text},
                  "fixedrange": True},
        "xaxis": {"title": {"text": "Actions", "font": text}, "rangemode": "tozero", "tickformat": "d",
                  "tickfont": text, "fixedrange": True},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yref": "container", "yanchor": "bottom",
                   "traceorder": "normal", "font": text},
        # fixed margins, so the pixels above are the pixels drawn and each line of text sits over its own bar
        "margin": {"l": 10, "r": 10, "t": top, "b": _BOTTOM, "autoexpand": False},
        "barmode": "stack", "height": int(top + max(y, _LINE) + _BOTTOM), "font": text,
        "modebar": {"remove": list(_NO_TOOLS)}, "dragmode": False,
    }
    # Written as plotly's own JSON and not validated property by property (plotly's checking made
    # this chart cost 17 ms a draw, most of the Overview's time); tests/unit/test_charts_fast.py
    # checks plotly accepts every property and that it is the figure _still's way would make.
    return go.Figure({"data": bars, "layout": layout}, _validate=False)


def _group_lines(row: dict[str, Any]) -> list[str]:
    """The group's name and total, then its count per rating, wrapped for a phone's width."""
    total = sum(row["by_rag"].values())
    name = textwrap.wrap(f"{row['group']} ({plural(total, 'action')})", _WRAP)
    # plotly reads tags in text: the group's name is the plan's words, so escape it
    name = [f"<b>{plotly_text(line)}</b>" for line in name]
    counts = [f"{RAG_LABELS[rag]} {row['by_rag'][rag.value]}" for rag in RAG_ORDER if row["by_rag"].get(rag.value)]
    return name + textwrap.wrap(" · ".join(counts), _WRAP)


_NO_TOOLS = ("zoom", "pan", "select", "lasso", "zoomin", "zoomout", "autoscale", "resetscale", "toimage")


def _still(figure: go.Figure) -> go.Figure:
    """Words in CHART_TEXT; no zoom, pan or toolbar, so on a phone a swipe over a chart scrolls the page
    and no toolbar covers the chart's title."""
    figure.update_layout(
        font_color=CHART_TEXT, title_font_color=CHART_TEXT, legend_font_color=CHART_TEXT, dragmode=False,
        modebar_remove=list(_NO_TOOLS),
    )
    for axes in (figure.update_xaxes, figure.update_yaxes):
        axes(fixedrange=True, tickfont_color=CHART_TEXT, title_font_color=CHART_TEXT)
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
    return _still(figure)


def measure_line(measure: dict[str, Any]) -> go.Figure:
    """A measure's values per period, with its target drawn when it has one."""
    periods = [p for p, _ in measure["values"]]
    figure = go.Figure()
    figure.add_scatter(x=periods, y=[v for _, (v, _) in measure["values"]], mode="lines+markers",
                       name=plotly_text(measure["name"]))
    if measure.get("target") is not None:
        figure.add_hline(y=measure["target"], line_dash="dash", annotation_text=f"Target {measure['target']:g}")
    figure.update_layout(height=220, margin={"l": 10, "r": 10, "t": 20, "b": 10},
                         yaxis={"title": measure["unit"]}, showlegend=False)
    return _still(figure)


# ---------------------------------------------------------------- measures (plan/measures)

_FIGURE_INK = "#1D4ED8"  # the figures: blue, apart from every RAG colour's meaning
_TARGET_INK = "#1F1F1F"
_GAP_INK = "#6B6B6B"


def measure_chart(measure: dict[str, Any]) -> go.Figure:
    """A measure's figures per period against its target (flat, trajectory or scaled) and baseline.

    `measure` is plan.measures' measure dict. Figures are points joined by a line; a period with
    no usable figure breaks the line (never joined across, never drawn as zero). A suppressed
    period shows a hollow marker on the axis labelled "suppressed", a missing one "not yet
    available", both on their own scale so neither reads as a value. Provisional figures are
    hollow points labelled "p"."""
    from plan.measures.evidence_rules import baseline_for
    from plan.measures.figures import format_value
    from plan.measures.periods import from_label

    values = measure.get("values") or []
    unit = measure.get("unit", "count")
    labels = [v["label"] for v in values]
    figure = go.Figure()
    shown = [v["value"] if v["state"] == "value" else None for v in values]
    figure.add_scatter(
        x=labels, y=shown, mode="lines+markers", name="Figure", connectgaps=False,
        line={"color": _FIGURE_INK, "width": 2},
        marker={"size": 9, "color": _FIGURE_INK, "line": {"color": _FIGURE_INK, "width": 2},
                "symbol": ["circle-open" if v.get("provisional") else "circle" for v in values]},
        text=[plotly_text(("provisional " if v.get("provisional") else "") + (v.get("raw") or "")) for v in values],
        customdata=[format_value(v["value"], unit) if v["state"] == "value" else "" for v in values],
        hovertemplate="%{x}: %{customdata} %{text}<extra></extra>",
    )
    for state, word, symbol in (("suppressed", "suppressed", "triangle-up-open"),
                                ("missing", "not yet available", "circle-open")):
        at = [v["label"] for v in values if v["state"] == state]
        if at:
            figure.add_scatter(
                x=at, y=[0.02] * len(at), yaxis="y2", mode="markers+text", name=word.capitalize(),
                text=[word] * len(at), textposition="top center", textfont={"color": _GAP_INK, "size": 11},
                marker={"size": 11, "symbol": symbol, "color": _GAP_INK, "line": {"width": 2}},
                hovertemplate=f"%{{x}}: {word} (no figure, not zero)<extra></extra>",
            )
    provisional = [(v["label"], v["value"]) for v in values if v.get("provisional") and v["state"] == "value"]
    for label, value in provisional:
        figure.add_annotation(x=label, y=value, text="p", showarrow=False, yshift=14, font={"color": _FIGURE_INK})
    line = measure.get("target_line") or []
    if line:
        trajectory = measure.get("target_type") == "trajectory"
        figure.add_scatter(
            x=[t["label"] for t in line], y=[t["target"] for t in line], mode="lines",
            name="Trajectory" if trajectory else "Target", line={"color": _TARGET_INK, "dash": "dash", "width": 2},
            customdata=[t.get("words", "") for t in line],
            hovertemplate=("%{x}: " + ("trajectory" if trajectory else "target") + " %{customdata}<extra></extra>"),
        )
    if measure.get("baseline") is not None and values:
        base = [baseline_for(measure, from_label(v["period"])) for v in values]
        words = f"Baseline {measure['baseline_label']}" if measure.get("baseline_label") else "Baseline"
        figure.add_scatter(x=labels, y=base, mode="lines", name=words,
                           line={"color": _GAP_INK, "dash": "dot", "width": 1.5},
                           hovertemplate="%{x}: baseline %{y:,.1f}<extra></extra>")
    figure.update_layout(
        height=280, margin={"l": 10, "r": 10, "t": 36, "b": 10}, title=plotly_text(measure.get("name", "")[:80]),
        yaxis={"title": "%" if unit == "%" else unit, "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
        legend={"orientation": "h", "y": -0.2}, showlegend=True,
    )
    return _still(figure)


# ---------------------------------------------------------------- chair's view (plan/reports)

def rag_columns(rows: list[dict[str, Any]], *, x: str = "period", title: str = "") -> go.Figure:
    """A stacked column per period (plan.reports.rag_trend / round_trend rows), one patterned segment
    per RAG, the counts written above each column ("R 2 · A 5 · G 9 ..."), the legend naming each."""
    xs = [str(row[x]) for row in rows]
    figure = go.Figure()
    for rag in RAG_ORDER:
        values = [int(row.get(rag.value, 0) or 0) for row in rows]
        if not any(values):
            continue
        label = RAG_LABELS[rag]
        figure.add_bar(
            name=label, x=xs, y=values,
            marker={"color": RAG_COLOURS[rag], "line": {"color": "#404040", "width": 1},
                    "pattern": {"shape": RAG_PATTERNS[rag], "fillmode": "replace", "bgcolor": RAG_COLOURS[rag],
                                "fgcolor": RAG_TEXT_COLOURS[rag], "fgopacity": 0.6, "size": 8, "solidity": 0.25}},
            hovertemplate=f"%{{x}}: %{{y}} {label}<extra></extra>",
        )
    for key, row in zip(xs, rows, strict=True):
        counts = " · ".join(f"{RAG_LABELS[rag][0]} {row.get(rag.value, 0)}" for rag in RAG_ORDER[:4])
        figure.add_annotation(text=f"{counts}<br>Total {row.get('total', 0)}", x=key, y=row.get("total", 0),
                              yanchor="bottom", showarrow=False, font={"size": 11})
    top = max((int(row.get("total", 0) or 0) for row in rows), default=0)
    figure.update_layout(
        barmode="stack", height=360, title={"text": plotly_text(title), "x": 0} if title else None,
        yaxis={"title": {"text": "Actions"}, "rangemode": "tozero", "tickformat": "d", "range": [0, top * 1.3 + 1]},
        xaxis={"type": "category"},
        legend={"orientation": "h", "x": 0, "y": -0.2, "traceorder": "normal"},
        margin={"l": 10, "r": 10, "t": 40 if title else 20, "b": 60},
    )
    return _still(figure)


def rag_flow(flows: list[dict[str, Any]], *, title: str = "") -> go.Figure:
    """A Sankey of RAG then (left) to RAG now (right): plan.reports flows rows
    {from_rag, to_rag, from_label, to_label, count}. Each node is named with its word and count."""
    order = [rag.value for rag in RAG_ORDER]
    lefts = [r for r in [*order, "new"] if any(f["from_rag"] == r and f["count"] for f in flows)]
    rights = [r for r in order if any(f["to_rag"] == r and f["count"] for f in flows)]
    labels = {rag.value: RAG_LABELS[rag] for rag in RAG_ORDER}

    def total(side: str, rag: str) -> int:
        return sum(f["count"] for f in flows if f[side] == rag)

    # An action added since was not "not yet assessed then": it has its own node.
    nodes = ([f"Added since ({total('from_rag', r)})" if r == "new" else f"{labels[r]} then ({total('from_rag', r)})"
              for r in lefts] + [f"{labels[r]} now ({total('to_rag', r)})" for r in rights])
    colours = [NEW_COLOUR if r == "new" else RAG_COLOURS[Rag(r)] for r in lefts + rights]
    links = [f for f in flows if f["count"]]
    figure = go.Figure(go.Sankey(
        arrangement="fixed",
        node={"label": nodes, "color": colours, "pad": 18, "thickness": 18, "line": {"color": "#404040", "width": 1}},
        link={"source": [lefts.index(f["from_rag"]) for f in links],
              "target": [len(lefts) + rights.index(f["to_rag"]) for f in links],
              "value": [f["count"] for f in links],
              "label": [f"{f['from_label']} to {f['to_label']}: {f['count']}" for f in links],
              "color": "rgba(120,120,120,0.35)"},
        textfont={"color": CHART_TEXT, "size": 13},
    ))
    figure.update_layout(height=360, title={"text": plotly_text(title), "x": 0} if title else None,
                         margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10})
    return _still(figure)
