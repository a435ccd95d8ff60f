"""The workbook writer every export uses: openpyxl write-only (fast at 10,000 rows, and it keeps
every print setting), every str written as text, print-ready sheets carrying the marking."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from plan.excel import set_text
from plan.vocab import RAG_COLOURS, RAG_TEXT_COLOURS, Rag

WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
MARKING_FILL = PatternFill("solid", fgColor="1F1F1F")
THIN = Border(bottom=Side(style="thin", color="808080"))


@lru_cache(maxsize=16)  # one object per RAG: the style cache below keys on it
def rag_fill(rag: str | None) -> PatternFill | None:
    if rag not in {r.value for r in Rag}:
        return None
    return PatternFill("solid", fgColor=RAG_COLOURS[Rag(rag)].lstrip("#").upper())


@lru_cache(maxsize=16)
def rag_font(rag: str | None) -> Font | None:
    if rag not in {r.value for r in Rag}:
        return None
    return Font(bold=True, color=RAG_TEXT_COLOURS[Rag(rag)].lstrip("#").upper())


@dataclass(frozen=True)
class Column:
    name: str
    width: float = 16


@dataclass
class Cell:
    """A value with its look: for RAG cells (fill and the word) and bold totals."""

    value: Any
    fill: PatternFill | None = None
    font: Font | None = None


PLAIN = Cell(None)  # the look of a value with no fill or font of its own


def rag_cell(rag: str | None, label: str) -> Cell:
    return Cell(label, rag_fill(rag), rag_font(rag))


class Sheet:
    """One print-ready sheet: marking, title, lines, a blank row, the header row, then rows."""

    def __init__(self, book: Book, name: str, *, title: str, columns: Sequence[Column], lines: Sequence[str] = (),
                 freeze_columns: int = 1) -> None:
        self.book, self.columns = book, list(columns)
        ws = self.ws = book.workbook.create_sheet(book.sheet_name(name))
        for index, column in enumerate(self.columns, start=1):  # widths, panes: before the first row
            ws.column_dimensions[get_column_letter(index)].width = column.width
        self.header_row = 3 + len(lines) + 1
        ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{self.header_row + 1}"
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as it needs
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddHeader.left.text = _header_text(book.plan_name, 80)
        ws.oddHeader.center.text = _header_text(book.marking, 60)
        ws.oddHeader.center.font = "-,Bold"
        ws.oddHeader.right.text = "&A"
        ws.oddFooter.left.text = _header_text(book.title, 60)
        ws.oddFooter.center.text = _header_text(book.marking, 60)
        ws.oddFooter.right.text = "Page &P of &N"
        self.rows_written = 0
        ws._values_to_row = _placed  # noqa: SLF001  every value is already a cell: see _placed
        self._append([Cell(book.marking, MARKING_FILL, Font(bold=True, color="FFFFFF"))])
        self._append([Cell(title, None, Font(bold=True, size=14))])
        for line in lines:
            self._append([line])
        self._append([])
        self._append([Cell(c.name, HEADER_FILL, BOLD) for c in self.columns], header=True)
        self.data_rows = 0

    def _cell(self, value: Any, *, header: bool = False) -> WriteOnlyCell:
        look = value if isinstance(value, Cell) else None
        raw = look.value if look is not None else value
        cell = WriteOnlyCell(self.ws)
        number_format = "General"
        if isinstance(raw, str):
            set_text(cell, raw)
        elif isinstance(raw, datetime):
            cell.value, number_format = raw.replace(tzinfo=None), "dd mmm yyyy hh:mm"
        elif isinstance(raw, date):
            cell.value, number_format = raw, "dd mmm yyyy"
        elif raw is None or isinstance(raw, bool | int | float):
            cell.value = raw
        else:  # anything else goes out as its words, never as something Excel evaluates
            set_text(cell, str(raw))
        cell._style = self.book.style(self.ws, look, number_format, bool(cell.quotePrefix), header)  # noqa: SLF001
        return cell

    def _append(self, values: Sequence[Any], *, header: bool = False) -> None:
        self.ws.append([self._cell(v, header=header) for v in values])
        self.rows_written += 1

    def row(self, values: Sequence[Any]) -> None:
        """One data row; str is text, Cell carries a fill/font (RAG cells: the colour and the word)."""
        self._append(values)
        self.data_rows += 1

    def note(self, text: str) -> None:
        """A line of words below the table (not a data row)."""
        self._append([Cell(text, None, Font(italic=True))])

    def finish(self, *, last_data_row: int | None = None) -> None:
        last = last_data_row or (self.header_row + max(self.data_rows, 1))
        self.ws.auto_filter.ref = f"A{self.header_row}:{get_column_letter(len(self.columns))}{last}"


def _placed(cells: Sequence[WriteOnlyCell], row_idx: int) -> Any:
    """openpyxl's write-only append, for a row that is all cells already made and styled by Sheet._cell:
    openpyxl first tries each value as a plain value and only takes it as a cell when that raises,
    an exception per cell (a third of the writing at 10,000 actions)."""
    for col_idx, cell in enumerate(cells, 1):
        cell.column, cell.row = col_idx, row_idx
        yield cell


def _header_text(text: str, limit: int) -> str:
    """Words for a page header or footer: Excel refuses a header over 255 characters, and reads
    "&" as a code ("&&" prints one)."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("&", "&&")


class Book:
    """A write-only workbook of print-ready sheets carrying the marking."""

    def __init__(self, *, marking: str, plan_name: str, title: str) -> None:
        self.marking, self.plan_name, self.title = marking, plan_name, title
        self.workbook = Workbook(write_only=True)
        self.sheets: list[Sheet] = []
        self._styles: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}

    def style(self, ws: Any, look: Cell | None, number_format: str, quote: bool, header: bool) -> Any:
        """The cell style for this look, registered with the workbook once and copied after: setting
        fill, font and alignment cell by cell is most of openpyxl's time at 10,000 actions. The
        cache keeps the fill and font objects alive, so their ids stay theirs."""
        look = look or PLAIN
        key = (id(look.fill), id(look.font), number_format, quote, header)
        found = self._styles.get(key)
        if found is None:
            proto = WriteOnlyCell(ws)  # its styles go into the workbook's tables
            proto.alignment = WRAP
            proto.number_format = number_format
            proto.quotePrefix = quote
            if look.fill is not None:
                proto.fill = look.fill
            if look.font is not None:
                proto.font = look.font
            if header:
                proto.border = THIN
            found = self._styles[key] = (proto._style, look.fill, look.font)  # noqa: SLF001
        return found[0]  # shared, not copied: a write-only cell is written once and never restyled

    def sheet_name(self, name: str) -> str:
        """A name Excel accepts: at most 31 characters, none of []:*?/\\, not one already used."""
        base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "Sheet"
        taken = {s.ws.title.lower() for s in self.sheets}
        candidate, n = base, 2
        while candidate.lower() in taken:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        return candidate

    def sheet(self, name: str, *, title: str, columns: Sequence[Column], lines: Sequence[str] = (),
              freeze_columns: int = 1) -> Sheet:
        sheet = Sheet(self, name, title=title, columns=columns, lines=lines, freeze_columns=freeze_columns)
        self.sheets.append(sheet)
        return sheet

    def save(self) -> bytes:
        for sheet in self.sheets:
            if not sheet.ws.auto_filter.ref:
                sheet.finish()
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    @property
    def data_rows(self) -> int:
        return sum(s.data_rows for s in self.sheets)
