"""Writing workbooks that carry the protective marking and never run user text as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Text starting with these is a formula (or DDE) to Excel; user text is written as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def set_text(cell: Any, value: str) -> None:
    """Write user text as a string cell, with Excel's quote prefix where it could be a formula."""
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def table_workbook(*, title: str, marking: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                   subtitle: str = "") -> bytes:
    """One sheet: the marking, a title, a header row, then the rows. Marking in header and footer
    too, so every printed page carries it."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.oddHeader.center.text = marking
    sheet.oddFooter.center.text = marking
    sheet.oddFooter.right.text = "Page &P of &N"
    set_text(sheet.cell(row=1, column=1), marking)
    sheet.cell(row=1, column=1).font = Font(bold=True, color="FFFFFF")
    sheet.cell(row=1, column=1).fill = PatternFill("solid", fgColor="1F1F1F")
    set_text(sheet.cell(row=2, column=1), title)
    sheet.cell(row=2, column=1).font = Font(bold=True, size=14)
    if subtitle:
        set_text(sheet.cell(row=3, column=1), subtitle)
    header_row = 5
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index)
        set_text(cell, name)
        cell.font = Font(bold=True)
    for r, values in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                set_text(cell, value)
            elif isinstance(value, datetime):
                cell.value = value.replace(tzinfo=None)
                cell.number_format = "dd mmm yyyy hh:mm"
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "dd mmm yyyy"
            else:
                cell.value = value
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, _ in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 24
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
