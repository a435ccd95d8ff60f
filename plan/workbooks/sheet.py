"""A plan sheet for the plan import, read through the one capped reader of uploads
(plan/workbooks/reader.py): the rows as (row number, values) with whole numbers as ints, as the
sheet shows them, and each cell's solid fill, which some plans use as their only RAG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from plan.workbooks.reader import read_sheet as _read_capped

Rows = list[tuple[int, Sequence[Any]]]


@dataclass
class Sheet:
    """One sheet's rows as (row number, values) and its cells' fill colours."""

    name: str
    rows: Rows
    fills: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)

    def fill(self, row: int, column: int) -> str | None:
        """The solid fill of a cell as 'RRGGBB' (row numbered as the sheet's, column from 0)."""
        return self.fills.get((row, column))


def read_sheet(content: bytes, filename: str, sheet: str | None = None) -> Sheet:
    """The named sheet (default the first) of an .xlsx/.xlsm workbook or a CSV file, within the caps."""
    read = _read_capped(content, filename, sheet)
    rows = [(number, tuple(_whole(v) for v in values)) for number, values in read.rows]
    return Sheet(read.name, rows, dict(read.fills))


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
