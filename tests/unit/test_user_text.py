"""User text is text, for each renderer: Markdown (ui.text.md) and plotly (plan.charts.plotly_text),
checked over the one payload table (tests/user_text.py)."""

import html
import re
from pathlib import Path

import pytest
import streamlit

from plan.charts import measure_chart, plotly_text, rag_bar, rag_columns
from tests.user_text import GFM_EMAIL, GFM_URL, HOST, PAYLOADS, as_read, as_seen
from ui.text import md

UNESCAPED_SPECIAL = re.compile(r"(?<!\\)(?:\\\\)*[\[\]()<>!*_`~:$@]")


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markdown_shows_every_payload_as_typed_and_renders_none(payload: str) -> None:
    shown = md(payload)
    assert as_seen(shown) == payload  # every character as typed
    assert not UNESCAPED_SPECIAL.search(shown.replace("\u2060", ""))  # no Markdown syntax left live
    text = as_read(shown)  # what remark-gfm's autolink finder reads
    assert not GFM_URL.search(text) and not GFM_EMAIL.search(text)


def test_the_model_of_the_autolink_finder_is_what_streamlit_ships() -> None:
    """If Streamlit changes how it finds autolinks, md() must be looked at again."""
    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    sources = "".join(p.read_text(errors="ignore") for p in bundle.glob("StreamlitMarkdown*.js"))
    assert r"/(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)/gi" in sources
    assert r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)/gu" in sources
    # The finder's text nodes hold escaped characters as characters: an escape alone is no defence.
    assert not GFM_URL.search("see https\u2060://x.example") and GFM_URL.search(as_read(r"https\:\/\/x\.example"))


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_plotly_text_shows_every_payload_as_typed_and_has_no_tag(payload: str) -> None:
    shown = plotly_text(payload)
    assert "<" not in shown and ">" not in shown
    assert html.unescape(shown) == payload


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_every_chart_text_from_the_plan_is_escaped(payload: str) -> None:
    measure = {"name": payload, "unit": "count", "values": [
        {"period": "2024-Q1", "label": "Q1 2024/25", "value": 3, "state": "value", "raw": payload,
         "provisional": False}]}
    charts = [measure_chart(measure),
              rag_bar([{"group": payload, "by_rag": {"red": 1, "amber": 0, "green": 0, "blue": 0,
                                                      "not_assessed": 0}}], title=payload),
              rag_columns([{"period": "Q1", "red": 1, "total": 1}], title=payload)]
    for chart in charts:
        drawn = chart.to_json()
        assert "<a " not in drawn and "<img" not in drawn and "<b>bold" not in drawn and "<sub>" not in drawn
        if HOST in payload:
            assert "https://" + HOST not in drawn or "&lt;" in drawn or "](" in drawn  # text, never a tag
