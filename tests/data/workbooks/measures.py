"""Measures workbooks in the shapes partnerships publish their performance in (see README.md here
for each shape's source), each with what the import must store for every measure, cell by cell.
Made up (the place is "Wexbridge"), written by openpyxl when the tests run."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment


@dataclass
class Value:
    period: str
    state: str  # value, suppressed, missing
    value: float | None = None
    note: str = ""
    status: str = ""  # the sheet's own RAG for this figure


@dataclass
class ExpectedMeasure:
    ref: str | None  # None: the sheet has no codes (the import makes them)
    name: str
    unit: str
    kind: str
    direction: str
    baseline: float | None
    baseline_period: str
    values: list[Value]
    target_text: str = ""


@dataclass
class MeasuresShape:
    name: str
    source: str
    rows: list[list[Any]]
    measures: list[ExpectedMeasure]
    banners: tuple[int, ...] = ()
    width: int = 5
    expected_warnings: list[str] = field(default_factory=list)  # words the dry run must say

    def content(self) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = "Performance"
        for r, row in enumerate(self.rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    sheet.cell(r, c, value).alignment = Alignment(wrap_text=True)
        for r in self.banners:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=self.width)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


_PCC_HEADER = ["Indicator / Outcome: people in Wexbridge are safer",
               "Baseline at 31 March 2025\n(% change for 12 months April 24 – March 25)",
               "Q2 performance\n(30 September 2025)", "Q3 performance\n(31 December 2025)",
               "Achievement at 31 March 2026"]
Q2, Q3, YEAR_END = "2025-Q3", "2025-Q4", "2026-Q1"
MISSING = "missing"

PCC_OVERVIEW = MeasuresShape(
    name="pcc_overview_table.xlsx",
    source="West Yorkshire Police and Crime Commissioner, 'Performance indicators: PCC Community Safety Fund, "
           "overview table' (Item 6, Appendix B; docsbay.net copy): one banner per CSP, no codes, periods as "
           "'Q2 performance (30 September 2013)', figures with their context in the cell",
    rows=[
        ["Police and Crime Commissioner for Wexbridge"],
        ["Performance indicators: PCC Community Safety Fund"],
        ["OVERVIEW TABLE"],
        _PCC_HEADER,
        ["NORTHFIELD CSP"],
        ["Reduce total crime", "40,861\n(3%)", 20409, 30658, "No New Data Published"],
        ["Reduce rate of re-offending of adults", "8.48% (December 2024)", "8.77%\n(12m to Sept 25)",
         "No New Data Published", None],
        ["Reduce domestic burglary", 3628, 1544, 2528, 3115],
        ["Reduce DV repeat victimisation", "38%", "38%", "36.2%", None],
        ["Increase the number of people exiting drug programmes with a successful outcome",
         "Opiates = 5.4%\nNon-Opiate = 23%", "Opiate = 7.8%\nNon-Opiate = 42.1%\n(Q1 Data – data lag)",
         "Opiate = 7.3%\nNon-Opiate = 41.1%\n(Q2 Data – data lag)", None],
        ["Reduce the number of young people entering the criminal justice system", "455\n(March 25)",
         "Data Not yet available", "NYA", None],
        ["EASTMOOR CSP"],
        ["Reduce total crime", "13,202\n(8%)", "YTD - 7320\nSep – 1143", "YTD – 10904\nOct – Dec -3584", 14011],
        ["Reduce rate of re-offending of adults", "9.12% (December 2024)", "9.12% (December 2024)", "-23.81%", None],
        ["Reduce domestic burglary", 854, "YTD - 445", "YTD – 800", 1102],
        ["Reduce DV repeat victimisation", "33.6%", "Sep – 37.5%", "37.4%", None],
    ],
    banners=(5, 12),
    measures=[
        ExpectedMeasure(None, "Reduce total crime – Northfield CSP", "count", "count", "lower", 40861, "2025-03",
                        [Value(Q2, "value", 20409), Value(Q3, "value", 30658),
                         Value(YEAR_END, MISSING, note="No New Data Published")]),
        ExpectedMeasure(None, "Reduce rate of re-offending of adults – Northfield CSP", "%", "snapshot", "lower", 8.48,
                        "2024-12", [Value(Q2, "value", 8.77, "12m to Sept 25"),
                                    Value(Q3, MISSING, note="No New Data Published"), Value(YEAR_END, MISSING)]),
        ExpectedMeasure(None, "Reduce domestic burglary – Northfield CSP", "count", "count", "lower", 3628, "2025-03",
                        [Value(Q2, "value", 1544), Value(Q3, "value", 2528), Value(YEAR_END, "value", 3115)]),
        ExpectedMeasure(None, "Reduce DV repeat victimisation – Northfield CSP", "%", "snapshot", "lower", 38,
                        "2025-03", [Value(Q2, "value", 38), Value(Q3, "value", 36.2), Value(YEAR_END, MISSING)]),
        ExpectedMeasure(None, "Increase the number of people exiting drug programmes with a successful outcome – "
                              "Northfield CSP", "count", "count", "higher", None, "2025-03",
                        [Value(Q2, MISSING, note="Opiate = 7.8% Non-Opiate = 42.1% (Q1 Data - data lag)"),
                         Value(Q3, MISSING, note="Opiate = 7.3% Non-Opiate = 41.1% (Q2 Data - data lag)"),
                         Value(YEAR_END, MISSING)]),
        ExpectedMeasure(None, "Reduce the number of young people entering the criminal justice system – Northfield "
                              "CSP", "count", "count", "lower", 455, "2025-03",
                        [Value(Q2, MISSING, note="Data Not yet available"), Value(Q3, MISSING),
                         Value(YEAR_END, MISSING)]),
        ExpectedMeasure(None, "Reduce total crime – Eastmoor CSP", "count", "count", "lower", 13202, "2025-03",
                        [Value(Q2, MISSING, note="YTD - 7320 Sep - 1143"),
                         Value(Q3, MISSING, note="YTD - 10904 Oct - Dec -3584"), Value(YEAR_END, "value", 14011)]),
        ExpectedMeasure(None, "Reduce rate of re-offending of adults – Eastmoor CSP", "%", "snapshot", "lower", 9.12,
                        "2024-12", [Value(Q2, "value", 9.12, "December 2024"), Value(Q3, MISSING, note="-23.81%"),
                                    Value(YEAR_END, MISSING)]),
        ExpectedMeasure(None, "Reduce domestic burglary – Eastmoor CSP", "count", "cumulative", "lower", 854,
                        "2025-03", [Value(Q2, "value", 445, "year to date"), Value(Q3, "value", 800, "year to date"),
                                    Value(YEAR_END, "value", 1102)]),
        ExpectedMeasure(None, "Reduce DV repeat victimisation – Eastmoor CSP", "%", "snapshot", "lower", 33.6,
                        "2025-03", [Value(Q2, "value", 37.5, "Sep"), Value(Q3, "value", 37.4),
                                    Value(YEAR_END, MISSING)]),
    ],
    expected_warnings=["The sheet has no code column, so 10 new measures were given codes (M1 to M10)",
                       "baseline: '40,861 (3%)' read as 40,861; the cell as written is kept in the measure's notes",
                       "'-23.81%' holds a change, not a figure for the period",
                       "'YTD - 445' read as 445, the year to date"],
)

_CSP_HEADER = ["Ref", "Indicator", "Previous Year's Performance", "Target", "Q1", "Q2", "Q3", "Q4",
               "Compared to last year", "Status", "Commentary"]
FQ1, FQ2, FQ3, FQ4 = "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"
BEFORE = "FY2024/25"

CSP_QUARTERLY = MeasuresShape(
    name="csp_quarterly_performance.xlsx",
    source="Safer Derbyshire community safety performance report, 'report guide' (saferderbyshire.gov.uk): "
           "Previous Year's Performance, Compared to last year, a Status column of Red/Amber/Green/Grey against "
           "the Target, quarters Q1 April-June; with indicator refs such as '3.1.1e' and missing baselines as in "
           "the City of London Safer City Partnership Performance Dashboard (democracy.cityoflondon.gov.uk)",
    rows=[
        ["OFFICIAL-SENSITIVE"],
        ["Wexbridge Community Safety Partnership"],
        ["Performance report 2025/26 – Quarter 2"],
        ["Status key: Red – not meeting the target by more than 5%; Amber – up to 5%; Green – meeting the target; "
         "Grey – no target set, or data not available"],
        [],
        _CSP_HEADER,
        ["PRIORITY 1: TACKLING SERIOUS VIOLENCE"],
        ["1.1.1a", "Knife crime offences", 188, "Reduce by 10%", 51, 47, None, None, "↓ 8%", "Green",
         "Below last year's level"],
        ["1.1.2", "Hospital admissions for assault with a sharp object", 22, "Reduce", "c", 7, None, None, None,
         "Grey", "Q1 suppressed (small number)"],
        ["1.2.1", "First time entrants to the youth justice system (cumulative)", 61, "Fewer than 55 a year", 12, 25,
         None, None, "↑ 4%", "Amber", None],
        ["PRIORITY 2: DOMESTIC ABUSE"],
        ["2.1.1", "Domestic abuse repeat victims (%)", "28%", "Reduce to 25%", "27%", "*", None, None, None, "Red",
         "Q2 figure withheld by the provider"],
        ["2.1.2e", "Referrals to the IDVA service", None, "Monitor", 41, "NYA", None, None, None, "Grey",
         "Q2 data not yet available"],
        ["2.2.1", "Domestic abuse related incidents and crimes", "3,412", "Monitor", "1,001", "1,056", None, None,
         "↑ 3%", "Grey", None],
    ],
    banners=(7, 11),
    width=11,
    measures=[
        ExpectedMeasure("1.1.1a", "Knife crime offences", "count", "count", "lower", 188, BEFORE,
                        [Value(FQ1, "value", 51), Value(FQ2, "value", 47, status="green"), Value(FQ3, MISSING),
                         Value(FQ4, MISSING)], "Reduce by 10%"),
        ExpectedMeasure("1.1.2", "Hospital admissions for assault with a sharp object", "count", "count", "lower", 22,
                        BEFORE, [Value(FQ1, "suppressed"), Value(FQ2, "value", 7, status="grey"), Value(FQ3, MISSING),
                                 Value(FQ4, MISSING)], "Reduce"),
        ExpectedMeasure("1.2.1", "First time entrants to the youth justice system (cumulative)", "count",
                        "cumulative", "lower", 61, BEFORE,
                        [Value(FQ1, "value", 12), Value(FQ2, "value", 25, status="amber"), Value(FQ3, MISSING),
                         Value(FQ4, MISSING)], "Fewer than 55 a year"),
        ExpectedMeasure("2.1.1", "Domestic abuse repeat victims (%)", "%", "snapshot", "lower", 28, BEFORE,
                        [Value(FQ1, "value", 27), Value(FQ2, "suppressed", status="red"), Value(FQ3, MISSING),
                         Value(FQ4, MISSING)], "Reduce to 25%"),
        ExpectedMeasure("2.1.2e", "Referrals to the IDVA service", "count", "count", "contextual", None, BEFORE,
                        [Value(FQ1, "value", 41), Value(FQ2, MISSING, status="grey"), Value(FQ3, MISSING),
                         Value(FQ4, MISSING)], "Monitor"),
        ExpectedMeasure("2.2.1", "Domestic abuse related incidents and crimes", "count", "count", "contextual", 3412,
                        BEFORE, [Value(FQ1, "value", 1001), Value(FQ2, "value", 1056, status="grey"),
                                 Value(FQ3, MISSING), Value(FQ4, MISSING)], "Monitor"),
    ],
    expected_warnings=["Column 'Compared to last year' is not a field or a period, so it was ignored."],
)

MEASURES = [PCC_OVERVIEW, CSP_QUARTERLY]
