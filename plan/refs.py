"""Action references as councils write them: "2.4", "2.4a", "PREV-03". Sorted naturally."""

import re

_DIGITS = re.compile(r"\d+")


def sort_key(ref: str) -> str:
    """A text key that sorts refs naturally in SQL: digit runs are zero-padded to 6 places."""
    return _DIGITS.sub(lambda m: m.group(0).zfill(6), ref.strip().lower())[:120]
