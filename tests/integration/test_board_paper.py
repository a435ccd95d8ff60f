"""The board paper on SQLite and PostgreSQL, read back with openpyxl (not read_only, which hides
print settings and styles): its sheets, its numbers against plan.reports, RAG fills and words,
print settings, restricted detail only in the annex (a file of its own) for the cleared, the board
filter, and no formula anywhere even when owners type text that Excel would run. How it prints is
tested by printing it (test_printing.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import models
from plan import audit, reports
from plan.actions import RESTRICTED_TITLE
from plan.db import session_scope
from plan.demo import add_demo
from plan.errors import InvalidInput, NotAllowed
from plan.exports import board_paper, restricted_annex
from plan.updates import record_update
from plan.vocab import RAG_COLOURS, Rag

SHEETS = ["Cover", "Matters arising", "Exceptions", "Prepare", "Prevent", "Protect", "Pursue", "Measures", "Changes"]
COVER_HEADER = ["Theme", "Red", "Amber", "Green", "Blue", "Not yet assessed", "Total", "Overdue"]
NASTY = {
    "3.5": ("red", '=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0"),
    "2.1": ("amber", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3"),
    "1.1": ("green", "-2+3 partners agreed", "=1+1"),
}
SECRET = "Operation Nightjar: joint disruption on the A13 corridor"
HEADER = 5  # the header row of every table sheet (marking, title, one line, blank, header)


@pytest.fixture
def history(seeded, people):  # noqa: ANN001, ANN201
    """Demo history (rounds, a closed past meeting), then owners' text that looks like formulas,
    and the restricted action 4.6 Red with police-sensitive commentary."""
    with session_scope() as session:
        add_demo(session, user=people["admin"], plan_id=seeded.id)
    with session_scope() as session:
        for ref, (rag, commentary, support) in NASTY.items():
            record_update(session, user=people["admin"], plan_id=seeded.id, ref=ref, rag=rag,
                          delivery_status="in_progress", commentary=commentary, support_asked=support)
        record_update(session, user=people["admin"], plan_id=seeded.id, ref="4.6", rag="red",
                      delivery_status="in_progress", commentary=SECRET, blockers=SECRET, support_asked=SECRET)
    return seeded


def _paper(seeded, user, **kwargs):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return board_paper(session, user=user, plan_id=seeded.id, **kwargs)


def _book(paper):  # noqa: ANN001, ANN202
    return load_workbook(io.BytesIO(paper.content))


def _annex(seeded, user, **kwargs):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return restricted_annex(session, user=user, plan_id=seeded.id, **kwargs)


def _cover(book) -> dict:  # noqa: ANN001
    """The cover's RAG by theme table, {theme: (red, amber, green, blue, not assessed, total, overdue)}."""
    ws = book["Cover"]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if list(r[:8]) == COVER_HEADER)
    table = {}
    for r in rows[at + 1:]:
        if not isinstance(r[1], int):
            break
        table[r[0]] = tuple(r[1:8])
    return table


def _texts(book) -> list[str]:  # noqa: ANN001
    return [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]


def _table(ws) -> list[list]:  # noqa: ANN001
    """The rows under the header row, up to the first blank row."""
    rows = []
    for row in ws.iter_rows(min_row=HEADER + 1):
        if all(c.value is None for c in row):
            break
        rows.append(row)
    return rows


def test_sheets_numbers_fills_and_print_settings(history, people) -> None:
    paper = _paper(history, people["chair"])
    book = _book(paper)
    assert book.sheetnames == SHEETS
    assert paper.filename.startswith("OFFICIAL-SENSITIVE board-paper ") and paper.filename.endswith(".xlsx")

    with session_scope() as session:
        by_theme = reports.summary(session, user=people["chair"], plan_id=history.id, by="theme")
        headline = reports.headline(session, user=people["chair"], plan_id=history.id)
    written = _cover(book)
    for row in by_theme:
        assert written[row["group"]] == (row["red"], row["amber"], row["green"], row["blue"], row["not_assessed"],
                                         row["total"], row["overdue"])
    assert written["All"][5] == headline["total"] == 25  # every seed action, the restricted one included
    assert len(book["Cover"]._charts) == 1  # noqa: SLF001  the native chart of RAG by theme
    texts = "\n".join(_texts(book))
    assert f"{headline['red']} Red" in texts and " moved Green to " in texts
    assert "Protective marking: OFFICIAL-SENSITIVE" in texts and "Reporting period: Q" in texts
    assert "1. Purpose" in texts and "2. Recommendations" in texts and "(a) Note the progress" in texts

    protect = {row[0].value: row for row in _table(book["Protect"])}
    rag = protect["3.5"][5]
    assert (rag.value, rag.fill.fgColor.rgb) == ("Red", "00" + RAG_COLOURS[Rag.RED].lstrip("#"))
    assert protect["3.5"][8].value.endswith(NASTY["3.5"][1])  # the latest update, as text
    amber = {row[0].value: row for row in _table(book["Prevent"])}["2.1"][5]
    assert (amber.value, amber.fill.fgColor.rgb) == ("Amber", "00" + RAG_COLOURS[Rag.AMBER].lstrip("#"))
    assert [len(_table(book[p])) for p in ("Prepare", "Prevent", "Protect", "Pursue")] == [
        row["total"] for row in by_theme]

    for ws in book:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        if ws.title != "Cover":
            assert ws.print_title_rows and ws.auto_filter.ref, ws.title
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE" and ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
        assert ws.oddFooter.right.text == "Page &P of &N" and "Violence" in ws.oddHeader.left.text
        assert ws.oddFooter.left.text.startswith("Board paper: Q")  # the period on every page
        assert ws["A1"].value == "OFFICIAL-SENSITIVE" and "A1" in {str(r).split(":")[0] for r in ws.merged_cells}
        assert ws.column_dimensions["A"].customWidth and ws.column_dimensions["B"].width >= 7
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Arial"}, ws.title  # one named family: no serif bold beside a sans-serif body
    assert book["Protect"].print_title_rows == "$5:$5" and book["Protect"].freeze_panes == "B6"
    assert book["Protect"]["B6"].alignment.wrap_text
    tall = [book["Protect"].row_dimensions[r].height for r in range(6, 6 + len(_table(book["Protect"])))]
    assert any(h and h > 15 for h in tall)  # rows as tall as their wrapped text

    with session_scope() as session:
        last = session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())).scalars().first()
    assert (last.event, last.actor) == ("export.board_paper", "Chris Chair <chair@southend.gov.uk>")
    assert paper.filename in last.detail and "no restricted detail" in last.detail
    assert audit.event_words(last.event) == "Board paper exported"


def test_no_cell_is_a_formula_even_when_text_looks_like_one(history, people) -> None:
    for paper in (_paper(history, people["admin"]), _annex(history, people["admin"])):
        book = _book(paper)
        cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        starts = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t"))]
        assert all(c.data_type == "s" and c.quotePrefix for c in starts)
        with zipfile.ZipFile(io.BytesIO(paper.content)) as package:  # nor in the file itself
            sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
            assert sheets and not any(b"<f>" in package.read(n) or b"<f " in package.read(n) for n in sheets)
    book = _book(_paper(history, people["admin"]))
    found = {c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for _rag, commentary, support in NASTY.values():
        assert any(commentary in v for v in found) and any(support in v for v in found)


def test_restricted_detail_only_in_the_annex_a_cleared_user_asks_for(history, people) -> None:
    for user in (people["chair"], people["admin"]):
        book = _book(_paper(history, user))
        texts = "\n".join(_texts(book))
        assert SECRET not in texts and "Joint cross-border disruption" not in texts
        pursue = {row[0].value: row for row in _table(book["Pursue"])}
        assert pursue["4.6"][1].value == RESTRICTED_TITLE and pursue["4.6"][5].value == "Red"  # counted, RAG shown
        assert _cover(book)["Pursue"][0] >= 1 and "Restricted annex" not in book.sheetnames

    annex = _annex(history, people["admin"])
    book = _book(annex)
    assert book.sheetnames == ["Restricted annex"] and "RESTRICTED-ANNEX" in annex.filename
    sheet = book["Restricted annex"]
    assert [row[1].value for row in _table(sheet)] == ["4.6"]
    assert any(SECRET in str(c.value) for row in sheet.iter_rows() for c in row)
    banner = "OFFICIAL-SENSITIVE: RESTRICTED ANNEX, cleared readers only"
    assert sheet["A1"].value == banner
    assert sheet.oddHeader.center.text == banner and sheet.oddFooter.center.text == banner
    with session_scope() as session:
        last = session.execute(select(models.AuditEvent).order_by(models.AuditEvent.id.desc())).scalars().first()
    assert last.event == "export.board_paper" and last.restricted and "restricted annex" in last.detail

    with pytest.raises(NotAllowed, match="cleared"):
        _annex(history, people["chair"])
    with pytest.raises(NotAllowed):
        _paper(history, people["viewer"])
    with pytest.raises(NotAllowed):
        _paper(history, people["owner"])


def test_one_board_sees_only_its_actions(history, people) -> None:
    with session_scope() as session:
        rows, total = reports.drill(session, user=people["chair"], plan_id=history.id,
                                    filters=reports.ReportFilter(boards=["HWBB"]), limit=1000)
    expected = {r["ref"] for r in rows}
    paper = _paper(history, people["chair"], board="HWBB")
    book = _book(paper)
    assert "HWBB" in paper.filename
    listed = {row[0].value for p in ("Prepare", "Prevent", "Protect", "Pursue") if p in book.sheetnames
              for row in _table(book[p])}
    assert listed == expected and 0 < total < 25
    assert _cover(book)["All"][5] == total
    assert "For: the Health and Wellbeing Board (HWBB): the actions that report to it." in _texts(book)
    assert {row[0].value for row in _table(book["Exceptions"])} <= expected
    with pytest.raises(InvalidInput, match="no board 'NOPE'"):
        _paper(history, people["chair"], board="NOPE")


def test_a_meetings_paper_is_as_at_its_date(history, people) -> None:
    from plan import meetings

    with session_scope() as session:
        meeting = meetings.list_meetings(session, user=people["chair"], plan_id=history.id)[0]
        frozen = meetings.get_meeting(session, user=people["chair"], plan_id=history.id,
                                      meeting_id=meeting["id"])["summary"]  # what closing froze
    book = _book(_paper(history, people["chair"], meeting_id=meeting["id"]))
    written = {theme: row[5] for theme, row in _cover(book).items() if theme != "All"}
    assert written == {theme: counts["total"] for theme, counts in frozen.items() if counts["total"]}
    assert f"{meeting['held_on']:%d %B %Y}" in book["Cover"]["A3"].value
    assert NASTY["3.5"][1] not in "\n".join(_texts(book))  # written after the meeting
    with pytest.raises(InvalidInput, match="not both"):
        _paper(history, people["chair"], meeting_id=meeting["id"], as_of="2026-01-01")


def test_the_command_line_writes_the_paper(history, tmp_path: Path) -> None:
    from plan.cli import main

    out = tmp_path / "paper.xlsx"
    assert main(["export", "board-paper", "--out", str(out), "--board", "CSP"]) == 0
    book = load_workbook(out)
    assert book.sheetnames[0] == "Cover" and out.stat().st_mode & 0o077 == 0
    assert main(["export", "board-paper", "--out", str(out), "--board", "NOPE"]) == 1
    annex = tmp_path / "annex.xlsx"
    assert main(["export", "restricted-annex", "--out", str(annex)]) == 0
    assert load_workbook(annex).sheetnames == ["Restricted annex"] and annex.stat().st_mode & 0o077 == 0
    assert main(["export", "board-paper", "--out", str(out), "--restricted-annex"]) == 1  # never in the paper


def test_the_audit_trail_export_goes_the_same_way(history, people) -> None:
    with session_scope() as session:
        export = audit.export_audit(session, user=people["chair"], marking="OFFICIAL-SENSITIVE",
                                    filters=audit.AuditFilter(entity_key="3.5"))
    assert export.filename.startswith("OFFICIAL-SENSITIVE audit-trail ")
    sheet = _book(export).active
    assert sheet.page_setup.orientation == "landscape" and sheet.auto_filter.ref
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert any("=HYPERLINK" in str(c.value) for c in cells)


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("x")'])
def test_the_writer_writes_formula_like_text_as_text(text: str) -> None:
    from plan.exports.writer import Book, Column

    book = Book(marking="OFFICIAL", plan_name="P", title="T")
    sheet = book.sheet("S", title="T", columns=[Column("A")])
    sheet.row([text])
    cell = load_workbook(io.BytesIO(book.save()))["S"].cell(5, 1)  # marking, title, blank, header, the row
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)  # XML keeps no CR


def test_sheet_names_and_headers_excel_accepts() -> None:
    from plan.exports.writer import Book, Column

    book = Book(marking="OFFICIAL & SENSITIVE", plan_name="A plan " + "x" * 300, title="T")
    for name in ("Prepare: [2026/27]?", "Prepare: [2026/27]?", "A" * 40):
        book.sheet(name, title=name, columns=[Column("A")])
    read = load_workbook(io.BytesIO(book.save()))
    assert read.sheetnames == ["Prepare- -2026-27--", "Prepare- -2026-27-- (2)", "A" * 31]
    sheet = read.worksheets[0]
    assert sheet.oddHeader.center.text == "OFFICIAL && SENSITIVE"  # prints as one "&"
    assert len(sheet.oddHeader.left.text) <= 80 and sheet["A1"].value == "OFFICIAL & SENSITIVE"


def test_a_save_during_an_export_succeeds(history, people) -> None:
    """The page reads the paper in a read scope and writes the file outside any transaction: an
    owner's save made while the paper is being written goes through (on SQLite the export used to
    hold BEGIN IMMEDIATE for the whole generation, and the save failed with 'database is locked')."""
    import threading

    from plan.db import read_scope

    writing, go, failures = threading.Event(), threading.Event(), []

    def progress(fraction: float, words: str) -> None:
        if words.startswith("Writing the sheets"):  # the file is being written: hold it there
            writing.set()
            go.wait(60)

    def export() -> None:
        try:
            with read_scope() as session:
                board_paper(session, user=people["chair"], plan_id=history.id, progress=progress)
        except Exception as err:  # noqa: BLE001  reported below
            failures.append(err)

    exporter = threading.Thread(target=export)
    exporter.start()
    assert writing.wait(120)

    def save() -> None:
        try:
            with session_scope() as session:
                record_update(session, user=people["admin"], plan_id=history.id, ref="1.2", rag="amber",
                              delivery_status="in_progress", commentary="Saved while the paper was written")
        except Exception as err:  # noqa: BLE001
            failures.append(err)

    saver = threading.Thread(target=save)
    saver.start()
    saver.join(25)  # the save does not wait for the export (which is held until `go`)
    saved_first = not saver.is_alive()
    go.set()
    saver.join()
    exporter.join()
    assert failures == [] and saved_first
    with session_scope() as session:
        events = [e.event for e in session.execute(select(models.AuditEvent)).scalars()]
    assert events[-1] == "export.board_paper"  # recorded after the file, in its own transaction


def test_a_closed_meetings_paper_is_what_the_meeting_saw(history, people) -> None:
    """After the meeting: 2.3 renamed, 1.1 saved Green, 3.4 retired. The paper for that meeting
    still shows what the group saw: the title then, the RAG then, 3.4 in it, its agenda as the
    exceptions."""
    from plan import meetings
    from plan.maintenance.actions import edit_action, retire_action

    with session_scope() as session:
        meeting = next(m for m in meetings.list_meetings(session, user=people["chair"], plan_id=history.id)
                       if m["status"] == "closed")
        seen = meetings.get_meeting(session, user=people["admin"], plan_id=history.id, meeting_id=meeting["id"])
    before = _book(_paper(history, people["chair"], meeting_id=meeting["id"]))
    with session_scope() as session:
        edit_action(session, user=people["admin"], plan_id=history.id, ref="2.3",
                    changes={"title": "A title written after the meeting"})
        record_update(session, user=people["admin"], plan_id=history.id, ref="1.1", rag="green",
                      delivery_status="in_progress", commentary="Saved after the meeting")
        retire_action(session, user=people["admin"], plan_id=history.id, ref="3.4", reason="Merged into 3.3")
    after = _book(_paper(history, people["chair"], meeting_id=meeting["id"]))
    texts = "\n".join(_texts(after))
    assert "A title written after the meeting" not in texts and "Saved after the meeting" not in texts
    assert {row[0].value for row in _table(after["Protect"])} >= {"3.4"}  # retired since: the group saw it
    for sheet in ("Prepare", "Prevent", "Protect", "Pursue"):  # every row as it was before the changes
        assert [[c.value for c in r] for r in _table(after[sheet])] == [[c.value for c in r]
                                                                         for r in _table(before[sheet])]
    assert _cover(after) == _cover(before)
    agenda = [i["ref"] for i in seen["items"] if not i["dropped"]]
    assert [row[0].value for row in _table(after["Exceptions"])] == agenda  # what it discussed, in order
