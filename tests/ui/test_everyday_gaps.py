"""Everyday gaps (issue 21, item 7) as a user meets them on the pages."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest


def test_a_filter_with_two_values_comes_back_after_sign_in(tmp_path: Path) -> None:
    """/actions?rag=red&rag=amber: the way back after signing in keeps both values, not the last."""
    script = tmp_path / "where.py"
    script.write_text("import streamlit as st\nfrom ui.session import current_path\nst.text(current_path())\n")
    at = AppTest.from_file(str(script), default_timeout=30)
    at.query_params["rag"] = ["red", "amber"]
    at.query_params["theme"] = "Prevent"
    at.run()
    assert not at.exception
    assert at.text[0].value == "/?rag=red&rag=amber&theme=Prevent"
