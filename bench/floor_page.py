"""The floor: a bare Streamlit page drawing the same charts and tables as the page measured
(their figures and frames are read from the pickle BENCH_FLOOR_SPEC names), with no database,
sign-in or layout. What Streamlit itself costs to draw that much."""

import json
import os
import pickle
from pathlib import Path

import streamlit as st

spec = pickle.loads(Path(os.environ["BENCH_FLOOR_SPEC"]).read_bytes())
st.title("Floor")
for number, figure in enumerate(spec["charts"]):
    st.plotly_chart(json.loads(figure), key=f"chart_{number}")
for number, frame in enumerate(spec["tables"]):
    st.dataframe(frame, hide_index=True, key=f"table_{number}")
