"""Text as it comes in from a form, a file or a command line, made safe to store and show.

Control characters (NUL, escape, the C1 range...) never reach the database: PostgreSQL refuses
NUL outright, openpyxl refuses most of the others, and a terminal obeys escape sequences. They
are removed at the edge, where input enters a service, with line breaks and tabs kept in
multi-line text. Zero-width and bidirectional-override characters go too: they hide what a
text really says (and let a number slip past the personal-data check).
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and line breaks, DEL, and the C1 range.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Zero-width spaces and joiners, word joiner, BOM, soft hyphen, bidirectional controls.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(value: object, *, multiline: bool = True) -> str:
    """The text without control or invisible characters; CRLF becomes LF. Single-line text
    (a name, an email, a search) also loses tabs and line breaks."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    if multiline:
        return _CONTROL.sub("", text)
    return _CONTROL_SINGLE_LINE.sub(" ", text).replace("\n", " ").replace("\t", " ")


def normalised(value: object) -> str:
    """For matching, not storing: NFKC (full-width digits become digits), invisible and control
    characters removed."""
    return unicodedata.normalize("NFKC", clean(value))


def has_control(value: str) -> bool:
    return bool(_CONTROL.search(value) or _INVISIBLE.search(value))


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 action', '2 actions', '0 actions', '1,200 actions': the one way a count is written with
    its noun (tests/unit/test_plain_words.py finds a count written any other way)."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"
