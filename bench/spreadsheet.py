"""A plan spreadsheet of any length in the shape councils keep (after /work/shared/samples'
example_council_plan.xlsx): a marking row and a title row above the header; theme banner rows
(merged) between actions; RAG as letters, words and "A/G"; two quarters of RAG and commentary
side by side; dates as real dates and as text ("Jun-24", "TBC", "31.03.2026"); a blank lead now
and then; a multi-line cell; a notes column no field takes. Deterministic (random.Random(42))."""

from __future__ import annotations

import io
import random
from datetime import datetime

HEADER = ("No.", "Priority / Action", "Lead (named)", "Organisation", "Supporting partners", "Start", "Deadline",
          "Q1 RAG", "Q1 Commentary", "Q2 RAG", "Q2 Commentary", "Notes / risks")
THEMES = (("P", "PREPARE: know the problem and be ready"), ("V", "PREVENTION: stop it starting"),
          ("T", "PROTECTION: safeguard those at risk"), ("S", "PURSUE: disrupt and bring to justice"))
LEADS = ("Head of Community Safety", "Schools Liaison Officer", "Youth Service Manager", "Exploitation Lead",
         "Service Manager", "DPO", None)
AGENCIES = ("Westhaven Council", "Police", "Children's Services", "Safeguarding Partnership", "Hospital Trust",
            "Youth Offending Team")
PARTNERS = ("Police; ICB; YOT", "Schools; Hospital Trust", "All", "Education", "VCS", "Police; Health", None)
VERBS = ("Deliver", "Commission", "Agree", "Train", "Refresh", "Review", "Pilot", "Extend")
OBJECTS = ("knife crime awareness sessions in every secondary school", "detached youth work in hotspot wards",
           "the exploitation screening tool and referral pathway", "return home interviews within 72 hours",
           "an information sharing agreement covering schools and health", "the strategic needs assessment")
RAGS = ("G", "A", "R", "Green", "Amber", "Red", "A/G", "g", "amber")
STARTS = ("Jun-24", "Apr 24", "Q2 2024/25")
DEADLINES = ("TBC", "Ongoing", "31.03.2026", "End Q4 24/25")
COMMENTS = ("On track; figures shared with the board.", "Draft out for comment.",
            "Two partners still to sign.\nChased 03/10.", "Funding gap – posts vacant.", "655 trained; on track.")


def council_workbook(actions: int, seed: int = 42) -> bytes:
    """`actions` action rows under four theme banners, as an .xlsx file's bytes."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.title = "Action Plan 2024-26"
    sheet.append(["OFFICIAL-SENSITIVE"])
    sheet.append(["Westhaven Serious Violence & Exploitation Partnership – Delivery Plan 2024-26 "
                  "(v3.2, updated for Strategic Board 14/10/2025)"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    sheet.append([])
    sheet.append(list(HEADER))
    per_theme = -(-actions // len(THEMES))
    written = 0
    for letter, banner in THEMES:
        if written >= actions:
            break
        sheet.append([banner])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(HEADER))
        for number in range(1, min(per_theme, actions - written) + 1):
            start = (datetime(2024, rng.randint(4, 12), 1) if rng.random() < 0.8 else rng.choice(STARTS))
            deadline = (datetime(rng.choice((2025, 2026)), rng.randint(1, 12), 28) if rng.random() < 0.8
                        else rng.choice(DEADLINES))
            sheet.append([f"{letter}{number}", f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} ({letter}{number})",
                          rng.choice(LEADS), rng.choice(AGENCIES), rng.choice(PARTNERS), start, deadline,
                          rng.choice(RAGS), rng.choice(COMMENTS), rng.choice(RAGS), rng.choice(COMMENTS),
                          "Posts end March" if rng.random() < 0.1 else None])
            written += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
