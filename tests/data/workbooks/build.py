"""Build the corpus of plan workbooks in the shapes real published plans use (see README.md here
for each shape's source). Each shape is made up (fictional places and people) and written by
openpyxl, never a hand-made binary; each comes with what the import must store for every
action, cell by cell, as the sheet writes it.

    python -m tests.data.workbooks.build OUT_DIR    # writes every workbook to OUT_DIR
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill


@dataclass
class C:
    """A cell with a fill ('RRGGBB') and/or bold."""

    value: Any = None
    fill: str | None = None
    bold: bool = False


@dataclass
class Expected:
    ref: str
    title: str
    theme: str
    owner: str = ""
    agency: str | None = None
    partners: frozenset[str] = frozenset()
    named: str = ""
    start: date | None = None
    due: date | None = None
    frequency: str | None = None
    rag: str = "not_assessed"
    status: str = "not_started"


@dataclass
class Shape:
    name: str  # the file name
    source: str  # the published plan whose shape it takes
    rows: list[list[Any]]
    actions: list[Expected]
    plan_name: str
    marking: str = "OFFICIAL-SENSITIVE"
    themes: list[str] = field(default_factory=list)
    width: int = 8
    banners: tuple[int, ...] = ()  # 1-based rows merged across the table

    def content(self) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = "Action plan"
        for r, row in enumerate(self.rows, 1):
            for c, cell in enumerate(row, 1):
                made = cell if isinstance(cell, C) else C(cell)
                if made.value is None and made.fill is None:
                    continue
                target = sheet.cell(r, c, made.value)
                if made.fill:
                    target.fill = PatternFill("solid", fgColor=made.fill)
                if made.bold:
                    target.font = Font(bold=True)
        for r in self.banners:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=self.width)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _bold(*values: Any) -> list[C]:
    return [C(v, bold=True) for v in values]


# 1. London violence and vulnerability reduction action plan: 8 themed areas (a banner each), the
#    minimum standards first, named CSP leads and lead organisations ("LBW / MPS"), timescales in
#    words, RAG words including "Complete" and "Not yet started".
LONDON = Shape(
    name="london_vvrap.xlsx",
    source="Bexley Violence and Vulnerability Reduction Action Plan (bexley.gov.uk): the pan-London template of "
           "London Councils, MPS and the VRU, with three minimum standards and eight themed areas",
    width=8,
    rows=[
        ["OFFICIAL-SENSITIVE"],
        ["Appendix 3"],
        ["Wexbridge Violence and Vulnerability Reduction Action Plan 2024/25"],
        ["Refreshed for the Safer Wexbridge Partnership Board, 12/09/2024"],
        [],
        _bold("Ref", "Action(s)", "Outcome(s)", "NAMED CSP LEAD(S)", "LEAD ORGANISATION(S)", "Timescale", "RAG",
              "Progress update"),
        ["Minimum standards"],
        ["MS1", "Board agendas carry knife, gun and serious violence performance as standing items",
         "Board sighted on violence trends", "Head of Community Safety", "LBW", "Quarterly", "Green",
         "Standing item since April."],
        ["MS2", "Monthly violent crime tasking meeting with a violence intelligence briefing", "Hotspots tasked",
         "Superintendent, Neighbourhoods", "MPS / LBW", "Monthly", "Green", "Meets on the 2nd Tuesday."],
        ["Theme 1: Governance"],
        ["1.1", "Refresh the joint strategic assessment to include serious youth violence",
         "An assessment the board signs off", "Community Safety Analyst", "LBW", "End Q3", "Complete",
         "Signed off at Board 05/12/2024."],
        ["Theme 2: Analysis and enforcement"],
        ["2.1", "Target habitual knife carriers through weekly offender management", "Fewer repeat carriers",
         "DI Violent Crime", "MPS", "Weekly", "Amber", "Two of three posts filled."],
        ["Theme 3: Reducing access to weapons"],
        ["3.1", "Test purchase operations with trading standards", "No underage sales",
         "Trading Standards Manager", "LBW / MPS", "2024/25", "Not yet started", ""],
        ["Theme 4: Safeguarding and educating young people"],
        ["4.1", "Deliver weapons awareness sessions in every secondary school", "Every school reached",
         "Schools Officer\nYouth Service Lead", "MPS / LBW / Wexbridge Schools", "Q3 2024/25", "Green",
         "9 of 12 schools done."],
        ["Theme 5: Working with communities"],
        ["5.1", "Community weapons sweeps with residents' groups", "Weapons removed from parks",
         "Neighbourhood Inspector", "MPS", "Ongoing", "Green", "Sweeps in 4 wards."],
        ["Theme 6: Supporting victims"],
        ["6.1", "Hospital-based youth workers at Wexbridge General", "Victims engaged in A&E",
         "Youth Service Manager", "LBW / NHS Trust", "Jan 2025 - Mar 2026", "Amber", "Recruiting."],
        ["Theme 7: Positive diversion"],
        ["7.1", "Summer diversion programme in hotspot wards", "Fewer first-time entrants",
         "Youth Offending Service Manager", "YOS", "Annual", "Green", "Booked."],
        ["Theme 8: Tackling violence against women and girls"],
        ["8.1", "Walk and talk sessions with women and girls", "Safer routes identified",
         "VAWG Coordinator", "LBW / MPS", "Bi-annual", "Red", "Paused: no officer available."],
    ],
    banners=(7, 10, 12, 14, 16, 18, 20, 22, 24),
    plan_name="Wexbridge Violence and Vulnerability Reduction Action Plan 2024/25",
    themes=["Minimum standards", "Governance", "Analysis and enforcement", "Reducing access to weapons",
            "Safeguarding and educating young people", "Working with communities", "Supporting victims",
            "Positive diversion", "Tackling violence against women and girls"],
    actions=[
        Expected("MS1", "Board agendas carry knife, gun and serious violence performance as standing items",
                 "Minimum standards", "Head of Community Safety", "LBW", frequency="quarterly", rag="green",
                 status="in_progress"),
        Expected("MS2", "Monthly violent crime tasking meeting with a violence intelligence briefing",
                 "Minimum standards", "Superintendent, Neighbourhoods", "MPS", frozenset({"LBW"}),
                 frequency="monthly", rag="green", status="in_progress"),
        Expected("1.1", "Refresh the joint strategic assessment to include serious youth violence", "Governance",
                 "Community Safety Analyst", "LBW", due=date(2024, 12, 31), rag="blue", status="complete"),
        Expected("2.1", "Target habitual knife carriers through weekly offender management",
                 "Analysis and enforcement", "DI Violent Crime", "MPS", frequency="weekly", rag="amber",
                 status="in_progress"),
        Expected("3.1", "Test purchase operations with trading standards", "Reducing access to weapons",
                 "Trading Standards Manager", "LBW", frozenset({"MPS"}), due=date(2025, 3, 31)),
        Expected("4.1", "Deliver weapons awareness sessions in every secondary school",
                 "Safeguarding and educating young people", "Schools Officer", "MPS",
                 frozenset({"LBW", "Wexbridge Schools"}), named="Youth Service Lead", due=date(2024, 12, 31),
                 rag="green", status="in_progress"),
        Expected("5.1", "Community weapons sweeps with residents' groups", "Working with communities",
                 "Neighbourhood Inspector", "MPS", frequency="ongoing", rag="green", status="in_progress"),
        Expected("6.1", "Hospital-based youth workers at Wexbridge General", "Supporting victims",
                 "Youth Service Manager", "LBW", frozenset({"NHS Trust"}), start=date(2025, 1, 1),
                 due=date(2026, 3, 31), rag="amber", status="in_progress"),
        Expected("7.1", "Summer diversion programme in hotspot wards", "Positive diversion",
                 "Youth Offending Service Manager", "YOS", frequency="annual", rag="green", status="in_progress"),
        Expected("8.1", "Walk and talk sessions with women and girls", "Tackling violence against women and girls",
                 "VAWG Coordinator", "LBW", frozenset({"MPS"}), frequency="bi-annual", rag="red",
                 status="in_progress"),
    ],
)

# 2. A VAWG partnership action plan whose only RAG is the colour of the progress cell, with a
#    colour key under the table; "No." / "Aims" / "Lead" / "Target Date"; leads are organisations.
_G, _A, _R, _B = "66CC66", "FFCC33", "FF6666", "6699FF"  # the plan's own shades, as its key shows
VAWG = Shape(
    name="vawg_colour_rag.xlsx",
    source="Bexley Community Safety Partnership VAWG Strategy 2024-2028, Appendix B: BCSP VAWG Partnership "
           "Action Plan (bexley.gov.uk): No. / Aims / Lead / Target Date, 'November annually', 'LBB / Met', and "
           "a colour-coded monitoring system",
    width=5,
    rows=[
        ["Appendix B - Wexbridge VAWG Partnership Action Plan 2024-2028"],
        [],
        _bold("No.", "Aims", "Lead", "Target Date", "Progress"),
        [1, "Update the Wexbridge VAWG Strategy", "LBW", "Apr-28", C("Drafting begins 2027.", _G)],
        [2, "Raise awareness of VAWG across the borough, including the 16 days of action", "LBW",
         "November annually", C("Campaign planned.", _G)],
        [3, "Define referral processes for VAWG cases", "LBW / Met", "Apr-25", C("Pathway agreed.", _B)],
        [4, "Promote data collection platforms and analyse their returns", "LBW / Met", "Apr-25",
         C("Low returns so far.", _A)],
        [5, "Deliver VAWG training for Wexbridge professionals", "LBW", "Sept 2025", C("Trainer not found.", _R)],
        [6, "Expand the VAWG working group to frontline workers", "LBW", "Ongoing", C("", None)],
        [],
        ["Key"],
        [C(None, _G), "Green - on track"],
        [C(None, _A), "Amber - some delay"],
        [C(None, _R), "Red - off track"],
        [C(None, _B), "Blue - complete"],
    ],
    plan_name="Wexbridge VAWG Partnership Action Plan 2024-2028",
    marking="OFFICIAL-SENSITIVE",
    themes=["Wexbridge VAWG Partnership Action Plan 2024-2028"],
    actions=[
        Expected("1", "Update the Wexbridge VAWG Strategy", "Wexbridge VAWG Partnership Action Plan 2024-2028", "",
                 "LBW", due=date(2028, 4, 30), rag="green", status="in_progress"),
        Expected("2", "Raise awareness of VAWG across the borough, including the 16 days of action",
                 "Wexbridge VAWG Partnership Action Plan 2024-2028", "", "LBW", frequency="annual (November)",
                 rag="green", status="in_progress"),
        Expected("3", "Define referral processes for VAWG cases", "Wexbridge VAWG Partnership Action Plan 2024-2028",
                 "", "LBW", frozenset({"Met"}), due=date(2025, 4, 30), rag="blue", status="complete"),
        Expected("4", "Promote data collection platforms and analyse their returns",
                 "Wexbridge VAWG Partnership Action Plan 2024-2028", "", "LBW", frozenset({"Met"}),
                 due=date(2025, 4, 30), rag="amber", status="in_progress"),
        Expected("5", "Deliver VAWG training for Wexbridge professionals",
                 "Wexbridge VAWG Partnership Action Plan 2024-2028", "", "LBW", due=date(2025, 9, 30), rag="red",
                 status="in_progress"),
        Expected("6", "Expand the VAWG working group to frontline workers",
                 "Wexbridge VAWG Partnership Action Plan 2024-2028", "", "LBW", frequency="ongoing"),
    ],
)

# 3. An older safeguarding adults board business plan: numbered objectives as banners, numbered
#    actions (1.1, 1.10), named people (several in one cell), "By when" in months and words.
SAFEGUARDING = Shape(
    name="safeguarding_business_plan.xlsx",
    source="Buckinghamshire Safeguarding Adults Board Business Plan 2018-2020 (docest.com copy): strategic "
           "objectives numbered, actions under each, named leads by initials, a glossary of groups",
    width=7,
    rows=[
        ["Wexbridge Safeguarding Adults Board"],
        ["Business Plan 2018 - 2020"],
        ["Version 1 March 2018"],
        [],
        _bold("No.", "What we will do", "How we will do it", "Lead", "By when", "RAG", "Progress"),
        ["Objective 1: Prevention and early intervention"],
        ["1.1", "Publish a prevention strategy", "Task and finish group of the board", "Board Manager",
         "Sept 2018", "G", "Draft out."],
        ["1.2", "Run an awareness week for scams", "With trading standards and banks",
         "Nicola Barnes\nMarcus Stone", "Dec-18", "A", "Banks slow to respond."],
        ["1.10", "Report prevention activity to the board", "", "Board Manager", "Bi-annual", "G", "Reported."],
        ["Objective 2: Making safeguarding personal"],
        ["2.1", "Audit making safeguarding personal in case files", "Quality and Performance subgroup",
         "Chair, Q&P Subgroup", "March 2019", "R", "Auditors not yet released."],
        ["2.2", "Publish the annual report", "", "Board Manager", "Annual", "B", "Published September."],
    ],
    banners=(6, 10),
    plan_name="Business Plan 2018 - 2020",
    marking="",
    themes=["Prevention and early intervention", "Making safeguarding personal"],
    actions=[
        Expected("1.1", "Publish a prevention strategy", "Prevention and early intervention", "Board Manager",
                 due=date(2018, 9, 30), rag="green", status="in_progress"),
        Expected("1.2", "Run an awareness week for scams", "Prevention and early intervention", "Nicola Barnes",
                 named="Marcus Stone", due=date(2018, 12, 31), rag="amber", status="in_progress"),
        Expected("1.10", "Report prevention activity to the board", "Prevention and early intervention",
                 "Board Manager", frequency="bi-annual", rag="green", status="in_progress"),
        Expected("2.1", "Audit making safeguarding personal in case files", "Making safeguarding personal",
                 "Chair, Q&P Subgroup", due=date(2019, 3, 31), rag="red", status="in_progress"),
        Expected("2.2", "Publish the annual report", "Making safeguarding personal", "Board Manager",
                 frequency="annual", rag="blue", status="complete"),
    ],
)

# 4. A community safety strategy's action plan with the header repeated under each priority
#    banner (the first banner above the first header), headings in capitals with "(S)", "WHEN",
#    statuses in words (no RAG column).
STRATEGY = Shape(
    name="csp_strategy_repeated_header.xlsx",
    source="Cheshire West and Chester Community Safety Partnership Strategy 2016/2020 (readkong.com copy): "
           "numbered priorities, each with its own table of actions, leads and timescales",
    width=6,
    rows=[
        ["OFFICIAL"],
        ["Safer Wexbridge Community Safety Strategy 2023-26: Action Plan 2023/24"],
        [],
        ["Priority 1: Reducing reoffending"],
        _bold("REF", "ACTION", "LEAD OFFICER(S)", "LEAD AGENCY", "WHEN", "STATUS"),
        ["P1.1", "Integrated offender management cohort reviewed monthly", "IOM Manager", "Probation Service",
         "Monthly", "On track"],
        ["P1.2", "Housing pathway for prison leavers", "Housing Options Manager", "Wexbridge Council", "Q3 2023/24",
         "Complete"],
        [],
        ["Priority 2: Tackling anti-social behaviour"],
        _bold("REF", "ACTION", "LEAD OFFICER(S)", "LEAD AGENCY", "WHEN", "STATUS"),
        ["P2.1", "ASB case review (community trigger) process refreshed", "ASB Coordinator", "Wexbridge Council",
         "End Q4", "Not yet started"],
        ["P2.2", "Town centre public spaces protection order renewed", "Licensing Lead", "Wexbridge Council",
         "2024", "Delayed"],
        [],
        ["Priority 3: Serious violence"],
        _bold("REF", "ACTION", "LEAD OFFICER(S)", "LEAD AGENCY", "WHEN", "STATUS"),
        ["P3.1", "Serious violence duty strategy published and delivered", "Community Safety Manager",
         "Wexbridge Council / Police / ICB", "Jan 2024 - Jan 2026", "On track"],
    ],
    banners=(4, 9, 14),
    plan_name="Safer Wexbridge Community Safety Strategy 2023-26: Action Plan 2023/24",
    marking="OFFICIAL",
    themes=["Reducing reoffending", "Tackling anti-social behaviour", "Serious violence"],
    actions=[
        Expected("P1.1", "Integrated offender management cohort reviewed monthly", "Reducing reoffending",
                 "IOM Manager", "Probation Service", frequency="monthly", rag="green", status="in_progress"),
        Expected("P1.2", "Housing pathway for prison leavers", "Reducing reoffending", "Housing Options Manager",
                 "Wexbridge Council", due=date(2023, 12, 31), rag="blue", status="complete"),
        Expected("P2.1", "ASB case review (community trigger) process refreshed", "Tackling anti-social behaviour",
                 "ASB Coordinator", "Wexbridge Council", due=date(2024, 3, 31)),
        Expected("P2.2", "Town centre public spaces protection order renewed", "Tackling anti-social behaviour",
                 "Licensing Lead", "Wexbridge Council", due=date(2024, 12, 31), rag="amber", status="in_progress"),
        Expected("P3.1", "Serious violence duty strategy published and delivered", "Serious violence",
                 "Community Safety Manager", "Wexbridge Council", frozenset({"Police", "ICB"}),
                 start=date(2024, 1, 1), due=date(2026, 1, 31), rag="green", status="in_progress"),
    ],
)

# 5. A community safety plan appended to a cabinet report: "Appendix 2" alone on the first row,
#    numbers in a column with no heading, an action added with no number.
UNHEADED = Shape(
    name="csp_action_plan_unheaded_numbers.xlsx",
    source="Medway Community Safety Partnership Action Plan 2015/16, Appendix 2 to the cabinet report of "
           "13/01/2015 (democracy.medway.gov.uk): priorities, actions, responsible officers, timescales",
    width=6,
    rows=[
        ["Appendix 2"],
        ["Wexbridge Community Safety Partnership Action Plan 2015/16"],
        [],
        _bold(None, "Action", "Responsible", "Partners", "Timescale", "RAG rating"),
        [1, "Tackle substance and alcohol misuse in the night-time economy", "Licensing Manager",
         "Police, Public Health", "Quarterly", "A"],
        [2, "Reduce anti-social behaviour and envirocrime hotspots", "Neighbourhood Services Manager", "Police",
         "31/03/2016", "G"],
        [None, "Pilot a street pastors scheme", "Community Safety Officer", "Churches Together", "Dec-15", "G"],
        [3, "Reduce reoffending through the integrated offender team", "IOM Lead", "Probation; Police", "2015/16",
         "R"],
        [4, "Cut the number killed or seriously injured on the roads", "Road Safety Manager", "Fire Service",
         "Ongoing", "G"],
    ],
    plan_name="Wexbridge Community Safety Partnership Action Plan 2015/16",
    marking="",
    themes=["Wexbridge Community Safety Partnership Action Plan 2015/16"],
    actions=[
        Expected("1", "Tackle substance and alcohol misuse in the night-time economy",
                 "Wexbridge Community Safety Partnership Action Plan 2015/16", "Licensing Manager",
                 partners=frozenset({"Police", "Public Health"}), frequency="quarterly", rag="amber",
                 status="in_progress"),
        Expected("2", "Reduce anti-social behaviour and envirocrime hotspots",
                 "Wexbridge Community Safety Partnership Action Plan 2015/16", "Neighbourhood Services Manager",
                 partners=frozenset({"Police"}), due=date(2016, 3, 31), rag="green", status="in_progress"),
        Expected("2-1", "Pilot a street pastors scheme", "Wexbridge Community Safety Partnership Action Plan 2015/16",
                 "Community Safety Officer", partners=frozenset({"Churches Together"}), due=date(2015, 12, 31),
                 rag="green", status="in_progress"),
        Expected("3", "Reduce reoffending through the integrated offender team",
                 "Wexbridge Community Safety Partnership Action Plan 2015/16", "IOM Lead",
                 partners=frozenset({"Probation", "Police"}), due=date(2016, 3, 31), rag="red", status="in_progress"),
        Expected("4", "Cut the number killed or seriously injured on the roads",
                 "Wexbridge Community Safety Partnership Action Plan 2015/16", "Road Safety Manager",
                 partners=frozenset({"Fire Service"}), frequency="ongoing", rag="green", status="in_progress"),
    ],
)

# 6. A district CSP plan with its quarterly evaluation: a theme column instead of banners,
#    "Objective" as the action's heading, "Owner" and "Organisation", start and end columns,
#    RAG as letters with fills that agree, the evaluation date in the title.
EVALUATION = Shape(
    name="csp_plan_q3_evaluation.xlsx",
    source="North Kesteven Community Safety Partnership Plan 2008-2011, Q3 evaluation report (vdocuments.mx "
           "copy): a theme per row, objectives with owners and their agencies, start and end dates, RAG letters",
    width=8,
    rows=[
        ["NOT PROTECTIVELY MARKED"],
        ["Wexbridge District Community Safety Partnership Plan 2010/11 - Q3 evaluation"],
        ["Lead: Sgt C. Brookes, Wexshire Police and J. Wills, Wexbridge District Council"],
        _bold("Theme", "Ref", "Objective", "Owner", "Organisation", "Start", "End", "RAG"),
        ["Anti-social behaviour", "ASB-01", "Multi-agency problem solving group for repeat locations",
         "Sgt C. Brookes", "Wexshire Police", "Apr-10", "Mar-11", C("G", "00B050")],
        ["Anti-social behaviour", "ASB-02", "Youth shelters in two villages", "J. Wills",
         "Wexbridge District Council", "Jun-10", "Q4 2010/11", C("A", "FFC000")],
        ["Domestic abuse", "DA-01", "Independent domestic violence adviser for the district", "J. Wills",
         "Wexbridge District Council", "01/04/2010", "Ongoing", C("G", "00B050")],
        ["Domestic abuse", "DA-02", "Sanctuary scheme for victims at risk of repeat", "Housing Officer",
         "Wexbridge Homes", "Sept 2010", "2011", C("R", "FF0000")],
    ],
    plan_name="Wexbridge District Community Safety Partnership Plan 2010/11 - Q3 evaluation",
    marking="NOT PROTECTIVELY MARKED",
    themes=["Anti-social behaviour", "Domestic abuse"],
    actions=[
        Expected("ASB-01", "Multi-agency problem solving group for repeat locations", "Anti-social behaviour",
                 "Sgt C. Brookes", "Wexshire Police", start=date(2010, 4, 1), due=date(2011, 3, 31), rag="green",
                 status="in_progress"),
        Expected("ASB-02", "Youth shelters in two villages", "Anti-social behaviour", "J. Wills",
                 "Wexbridge District Council", start=date(2010, 6, 1), due=date(2011, 3, 31), rag="amber",
                 status="in_progress"),
        Expected("DA-01", "Independent domestic violence adviser for the district", "Domestic abuse", "J. Wills",
                 "Wexbridge District Council", start=date(2010, 4, 1), frequency="ongoing", rag="green",
                 status="in_progress"),
        Expected("DA-02", "Sanctuary scheme for victims at risk of repeat", "Domestic abuse", "Housing Officer",
                 "Wexbridge Homes", start=date(2010, 9, 1), due=date(2011, 12, 31), rag="red",
                 status="in_progress"),
    ],
)

# 7. For the journey: a plan whose action column has a heading the app cannot know ("Piece of
#    work"), so the secretariat says what it is on the page; dates as real dates.
JOURNEY = Shape(
    name="messy_partnership_plan.xlsx",
    source="made for the browser journey, in the shape of the London template above with a heading of its own",
    width=5,
    rows=[
        ["OFFICIAL-SENSITIVE"],
        ["Wexbridge Youth Violence Delivery Plan 2025/26"],
        [],
        _bold("Ref", "Piece of work", "Lead officer", "Due", "RAG"),
        ["Prevention"],
        ["Y1", "Mentoring for young people excluded from school", "Inclusion Manager", datetime(2026, 3, 31),
         "Amber"],
        ["Y2", "Detached youth work on Friday nights", "Youth Service Manager", "Ongoing", "Green"],
        ["Enforcement"],
        ["Y3", "Knife arches at the station on event days", "Neighbourhood Inspector", "Q3 2025/26", "Green"],
    ],
    banners=(5, 8),
    plan_name="Wexbridge Youth Violence Delivery Plan 2025/26",
    themes=["Prevention", "Enforcement"],
    actions=[
        Expected("Y1", "Mentoring for young people excluded from school", "Prevention", "Inclusion Manager",
                 due=date(2026, 3, 31), rag="amber", status="in_progress"),
        Expected("Y2", "Detached youth work on Friday nights", "Prevention", "Youth Service Manager",
                 frequency="ongoing", rag="green", status="in_progress"),
        Expected("Y3", "Knife arches at the station on event days", "Enforcement", "Neighbourhood Inspector",
                 due=date(2025, 12, 31), rag="green", status="in_progress"),
    ],
)

PUBLISHED = [LONDON, VAWG, SAFEGUARDING, STRATEGY, UNHEADED, EVALUATION]  # each imports as published
ALL = [*PUBLISHED, JOURNEY]


def build(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for shape in ALL:
        path = folder / shape.name
        path.write_bytes(shape.content())
        made[shape.name] = path
    return made


if __name__ == "__main__":
    for name, path in build(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).items():
        print(f"{name}: {path}")
