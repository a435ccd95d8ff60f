"""The app's own CSS, for phones: page_start() calls apply() on every page.

Colours are not here: the theme in .streamlit/config.toml sets the text colour (and so the caption
grey), and plan/vocab.py the RAG colours, each checked for contrast by tests/unit/test_rag_colours.py.
Only our constants go in this <style>, never anything a user typed.
"""

from __future__ import annotations

import streamlit as st

# Streamlit stacks columns below 640 px; a phone held upright is 360-430 px wide.
PHONE = "640px"

CSS = f"""
@media (max-width: {PHONE}) {{
  /* An action's title is a heading: at Streamlit's 2.75rem it took six lines of a 390 px phone. */
  [data-testid="stMain"] h1 {{ font-size: 1.75rem; line-height: 1.25; }}
  [data-testid="stMain"] h2 {{ font-size: 1.4rem; }}
  [data-testid="stMain"] h3 {{ font-size: 1.2rem; }}
  /* A little less margin either side, so tables and forms get the width. */
  [data-testid="stMainBlockContainer"] {{ padding-left: 0.75rem; padding-right: 0.75rem; }}
  /* Tabs wrap onto a second line rather than hiding the last ones behind a scroll arrow. */
  [data-testid="stTabs"] [role="tablist"] {{ flex-wrap: wrap; row-gap: 0.25rem; }}
}}
"""


def apply() -> None:
    """Add the app's CSS to the page. It takes no space on the page (Streamlit puts a <style>-only
    st.html in its event container)."""
    st.html(f"<style>{CSS}</style>")
