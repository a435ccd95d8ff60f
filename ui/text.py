"""User text shown as text. What people type (names, titles, commentary, reasons) is never
Markdown or HTML to us: an image link would call out to another server, a link would lead
away. Put it in non-Markdown elements (st.text, dataframes, widget values), or pass it through
`md()` before it goes inside a Markdown string of ours."""

from __future__ import annotations

import re

# Every ASCII punctuation mark can be escaped with a backslash in CommonMark; Streamlit adds
# :colour[...] directives, :emoji: codes and $math$, which the same escape turns off.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=^%@/])")


def md(text: object) -> str:
    """`text` made literal inside Markdown: every character shows as typed, nothing renders."""
    value = "" if text is None else str(text)
    return _SPECIAL.sub(r"\\\1", value).replace("\n", "  \n")
