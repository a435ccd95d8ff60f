"""The one table of hostile user text (issue 20 item 7), used by every test of a place where user
text is shown: Markdown (links, images, GitHub's autolinks, Streamlit's colours, emoji and
maths) and plotly's HTML subset. Each payload names the host it would call or link to, so a test
can look for that host in what was drawn."""

from __future__ import annotations

import re

HOST = "evil.example"

PAYLOADS: dict[str, str] = {
    "markdown link": f"[Click me](https://{HOST}/link)",
    "image beacon": f"![b](https://{HOST}/beacon.png)",
    "html link": f'<a href="https://{HOST}/a">Click</a>',
    "html image": f'<img src="https://{HOST}/i.png">',
    "autolink url": f"see https://{HOST}/auto now",
    "autolink www": f"see www.{HOST} now",
    "autolink email": f"mail jay@{HOST} now",
    "emphasis colour maths emoji": "**bold** :red[alarm] $x^2$ :smile:",
    "plotly tags": "<b>bold</b><br>next<sub>s</sub>",
}

# The autolink literals Streamlit's Markdown (remark-gfm, mdast-util-gfm-autolink-literal) finds
# in text after escapes are read; tests/unit/test_user_text.py checks the bundle still has them.
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"(?:^|(?<=[\s\W]))([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
JOINER = "\u2060"


def as_read(markdown: str) -> str:
    """Escaped Markdown's text as the renderer holds it once escapes are read (what the
    autolink finder searches)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def as_seen(markdown: str) -> str:
    """What a reader sees: escapes read, and the invisible word joiner gone."""
    return as_read(markdown).replace(JOINER, "")
