"""A RAG read from a cell's fill, for plans whose only rating is the colour.

With a key under the table (a cell filled in a colour beside, or holding, a RAG word: "Green =
on track"), a fill is matched to the key exactly; without one, to the nearest of the colours
spreadsheets offer for red, amber, green and blue, and only when it is close (a grey, a pale
banding or a header colour is no rating)."""

from __future__ import annotations

import re

from plan.imports.parsing import parse_rag
from plan.vocab import Rag

_PALETTE: dict[str, tuple[str, ...]] = {
    Rag.RED.value: ("FF0000", "C00000", "FFC7CE", "E6B8B7", "FF5050", "DA9694", "F8696B"),
    Rag.AMBER.value: ("FFC000", "FFA500", "FFEB9C", "FFFF00", "FFD966", "F79646", "FABF8F", "FFCC00", "FFE699"),
    Rag.GREEN.value: ("00B050", "92D050", "C6EFCE", "008000", "A9D08E", "63BE7B", "00FF00", "C4D79B"),
    Rag.BLUE.value: ("0070C0", "00B0F0", "BDD7EE", "9BC2E6", "4472C4", "8DB4E2", "5B9BD5", "0000FF"),
}
NEAR = 60  # the furthest (RGB distance) a fill may be from a palette colour to count as it


def _rgb(hex_: str) -> tuple[int, int, int]:
    return int(hex_[0:2], 16), int(hex_[2:4], 16), int(hex_[4:6], 16)


def nearest(fill: str) -> str | None:
    """The RAG a fill is close to, or None."""
    r, g, b = _rgb(fill)
    best: tuple[float, str] | None = None
    for rag, colours in _PALETTE.items():
        for colour in colours:
            cr, cg, cb = _rgb(colour)
            distance = ((r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2) ** 0.5
            if best is None or distance < best[0]:
                best = (distance, rag)
    return best[1] if best is not None and best[0] <= NEAR else None


_KEY_WORD = re.compile(r"^\s*(red|amber|green|blue|complete[d]?|r|a|g|b)\s*(=|:|-|–|—|\(|$)", re.I)


def key_entry(text: str) -> str | None:
    """The RAG a key cell names ('Green = on track', 'Red', 'Complete - delivered'), or None."""
    found = _KEY_WORD.match(text or "")
    if not found:
        return None
    return parse_rag(found.group(1)).value  # type: ignore[return-value]
