"""The board paper's cover, in the order committees take a paper: title, meeting, reporting period,
author and marking; purpose and recommendations; matters arising from the last meeting; key
messages; RAG by theme, and its chart on a page of its own."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties

from plan.exports import fit
from plan.exports.paper.context import PaperContext
from plan.exports.paper.messages import PaperFacts, key_messages
from plan.exports.writer import BOLD, Book, Cell, Column, Sheet
from plan.text import plural
from plan.vocab import RAG_COLOURS, RAG_LABELS, Rag

RAGS = ("red", "amber", "green", "blue", "not_assessed")
CHART_HEIGHT_CM, CHART_ROWS = 11.0, 22  # the chart's height, and the rows kept free under it


def nice_step(most: int) -> int:
    """A whole-number step for a count axis with at most about ten gridlines: 1, 2, 5, 10, 20, 50 …"""
    if most <= 10:
        return 1
    raw = most / 10
    power = 10 ** math.floor(math.log10(raw))
    return next(int(m * power) for m in (1, 2, 5, 10) if m * power >= raw)


def cover(book: Book, c: PaperContext, facts: PaperFacts, *, purpose: str, recommendations: Sequence[str],
          author: str, sheets: Sequence[str]) -> None:
    columns = [Column("Theme", 44)] + [Column(RAG_LABELS[Rag(r)], 9 if r != "not_assessed" else 11) for r in RAGS] \
        + [Column("Total", 8), Column("Overdue", 10)]
    when = (f"Meeting: {c.meeting['title'] or 'Support and challenge'}, {c.day:%A %d %B %Y}." if c.meeting
            else f"The plan as at {c.day:%d %B %Y} (no meeting chosen).")
    lines = [when, f"Reporting period: {c.period}.",
             "For: " + (f"the {c.board_name} ({c.board}): the actions that report to it." if c.board
                        else "the strategic group: the whole plan."),
             f"Author: {author}, {c.plan.organisation}. Prepared on {date.today():%d %B %Y}.",
             f"Protective marking: {c.plan.protective_marking}. Handle, store and share this paper as its marking "
             "requires."]
    sheet = book.sheet("Cover", title=f"Board paper: {c.plan.name}", columns=columns, lines=lines, header=False)
    sheet.blank()
    sheet.heading("1. Purpose")
    sheet.paragraph(purpose)
    sheet.heading("2. Recommendations")
    sheet.paragraph(f"{c.group[0].upper()}{c.group[1:]} is asked to:")
    for letter, text in zip("abcdefghijklmnopqrstuvwxyz", recommendations, strict=False):
        sheet.paragraph(f"({letter}) {text}")
    sheet.heading("3. Matters arising from the last meeting")
    sheet.paragraph(_matters(c))
    sheet.heading("4. Key messages")
    for message in key_messages(facts):
        sheet.paragraph(f"•  {message}")
    sheet.heading("5. RAG by theme")
    header = sheet.table_header()
    by_name = {r["group"]: r for r in c.summary}
    for theme in c.themes:
        row = by_name.get(theme, {})
        sheet.row([theme] + [row.get(r, 0) for r in RAGS] + [row.get("total", 0), row.get("overdue", 0)])
    h = c.headline
    sheet.row([Cell("All", None, BOLD)] + [Cell(h[r], None, BOLD) for r in RAGS]
              + [Cell(h["total"], None, BOLD), Cell(h["overdue"], None, BOLD)])
    first, last = header + 1, header + len(c.themes)
    sheet.heading("6. In this paper")
    sheet.paragraph("; ".join(sheets) + ".")
    if c.themes:
        _chart(sheet, c, header, first, last)


def _matters(c: PaperContext) -> str:
    if c.since is None:
        return "None: this is the first paper (there is no earlier closed meeting)."
    open_ = [f for f in c.follow_ups if not f["done"]]
    done = [f for f in c.follow_ups if f["done"]]
    late = sum(1 for f in open_ if f["overdue"])
    if not (c.decisions or c.follow_ups):
        return f"The meeting of {c.since:%d %B %Y} recorded no decisions and no follow-ups are open."
    return (f"From the meeting of {c.since:%d %B %Y}: {plural(len(c.decisions), 'decision')} recorded; "
            f"{plural(len(open_), 'follow-up')} open" + (f" ({late} overdue)" if late else "")
            + f" and {len(done)} done since. See Matters arising.")


def _chart(sheet: Sheet, c: PaperContext, header: int, first: int, last: int) -> None:
    """A stacked bar of RAG by theme on a page of its own, whole numbers on its axis."""
    sheet.page_break()
    sheet.heading("RAG by theme (chart)")
    anchor = sheet.rows_written + 1
    for _ in range(CHART_ROWS):  # the rows under the chart, so it prints inside the sheet's area
        sheet.blank(height=CHART_HEIGHT_CM / CHART_ROWS * 28.35 + 0.5)
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = "RAG by theme"
    chart.y_axis.title = "Actions"
    chart.add_data(Reference(sheet.ws, min_col=2, max_col=1 + len(RAGS), min_row=header, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
    for series, rag in zip(chart.series, RAGS, strict=True):
        series.graphicalProperties = GraphicalProperties(solidFill=RAG_COLOURS[Rag(rag)].lstrip("#"))
        series.graphicalProperties.line.solidFill = "404040"
    most = max([int(r.get("total", 0)) for r in c.summary] + [1])
    chart.y_axis.majorUnit = nice_step(most)  # counts: never half an action
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = "0"
    chart.x_axis.scaling.orientation = "maxMin"  # themes top to bottom, in the table's order
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend.position = "b"
    text = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(
        latin=Font(typeface=fit.FONT), sz=900)), endParaRPr=CharacterProperties(latin=Font(typeface=fit.FONT)))])
    chart.x_axis.txPr = chart.y_axis.txPr = chart.legend.txPr = text
    for title in (chart.title, chart.y_axis.title):  # titles in the paper's font too (not the program's)
        for paragraph in title.tx.rich.p:
            paragraph.pPr = ParagraphProperties(defRPr=CharacterProperties(latin=Font(typeface=fit.FONT), b=True,
                                                                           sz=1200 if title is chart.title else 900))
            for run in paragraph.r or []:
                run.rPr = CharacterProperties(latin=Font(typeface=fit.FONT), b=True,
                                              sz=1200 if title is chart.title else 900)
    chart.width = min(sum(col.width for col in sheet.columns) * 0.19, 24.0)
    chart.height = CHART_HEIGHT_CM
    sheet.ws.add_chart(chart, f"A{anchor}")
