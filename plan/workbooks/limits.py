"""The caps every uploaded workbook or CSV is held to, and the words that say what to fix.

A spreadsheet an officer keeps is far inside all of them (a 10,000-action plan is about 0.6 MB,
120,000 cells, one sheet). A file past one is refused before the work it would cost is done,
so one hostile upload cannot take the server (and every other user's session) down."""

from __future__ import annotations

from dataclasses import dataclass

from plan.errors import InvalidInput

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    upload_bytes: int = 10 * MB  # the file as uploaded
    parts: int = 1_000  # entries in the zip (a workbook has a dozen or two)
    unpacked_bytes: int = 100 * MB  # all the parts unpacked
    ratio: int = 200  # a part may unpack to at most this many times its packed size ...
    ratio_floor_bytes: int = 5 * MB  # ... once it unpacks to more than this (small parts may be anything)
    small_part_bytes: int = 5 * MB  # workbook.xml, styles.xml, relationships: read whole
    sheets: int = 50
    rows: int = 100_000  # the last row holding a value
    columns: int = 1_000  # the last column holding a value
    cells: int = 500_000  # cells in the sheet read (every one the file writes, blank or not)
    table: int = 5_000_000  # rows x columns kept, blanks between cells included (what memory holds)
    shared_strings: int = 500_000  # pieces of text in the workbook's shared text
    shared_text_bytes: int = 30 * MB  # the shared text part unpacked
    cell_chars: int = 32_767  # Excel's own limit for one cell
    styles: int = 100_000  # cell formats (Excel allows 64,000)


LIMITS = Limits()


class WorkbookRefused(InvalidInput):
    """The file is past a cap, or built in a way a spreadsheet program never writes; the message
    names the cap and what to change. Nothing was read past the check."""


def n(number: int) -> str:
    return f"{number:,}"


def size(number: int) -> str:
    return f"{number / MB:,.1f} MB" if number >= MB / 10 else f"{number / 1024:,.0f} KB"


def column_letters(index: int) -> str:
    """1 -> A, 16384 -> XFD."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
