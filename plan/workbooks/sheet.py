"""The one place an uploaded workbook is opened for the plan import (and, later, measures and
returns): so the capped reader for hostile files can replace it here alone.

Values are read by python-calamine (fast; openpyxl read-only if calamine cannot open the file).
Cell fills, which some plans use as their only RAG, are read only when asked for (openpyxl,
read-only, styles only), so a sheet with RAG words never pays for them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from plan.errors import InvalidInput

Rows = list[tuple[int, Sequence[Any]]]


@dataclass
class Sheet:
    """One sheet's rows as (row number, values) and, on demand, its cells' fill colours."""

    name: str
    rows: Rows
    content: bytes = b""
    filename: str = ""
    _fills: dict[tuple[int, int], str] | None = field(default=None, repr=False)

    def fill(self, row: int, column: int) -> str | None:
        """The solid fill of a cell as 'RRGGBB' (row numbered as the sheet's, column from 0)."""
        if self._fills is None:
            self._fills = _read_fills(self.content, self.filename, self.name)
        return self._fills.get((row, column))


def read_sheet(content: bytes, filename: str, sheet: str | None = None) -> Sheet:
    """The named sheet (default the first) of an .xlsx/.xlsm workbook or a CSV file."""
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        from plan.measures.importer import _cells as _any_cells

        _, table = _any_cells(content, filename, sheet)
        return Sheet(filename, [(number, [value for value, _ in cells]) for number, cells in table])
    fast = _calamine(content, filename, sheet)
    name, rows = fast if fast is not None else _openpyxl(content, filename, sheet)
    return Sheet(name, rows, content, filename)


def _openpyxl(content: bytes, filename: str, sheet: str | None) -> tuple[str, Rows]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001  any failure to read means the same to the user
        raise InvalidInput(f"{filename} cannot be read as an Excel workbook ({type(err).__name__}); save it "
                           "as .xlsx and try again.") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput(f"{filename} has no sheet '{sheet}'; its sheets are: {', '.join(book.sheetnames)}.")
        ws = book[sheet] if sheet else book.worksheets[0]
        ws.reset_dimensions()  # its recorded size is not trusted (some writers get it wrong)
        return ws.title, list(enumerate(ws.iter_rows(values_only=True), 1))
    finally:
        book.close()


def _calamine(content: bytes, filename: str, sheet: str | None) -> tuple[str, Rows] | None:
    """Values made what openpyxl gives: empty is None, a date a datetime, a whole number an int.
    None when calamine cannot open the file (openpyxl then tries, and says why it cannot)."""
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # noqa: BLE001  openpyxl reads it again and words the failure
        return None
    names = list(book.sheet_names)
    if not names:
        return None
    if sheet is not None and sheet not in names:
        raise InvalidInput(f"{filename} has no sheet '{sheet}'; its sheets are: {', '.join(names)}.")
    title = sheet or names[0]
    rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)  # row numbers as the sheet's
    return title, [(number, tuple(_as_openpyxl(v) for v in cells)) for number, cells in enumerate(rows, 1)]


def _as_openpyxl(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


def _read_fills(content: bytes, filename: str, name: str) -> dict[tuple[int, int], str]:
    if not content:
        return {}
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # noqa: BLE001  the values were read; without fills there is no colour to read
        return {}
    try:
        ws = book[name] if name in book.sheetnames else book.worksheets[0]
        ws.reset_dimensions()
        fills: dict[tuple[int, int], str] = {}
        for number, cells in enumerate(ws.iter_rows(), 1):
            for index, cell in enumerate(cells):
                fill = getattr(cell, "fill", None)
                if fill is None or fill.fill_type != "solid":
                    continue
                rgb = getattr(fill.fgColor, "rgb", None)
                if isinstance(rgb, str) and len(rgb) in (6, 8) and rgb[-6:].upper() not in ("FFFFFF", "000000"):
                    fills[(number, index)] = rgb[-6:].upper()
        return fills
    finally:
        book.close()
