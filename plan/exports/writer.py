"""The workbook writer every export uses: openpyxl write-only (fast at 10,000 rows, and it keeps
every print setting), every str written as text, sheets that print whole on A4 landscape in any
spreadsheet program: one named font in every style, each row as tall as its wrapped text, titles
and paragraphs merged across the sheet, the marking, plan, period and page in every page's
header and footer."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break

from plan.excel import set_text
from plan.exports import fit
from plan.vocab import RAG_COLOURS, RAG_TEXT_COLOURS, Rag

WRAP = Alignment(wrap_text=True, vertical="top")
BODY = Font(name=fit.FONT, size=fit.SIZE)
BOLD = Font(name=fit.FONT, size=fit.SIZE, bold=True)
ITALIC = Font(name=fit.FONT, size=fit.SIZE, italic=True)
TITLE = Font(name=fit.FONT, size=14, bold=True)
HEADING = Font(name=fit.FONT, size=12, bold=True)
MARKING_FONT = Font(name=fit.FONT, size=fit.SIZE, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
MARKING_FILL = PatternFill("solid", fgColor="1F1F1F")
THIN = Border(bottom=Side(style="thin", color="808080"))
MARGIN = 0.4  # inches, left and right


@lru_cache(maxsize=16)  # one object per RAG: the style cache below keys on it
def rag_fill(rag: str | None) -> PatternFill | None:
    if rag not in {r.value for r in Rag}:
        return None
    return PatternFill("solid", fgColor=RAG_COLOURS[Rag(rag)].lstrip("#").upper())


@lru_cache(maxsize=16)
def rag_font(rag: str | None) -> Font | None:
    if rag not in {r.value for r in Rag}:
        return None
    return Font(name=fit.FONT, size=fit.SIZE, bold=True, color=RAG_TEXT_COLOURS[Rag(rag)].lstrip("#").upper())


def font(*, bold: bool = False, italic: bool = False, size: float = fit.SIZE, color: str | None = None) -> Font:
    """A font of the one family every style names (a style with no name prints in the program's
    default, a serif, beside the sans-serif body)."""
    return Font(name=fit.FONT, size=size, bold=bold, italic=italic, color=color)


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


def _words(raw: Any) -> str:
    """What a value prints as, for measuring: dates as the writer formats them."""
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return "00 Mmm 0000 00:00"
    if isinstance(raw, date):
        return "00 Mmm 0000"
    return raw if isinstance(raw, str) else str(raw)


class Sheet:
    """One print-ready sheet: marking, title, lines, a blank row, the header row, then rows. The
    marking, title, lines and notes are merged across every column, so none is cut at a narrow
    first column; every row is given the height its wrapped text needs."""

    def __init__(self, book: Book, name: str, *, title: str, columns: Sequence[Column], lines: Sequence[str] = (),
                 freeze_columns: int = 1, header: bool = True) -> None:
        self.book, self.columns = book, list(columns)
        self.points = [fit.column_points(c.width) for c in self.columns]
        self.across = sum(fit.column_points(c.width) + 2 * fit.PADDING for c in self.columns) - 2 * fit.PADDING
        self.last_column = get_column_letter(len(self.columns))
        ws = self.ws = book.workbook.create_sheet(book.sheet_name(name))
        for index, column in enumerate(self.columns, start=1):  # widths, panes: before the first row
            ws.column_dimensions[get_column_letter(index)].width = column.width
        self.rows_written = 0
        self.data_rows = 0
        ws._values_to_row = _placed  # noqa: SLF001  every value is already a cell: see _placed
        _print_setup(ws, book)
        # marking, title, the lines, a blank row, the header: panes are written with the first row
        self.header_row = 2 + len(lines) + 2 if header else 0
        if header:
            ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{self.header_row + 1}"
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        self.paragraph(book.marking, fill=MARKING_FILL, look=MARKING_FONT)
        self.paragraph(title, look=TITLE)
        for line in lines:
            self.paragraph(line)
        if header:
            self.blank()
            self.table_header()

    def table_header(self, names: Sequence[str] | None = None) -> int:
        """A row of column headings (the columns' names unless given); returns its row number."""
        self._append([Cell(n, HEADER_FILL, BOLD) for n in (names or [c.name for c in self.columns])], header=True)
        return self.rows_written

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

    def _fitted(self, values: Sequence[Any]) -> tuple[list[Any], float | None]:
        """The values with any text too long for Excel's tallest row cut (saying so), and the
        height the row needs."""
        out: list[Any] = []
        measured: list[tuple[str, float, float, bool]] = []
        for value, width in zip(values, self.points, strict=False):
            look = value if isinstance(value, Cell) else None
            raw = look.value if look is not None else value
            face = (look.font if look is not None else None) or BODY
            size, bold = float(face.sz or fit.SIZE), bool(face.b)
            if isinstance(raw, str) and len(raw) > 60:
                cut = fit.fits(raw, width, size=size, bold=bold)
                if cut is not raw:
                    raw = cut
                    value = Cell(cut, look.fill, look.font) if look is not None else cut
            measured.append((_words(raw), width, size, bold))
            out.append(value)
        return out, fit.row_height(measured)

    def _append(self, values: Sequence[Any], *, header: bool = False) -> None:
        values, height = self._fitted(values)
        self.add_cells([self._cell(v, header=header) for v in values], height=height)

    def add_cells(self, cells: Sequence[WriteOnlyCell], *, height: float | None = None,
                  texts: Iterable[str] | None = None) -> None:
        """Append a row of cells already made (by `_cell`, perhaps changed after: an editable cell of
        a return). `texts`: measure these instead, for a row whose height is not given."""
        row = self.rows_written + 1
        if height is None and texts is not None:
            height = fit.row_height([(t, w, fit.SIZE, False) for t, w in zip(texts, self.points, strict=False)])
        if height is not None:
            dimension = self.ws.row_dimensions[row]
            dimension.height = height
        self.ws.append(list(cells))
        self.rows_written = row

    def row(self, values: Sequence[Any]) -> None:
        """One data row; str is text, Cell carries a fill/font (RAG cells: the colour and the word)."""
        self._append(values)
        self.data_rows += 1

    def paragraph(self, text: str, *, look: Font = BODY, fill: PatternFill | None = None) -> None:
        """Words across the whole width of the sheet (merged), as tall as they wrap to."""
        row = self.rows_written + 1
        size, bold = float(look.sz or fit.SIZE), bool(look.b)
        text = fit.fits(text, self.across, size=size, bold=bold)
        height = fit.row_height([(text, self.across, size, bold)])
        self.add_cells([self._cell(Cell(text, fill, look))], height=height)
        if len(self.columns) > 1:
            self.ws.merged_cells.add(f"A{row}:{self.last_column}{row}")

    def heading(self, text: str) -> None:
        self.paragraph(text, look=HEADING)

    def note(self, text: str) -> None:
        """A line of words below the table (not a data row)."""
        self.paragraph(text, look=ITALIC)

    def blank(self, height: float | None = None) -> None:
        self.add_cells([], height=height)

    def page_break(self) -> None:
        """What follows starts on a new page."""
        self.ws.row_breaks.append(Break(id=self.rows_written))

    def finish(self, *, last_data_row: int | None = None) -> None:
        if not self.header_row:
            return
        last = last_data_row or (self.header_row + max(self.data_rows, 1))
        self.ws.auto_filter.ref = f"A{self.header_row}:{self.last_column}{last}"


def _print_setup(ws: Any, book: Book) -> None:
    """A4 landscape, one page wide, as many tall as it needs, gridlines, and on every page: the plan
    and the marking at the top; the paper, its period, the marking and the page at the foot."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as it needs
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = MARGIN
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    for part, text, bold in ((ws.oddHeader.left, _header_text(book.plan_name, 80), False),
                             (ws.oddHeader.center, _header_text(book.marking, 60), True),
                             (ws.oddHeader.right, "&A", False),
                             (ws.oddFooter.left, _header_text(book.footer, 90), False),
                             (ws.oddFooter.center, _header_text(book.marking, 60), True),
                             (ws.oddFooter.right, "Page &P of &N", False)):
        part.text, part.font, part.size = text, f"{fit.FONT},Bold" if bold else fit.FONT, 9


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
    """A write-only workbook of print-ready sheets carrying the marking. `period`: what the paper
    covers ("Q2 2026/27"), printed with its title at the foot of every page."""

    def __init__(self, *, marking: str, plan_name: str, title: str, period: str = "") -> None:
        self.marking, self.plan_name, self.title, self.period = marking, plan_name, title, period
        self.footer = f"{title}: {period}" if period else title
        self.workbook = Workbook(write_only=True)
        # The workbook's own default font (empty cells, the Normal style) is the body font too.
        self.workbook._fonts = IndexedList([BODY])  # noqa: SLF001
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
            proto.font = look.font if look.font is not None else BODY
            if look.fill is not None:
                proto.fill = look.fill
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
              freeze_columns: int = 1, header: bool = True) -> Sheet:
        sheet = Sheet(self, name, title=title, columns=columns, lines=lines, freeze_columns=freeze_columns,
                      header=header)
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
