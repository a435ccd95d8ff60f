"""plan.charts.rag_bar is written as plotly JSON without plotly's per-property checking (it cost
17 ms a draw): plotly's full validation must accept every property it writes, unchanged, and the
chart must still say what it shows (counts in words, names escaped, a pattern per RAG)."""

import plotly.graph_objects as go
import pytest

from plan.charts import CHART_TEXT, RAG_PATTERNS, rag_bar
from plan.vocab import RAG_LABELS, RAG_ORDER, Rag

TABLES = [
    [],
    [{"group": "Prevent", "by_rag": {r.value: 0 for r in RAG_ORDER}}],
    [{"group": f"<b>Theme</b> & {i}", "by_rag": {r.value: (i + 1) * (n + 1) for n, r in enumerate(RAG_ORDER)}}
     for i in range(5)],
    [{"group": "A very long theme name that has to wrap on a phone screen twice over", "by_rag":
      {Rag.RED.value: 3, Rag.AMBER.value: 0, Rag.GREEN.value: 7, Rag.BLUE.value: 0, Rag.NOT_ASSESSED.value: 1}}],
]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("title", ["", "Actions by theme and RAG"])
def test_plotly_validation_accepts_every_property_unchanged(table, title) -> None:  # noqa: ANN001
    written = rag_bar(table, title=title).to_dict()
    assert go.Figure(written).to_dict() == written  # raises ValueError on any property plotly does not know


def test_the_bars_say_what_they_show() -> None:
    figure = rag_bar(TABLES[3], title="By theme").to_dict()
    bars = {bar["name"]: bar for bar in figure["data"]}
    assert list(bars) == [RAG_LABELS[Rag.RED], RAG_LABELS[Rag.GREEN], RAG_LABELS[Rag.NOT_ASSESSED]]
    assert bars["Red"]["x"] == [3] and bars["Red"]["marker"]["pattern"]["shape"] == RAG_PATTERNS[Rag.RED]
    layout = figure["layout"]
    text = layout["annotations"][0]["text"]
    assert "(11 actions)" in text and "Red 3" in text and "Green 7" in text and "Amber" not in text
    assert layout["title"]["text"] == "By theme" and layout["font"]["color"] == CHART_TEXT
    assert layout["dragmode"] is False and layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]
    escaped = rag_bar(TABLES[2]).to_dict()
    assert "&lt;b&gt;Theme&lt;/b&gt; &amp; 0" in escaped["layout"]["annotations"][0]["text"]
    assert escaped["data"][0]["customdata"][0] == "&lt;b&gt;Theme&lt;/b&gt; &amp; 0"


def test_the_flow_counts_an_action_added_since_apart_from_the_not_yet_assessed() -> None:
    """Issue 21: "Not yet assessed then (4)" counted actions that did not exist then."""
    from plan.charts import rag_flow
    from plan.reports.dashboard import flow_counts

    flows, counts = flow_counts({("new", "green"): 3, ("not_assessed", "red"): 1, ("amber", "amber"): 2})
    nodes = list(rag_flow(flows).data[0].node.label)
    assert nodes == ["Amber then (2)", "Not yet assessed then (1)", "Added since (3)", "Red now (1)", "Amber now (2)",
                     "Green now (3)"]
    assert counts["first_assessed"] == 4
