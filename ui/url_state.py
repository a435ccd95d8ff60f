"""A page's state in its URL (st.query_params), so a filtered list or an opened action can be
reloaded, bookmarked, shared, and found again after visiting another page.

Widgets keep their own state while the page is shown; these helpers seed it from the URL when
the page opens, and write it back after the widgets are drawn. The last state is also kept for
the browser session, so choosing the page again from the menu (a URL with no query) comes back
to it too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def seed(key: str, param: str, *, choices: Sequence[str] | None = None, multi: bool = False,
         convert: Callable[[str], Any] = str, default: Any = None) -> None:
    """Give the widget `key` its value from the URL parameter `param` (or the value kept from the
    last visit), before the widget is drawn. Values not among `choices` are dropped."""
    if key in st.session_state:
        return
    kept = st.session_state.get(f"_kept_{key}")
    if param in st.query_params:
        raw = st.query_params.get_all(param) if multi else [st.query_params[param]]
        values = []
        for item in raw:
            try:
                value = convert(item)
            except (TypeError, ValueError):
                continue
            if choices is None or value in choices:
                values.append(value)
        value = values if multi else (values[0] if values else default)
    elif kept is not None:
        value = [v for v in kept if choices is None or v in choices] if multi else kept
    else:
        value = [] if multi and default is None else default
    if value is not None:
        st.session_state[key] = value


def publish(values: dict[str, tuple[str, Any]]) -> None:
    """Write widget values to the URL: {param: (widget key, value)}. Empty values leave the URL."""
    for param, (key, value) in values.items():
        st.session_state[f"_kept_{key}"] = value
        if value in (None, "", [], False):
            if param in st.query_params:
                del st.query_params[param]
            continue
        wanted = [str(v) for v in value] if isinstance(value, list) else ["1" if value is True else str(value)]
        current = st.query_params.get_all(param)
        if current != wanted:
            st.query_params[param] = wanted if isinstance(value, list) else wanted[0]
