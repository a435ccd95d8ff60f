"""Hostile workbooks (issue 20, item 2) are refused by every reader of uploads, before the work
they would cost, with a message that says what to fix. Before plan/workbooks the corner cell
aborted the server process (calamine allocated the whole rectangle: 512 GB), the measures and
returns readers walked the rectangle without end, and 2 M cells took 77 s and 897 MB."""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan.db import session_scope
from plan.errors import InvalidInput
from plan.identity import Actor
from plan.workbooks import LIMITS, WorkbookRefused, read_sheet
from tests import hostile

ADMIN = Actor.system("test secretariat")

# shape -> (builder, what the refusal says)
SHAPES: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "corner cell": (hostile.corner, "has a cell at XFD1048576 (row 1,048,576, column 16,384); the most we read is "
                                    "100,000 rows and 1,000 columns: delete the unused rows"),
    "zip bomb": (hostile.zip_bomb, "unpacks to 300.0 MB; the most we read is 100.0 MB"),
    "zip bomb by ratio": (lambda folder: hostile.zip_bomb(folder, 40), "times its packed size; the most we read is "
                                                                        "a ratio of 200"),
    "sizes that lie": (hostile.lying_sizes, "cannot be read as an Excel workbook"),
    "many sheets": (hostile.many_sheets, "has 301 sheets; the most we read is 50: delete the sheets"),
    "huge shared text": (hostile.huge_shared_text, "shared text (xl/sharedStrings.xml) unpacks to 32.2 MB; the most "
                                                   "we read is 30.0 MB"),
    "many pieces of text": (hostile.many_strings, "holds 1,100,000 pieces of text; the most we read is 500,000"),
    "billion laughs in a sheet": (lambda folder: hostile.laughs(folder, "sheet"),
                                  "declares XML entities (a <!DOCTYPE> in xl/worksheets/sheet1.xml)"),
    "billion laughs in the shared text": (lambda folder: hostile.laughs(folder, "shared"),
                                          "declares XML entities (a <!DOCTYPE> in xl/sharedStrings.xml)"),
    "billion laughs in the workbook part": (lambda folder: hostile.laughs(folder, "book"),
                                            "declares XML entities (a <!DOCTYPE> in xl/workbook.xml)"),
    "external entity": (hostile.external_entity, "declares XML entities"),
    "2 M cells": (hostile.many_cells, "has 2,100,010 cells; the most we read is 500,000: delete unused rows or "
                                     "columns, or split the sheet"),
    "a vast table of blanks": (hostile.wide_table, "spreads its cells over more than 5,000,000 places"),
    "too big to upload": (hostile.too_big, "is 11.0 MB; the most we read is 10.0 MB"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], bytes]:
    """Each shape built once for the module (the large ones take seconds)."""
    folder = tmp_path_factory.mktemp("hostile")
    cache: dict[str, bytes] = {}

    def get(shape: str) -> bytes:
        if shape not in cache:
            cache[shape] = SHAPES[shape][0](folder)
        return cache[shape]

    return get


def _plan_import(content: bytes, plan_id: int, filename: str = "hostile.xlsx") -> Any:
    from plan.imports import import_plan

    with session_scope() as session:
        return import_plan(session, user=ADMIN, content=content, filename=filename, plan_slug="hostile",
                           dry_run=True)


def _measures_import(content: bytes, plan_id: int, filename: str = "hostile.xlsx") -> Any:
    from plan.measures import import_measures

    with session_scope() as session:
        return import_measures(session, user=ADMIN, plan_id=plan_id, content=content, filename=filename,
                               dry_run=True)


def _figures_upload(content: bytes, plan_id: int, filename: str = "hostile.xlsx") -> Any:
    from plan.measures import upload_returns

    with session_scope() as session:
        return upload_returns(session, user=ADMIN, plan_id=plan_id, content=content, filename=filename,
                              dry_run=True)


def _offline_return(content: bytes, plan_id: int, filename: str = "hostile.xlsx") -> Any:
    from plan.returns import read_return

    with session_scope() as session:
        return read_return(session, user=ADMIN, content=content, filename=filename)


READERS = {"plan import": _plan_import, "measures import": _measures_import, "figures upload": _figures_upload,
           "offline return": _offline_return}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_refuses_every_hostile_shape_in_words(seeded_sqlite, built, reader: str, shape: str) -> None:  # noqa: ANN001
    content = built(shape)
    expected = SHAPES[shape][1]
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput, match=re.escape(expected)) as refused:
            READERS[reader](content, seeded_sqlite.id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "Traceback" not in str(refused.value)
    # refused before the heavy work: the reader never held more than a few tens of MB
    assert peak < 80 * 1024 * 1024, f"{reader} held {peak / 2**20:.0f} MB refusing '{shape}'"


def test_the_caps_are_what_the_messages_say() -> None:
    assert (LIMITS.upload_bytes, LIMITS.unpacked_bytes, LIMITS.ratio) == (10 * 2**20, 100 * 2**20, 200)
    assert (LIMITS.sheets, LIMITS.rows, LIMITS.columns, LIMITS.cells) == (50, 100_000, 1_000, 500_000)
    assert (LIMITS.shared_strings, LIMITS.shared_text_bytes) == (500_000, 30 * 2**20)


def test_a_declared_size_alone_is_harmless(tmp_path: Path) -> None:
    """A used range declared A1:XFD1048576 with two rows of cells: only the cells are read."""
    sheet = read_sheet(hostile.declared_corner(tmp_path), "plan.xlsx")
    assert [number for number, _ in sheet.rows] == [1, 2]
    assert sheet.rows[0][1] == ("Ref", "Action", "Lead officer", "Due date", "RAG")


def test_the_declared_corner_plan_imports(seeded_sqlite, tmp_path: Path) -> None:  # noqa: ANN001
    report = _plan_import(hostile.declared_corner(tmp_path), seeded_sqlite.id)
    assert report.count("create") == 1 and not report.errors


def test_refusals_are_workbook_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkbookRefused):
        read_sheet(hostile.corner(tmp_path), "plan.xlsx")


@pytest.mark.parametrize(("text", "expected"), [
    ("a\n" * 100_002, "has 100,003 lines; the most we read is 100,000"),
    (",".join(["x"] * 1_001) + "\n", "has 1,001 columns on line 1; the most we read is 1,000"),
    (("x," * 999 + "x\n") * 501, "has more than 500,000 cells"),
    ("a," + "b" * 40_000 + "\n", "longer than 32,767 characters"),
])
def test_csv_caps(seeded_sqlite, text: str, expected: str) -> None:  # noqa: ANN001
    for reader in (_plan_import, _measures_import, _figures_upload):
        with pytest.raises(WorkbookRefused, match=re.escape(expected)):
            reader(text.encode(), seeded_sqlite.id, "hostile.csv")
