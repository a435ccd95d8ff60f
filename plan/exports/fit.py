"""How much room text takes when a workbook is printed, so the writer can set each row's height:
LibreOffice does not grow a row to fit wrapped text when it opens an .xlsx, and Excel only
sometimes does, so a row left at its default height prints its other lines over the rows below.

Every style of every workbook names one font (FONT, Arial; LibreOffice prints it with the
metric-compatible Liberation Sans), whose advance widths are below, so the wrapping here is the
wrapping the spreadsheet program does, word by word, with a margin to spare."""

from __future__ import annotations

import math
from functools import lru_cache

FONT = "Arial"
SIZE = 10.0  # points: the body of every sheet
LINE = 1.28  # a line of text is 1.28 x its size tall (Excel's 12.75 pt row for 10 pt Arial)
PADDING = 3.0  # points above and below the text in a row
MAX_ROW = 409.0  # Excel's tallest row, in points
SPARE = 1.07  # text is taken as 7% wider than its metrics: kerning, hinting, rounding of widths

# Advance widths of Arial (= Liberation Sans) in thousandths of an em, for these characters.
_CHARS = (" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
          "£€•–—‘’“”…éèàçöüáíóúñ×°½¼¾äëïâêîôûÉ")
_REGULAR = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
            556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
            500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
            556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
            278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 556, 556, 350, 556, 1000, 222, 222, 333, 333, 1000,
            556, 556, 556, 500, 556, 556, 556, 278, 556, 556, 556, 584, 400, 834, 834, 834, 556, 556, 278, 556, 556,
            278, 556, 556, 667)
_BOLD = (278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
         556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722,
         611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556,
         611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778,
         556, 556, 500, 389, 280, 389, 584, 556, 556, 350, 556, 1000, 278, 278, 500, 500, 1000, 556, 556, 556, 556, 611,
         611, 556, 278, 611, 611, 611, 584, 400, 834, 834, 834, 556, 556, 278, 556, 556, 278, 611, 611, 667)
_WIDTHS = {False: dict(zip(_CHARS, _REGULAR, strict=True)), True: dict(zip(_CHARS, _BOLD, strict=True))}
_OTHER = 1000  # a character not in the table (CJK, emoji, rare accents): a full em, the most it takes


def column_points(width: float) -> float:
    """The room inside a column of `width` (Excel's unit: characters of the body font's digit), in
    points: 7 pixels a character plus 5 of padding at 96 dpi, less the cell's own margins."""
    return (width * 7 + 5) * 0.75 - 2 * PADDING


@lru_cache(maxsize=65536)
def _word(word: str, bold: bool) -> float:
    widths = _WIDTHS[bold]
    return sum(widths.get(ch, _OTHER) for ch in word) / 1000 * SPARE


def lines(text: str, width_points: float, *, size: float = SIZE, bold: bool = False) -> int:
    """How many lines `text` wraps to in a cell `width_points` wide: its own line breaks, then
    word by word (a word too long for a line breaks where it must, as the spreadsheet does)."""
    if not text:
        return 1
    room = max(width_points, 1.0) / size  # in ems
    space = _word(" ", bold)
    total = 0
    for paragraph in text.split("\n"):
        if len(paragraph) * 1.02 * SPARE <= room:  # no character is wider than 1.02 em: one line
            total += 1
            continue
        count, used = 1, 0.0
        for word in paragraph.split():
            w = _word(word, bold)
            if w > room:  # on a line of its own, broken where it must: the lines it fills
                if used:
                    count += 1
                filled = math.ceil(w / room)
                count, used = count + filled - 1, w - (filled - 1) * room
                continue
            if used == 0.0:
                used = w
            elif used + space + w <= room:
                used += space + w
            else:
                count, used = count + 1, w
        total += count
    return total


def row_height(cells: list[tuple[str, float, float, bool]]) -> float | None:
    """The height a row needs, in points, for its cells as (text, width in points, size, bold);
    None when every cell fits on one line of the body size (the row keeps the default height)."""
    need = 0.0
    for text, width, size, bold in cells:
        if not text:
            continue
        n = lines(text, width, size=size, bold=bold)
        if n > 1 or size > SIZE:
            need = max(need, n * size * LINE + PADDING)
    return min(math.ceil(need * 4) / 4, MAX_ROW) if need else None


def fits(text: str, width_points: float, *, size: float = SIZE, bold: bool = False) -> str:
    """`text` cut where it would need a row taller than Excel allows, saying so: a cell taller than
    a page never prints whole anyway. Titles are short; this bites only on a very long update."""
    most = int((MAX_ROW - PADDING) // (size * LINE))
    if lines(text, width_points, size=size, bold=bold) <= most:
        return text
    low, high = 0, len(text)
    tail = " … (cut for print: the rest is in the app)"
    while low < high:  # the longest start of the text that fits with the tail
        middle = (low + high + 1) // 2
        if lines(text[:middle] + tail, width_points, size=size, bold=bold) <= most:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + tail
