"""The bare page for bench/browser_pages.py: the same elements a page of the app drew (titles,
text, tables, charts, select boxes with their options, inputs, buttons), replayed from the
spec that BENCH_BARE_SPEC/<page>.pickle holds, with no database, sign-in, layout or rules.
Which page: the URL's ?page=. What Streamlit itself costs to send and draw that much."""

import json
import os
import pickle
from pathlib import Path

import streamlit as st

name = st.query_params.get("page", "")
path = Path(os.environ["BENCH_BARE_SPEC"]) / f"{name}.pickle"
if not name or not path.exists():
    st.error(f"No spec for page {name!r}")
    st.stop()
for n, (kind, args) in enumerate(pickle.loads(path.read_bytes())):
    key = f"e{n}"
    if kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success"):
        getattr(st, kind)(args)
    elif kind == "metric":
        st.metric(args[0], args[1])
    elif kind == "dataframe":
        st.dataframe(args, hide_index=True, key=key)
    elif kind == "plotly_chart":
        st.plotly_chart(json.loads(args), key=key)
    elif kind == "selectbox":
        st.selectbox(args[0], args[1], index=None, key=key)
    elif kind == "multiselect":
        st.multiselect(args[0], args[1], key=key)
    elif kind == "radio":
        st.radio(args[0], args[1], key=key)
    elif kind in ("text_input", "text_area", "checkbox", "button", "date_input", "number_input"):
        getattr(st, kind)(args, key=key)
    elif kind == "tabs":
        st.tabs(args)
    elif kind == "expander":
        st.expander(args)
