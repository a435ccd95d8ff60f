"""The plan importer reads .xlsx with the one reader of uploads (plan.workbooks, within its caps)
and must see exactly what openpyxl sees: the same row numbers, None for an empty cell, a datetime
for a date, an int for a whole number, text as written, merged banners in their first cell."""

import io
from datetime import date, datetime

from openpyxl import Workbook

from plan.workbooks.sheet import read_sheet


def _workbook() -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "Action plan"
    ws["B2"] = "OFFICIAL-SENSITIVE"  # the table starts below a marking and a blank row
    ws.append([])
    ws.append(["Ref", "Action", "Lead", "Due", "Q1 RAG", "Budget", "Done?"])
    ws.append(["PREVENT", None, None, None, None, None, None])
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=7)  # a theme banner
    ws.append(["1.10", "Agree the needs assessment", "Head of Community Safety", date(2026, 3, 31), "A", 5000, True])
    ws.append([2, "=SUM(1,2)", "", datetime(2026, 6, 30, 12, 30), "Green", 1.5, False])
    ws.append([None, "Line one\nLine two", None, None, None, -3, None])
    ws.append([])
    ws.append(["Note: figures are provisional"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _trimmed(table):  # noqa: ANN001, ANN202
    rows = []
    for number, cells in table:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        rows.append((number, cells))
    while rows and not rows[-1][1]:
        rows.pop()
    return rows


def _openpyxl_cells(content: bytes):  # noqa: ANN202
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(content), data_only=True).worksheets[0]
    return ws.title, [(cells[0].row, [c.value for c in cells]) for cells in ws.iter_rows()]


def test_the_reader_reads_what_openpyxl_reads() -> None:
    content = _workbook()
    sheet = read_sheet(content, "plan.xlsx", None)
    title, table = sheet.name, [(number, list(cells)) for number, cells in sheet.rows]
    openpyxl_title, expected = _openpyxl_cells(content)
    expected = [(number, cells) for number, cells in expected if any(c is not None for c in cells)]
    assert title == openpyxl_title == "Action plan"
    assert _trimmed(table) == _trimmed(expected)
    rows = dict(_trimmed(table))
    assert rows[2] == [None, "OFFICIAL-SENSITIVE"] and rows[4][0] == "Ref"
    assert rows[6][:4] == ["1.10", "Agree the needs assessment", "Head of Community Safety", datetime(2026, 3, 31)]
    assert type(rows[6][5]) is int and rows[7][0] == 2 and type(rows[7][0]) is int and rows[7][5] == 1.5
    assert rows[7][2] is None and rows[8][1] == "Line one\nLine two" and rows[5] == ["PREVENT"]
    assert rows[10] == ["Note: figures are provisional"]


def test_a_file_that_is_no_workbook_is_refused_in_words() -> None:
    import pytest

    from plan.errors import InvalidInput

    with pytest.raises(InvalidInput, match="cannot be read as an Excel workbook"):
        read_sheet(b"not a workbook", "plan.xlsx", None)
    with pytest.raises(InvalidInput, match="has no sheet 'Measures'; its sheets are: Action plan"):
        read_sheet(_workbook(), "plan.xlsx", "Measures")
