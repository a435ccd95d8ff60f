"""In chromium, Streamlit's real Markdown and plotly draw the one payload table (tests/user_text.py)
as text: no link or image to the payloads' host, no request to it, and every payload's words on
the page as typed. This is the renderer the unit tests model."""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, _need_browser, serve
from tests.user_text import HOST, PAYLOADS

SCRIPT = '''
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from plan.charts import measure_chart, rag_bar
from tests.user_text import PAYLOADS
from ui.text import md

for name, text in PAYLOADS.items():
    st.markdown(md(text))
    st.subheader(md(text))
    st.caption(md(text))
    st.error(md(text))
    st.markdown(f"<span>badge</span> **{{md(text)}}**", unsafe_allow_html=True)
    st.plotly_chart(measure_chart({{"name": text, "unit": "count", "values": [
        {{"period": "2024-Q1", "label": "Q1", "value": 3, "state": "value", "raw": text, "provisional": False}}]}}),
        key="m" + name)
    counts = {{"red": 1, "amber": 0, "green": 0, "blue": 0, "not_assessed": 0}}
    st.plotly_chart(rag_bar([{{"group": text, "by_rag": counts}}], title=text), key="b" + name)
'''

LINKS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/href|src/i.test(attr.name) && attr.value.includes('%s')) found.push(el.tagName + ' ' + attr.value);
    }
  }
  return found;
}"""


def test_markdown_and_plotly_draw_every_payload_as_text(tmp_path: Path) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    script = tmp_path / "payloads.py"
    script.write_text(SCRIPT.format(root=str(ROOT)))
    with serve(tmp_path, dict(os.environ), script=str(script), cwd=tmp_path, wait=90) as url:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.set_default_timeout(90_000)
            called: list[str] = []
            tab.route(f"**/*{HOST}*/**", lambda route: (called.append(route.request.url), route.abort()))
            tab.goto(url)
            tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            tab.wait_for_selector(".js-plotly-plot .gtitle")
            tab.wait_for_timeout(1500)  # images, if any were made, would be fetched by now
            links = tab.evaluate(LINKS % HOST)
            text = tab.inner_text("body").replace("\u2060", "")
            svg_text = " ".join(tab.eval_on_selector_all(".js-plotly-plot text", "els => els.map(e => e.textContent)"))
            browser.close()
    assert links == [] and called == []
    for name, payload in PAYLOADS.items():
        assert payload in text, f"{name}: not shown as typed"
    assert "<b>bold</b><br>next<sub>s</sub>" in svg_text  # plotly drew its tags as words
    assert f'<a href="https://{HOST}/a">Click</a>' in svg_text
