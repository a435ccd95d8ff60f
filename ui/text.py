"""User text shown as text. What people type (names, titles, commentary, reasons) is never
Markdown or HTML to us: an image link would call out to another server, a link would lead
away. Put it in non-Markdown elements (st.text, dataframes, widget values), or pass it through
`md()` before it goes inside a Markdown string of ours. Text for a plotly chart goes through
plan.charts.plotly_text instead (plotly reads its own subset of HTML, not Markdown)."""

from __future__ import annotations

import re

# Every ASCII punctuation mark can be escaped with a backslash in CommonMark; Streamlit adds
# :colour[...] directives, :emoji: codes and $math$, which the same escape turns off.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=^%@/])")

# A backslash escape is not enough for GitHub's autolinks: Streamlit's Markdown (remark-gfm)
# finds them in the text *after* escapes are read (https?://..., www...., name@host.tld), and
# its emoji shortcodes (:smile:) the same way. A WORD JOINER (U+2060: invisible, no width, no
# line break) where each pattern must run on unbroken keeps the words as typed and unlinked.
_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(r"(?i)(https?)(?=:)|(www)(?=\.)|(?=@)|(?<=:)(?=\w)")


def md(text: object) -> str:
    """`text` made literal inside Markdown: every character shows as typed, nothing renders
    (no link, image, autolink, emphasis, colour, emoji or maths)."""
    value = "" if text is None else str(text)
    value = _AUTOLINK_STARTS.sub(lambda m: (m.group(0) or "") + _JOINER, value)
    return _SPECIAL.sub(r"\\\1", value).replace("\n", "  \n")
