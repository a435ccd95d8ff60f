"""Pure rules for reading councils' plan spreadsheets: which heading means which field, what a
RAG or a date written any of the usual ways means. No database here; tested as tables."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from plan.vocab import DeliveryStatus, Rag
from plan.workbooks.headers import Vocabulary, normalise

# field -> the words councils head the column with (compared normalised: plan.workbooks.headers)
HEADINGS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "no", "number", "action no", "action number", "action ref", "ref no", "id", "reference", "code",
            "action id", "item", "item no", "objective no", "objective number", "action code"),
    "title": ("action", "actions", "priority action", "title", "action title", "description of action",
              "what we will do", "key action", "activity", "activities", "task", "deliverable", "aim", "aims",
              "objective", "objectives", "actions required", "action required", "what", "what will we do",
              "key actions", "recommendation", "intervention", "commitment", "we will", "action description"),
    "description": ("description", "detail", "details", "how", "further detail", "how we will do it",
                    "how will we do this"),
    "owner": ("lead officer", "lead", "lead named", "owner", "action owner", "responsible officer", "named lead",
              "responsible", "officer", "who", "lead person", "lead contact", "responsible person",
              "responsibility", "accountable officer", "csp lead", "named csp lead", "lead name", "who is responsible"),
    "lead_agency": ("lead agency", "organisation", "agency", "lead organisation", "lead partner", "organization",
                    "lead org", "service", "partner agency", "lead service", "lead body", "responsible agency",
                    "responsible organisation", "lead organisation agency"),
    "partners": ("supporting partners", "partners", "support partners", "partner agencies", "other partners",
                 "supported by", "key partners", "partners involved", "contributing partners"),
    "theme": ("theme", "priority", "strand", "p", "workstream", "pillar", "section", "objective area",
              "themed area", "priority area", "theme area", "strategic priority", "area", "outcome area"),
    "start_date": ("start", "start date", "date started", "begins", "from"),
    "due_date": ("target date", "due", "due date", "deadline", "completion date", "by when", "timescale",
                 "end date", "end", "target completion", "timescales", "date due", "when", "timeframe", "time frame",
                 "target", "completion", "by", "target timescale", "delivery date", "date for completion",
                 "expected completion"),
    "rag": ("rag", "rag status", "rag rating", "status rag", "current rag", "rating", "rag rated"),
    "status": ("status", "delivery status", "progress status", "current status"),
    "commentary": ("progress update", "update", "commentary", "comments", "progress", "latest update",
                   "progress commentary", "comment", "progress to date", "position", "current position",
                   "update on progress", "progress made"),
    "blockers": ("blockers", "barriers", "issues", "issues blockers", "challenges"),
    "support_asked": ("support asked", "support needed", "support required", "support requested",
                      "asks of the board", "help needed"),
    "evidence_url": ("evidence", "evidence link", "link to evidence"),
    "findings": ("finding", "findings", "needs assessment finding", "needs assessment findings", "sna finding",
                 "sna findings", "finding ref", "findings answered"),
}
FIELD_LABELS: dict[str, str] = {
    "ref": "Ref", "title": "Action", "description": "Description", "owner": "Lead officer",
    "lead_agency": "Lead agency", "partners": "Supporting partners", "theme": "Theme", "start_date": "Start date",
    "due_date": "Due date", "rag": "RAG", "status": "Delivery status", "commentary": "Progress update",
    "blockers": "Blockers", "support_asked": "Support asked", "evidence_url": "Evidence link",
    "findings": "Findings",
}
VOCABULARY = Vocabulary(HEADINGS, FIELD_LABELS, key_fields=("title", "ref"),
                        contains=("support_asked", "rag", "blockers", "due_date", "start_date", "lead_agency", "owner",
                                "commentary"))
PERIOD_FIELDS = ("rag", "commentary", "status", "blockers", "support_asked")  # may come once per period


def heading_words(text: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


@dataclass(frozen=True)
class Period:
    """A reporting period named in a heading ("Q1", "Q2 2024/25", "Jun-25")."""

    label: str  # "2024/25 Q1", or "Q1" when the heading gives no year
    order: tuple[int, int]  # (financial year start or 0, quarter/month index)
    year: int | None  # the financial year it starts in, when known
    quarter: int | None
    month: int | None = None

    def end(self, default_year: int) -> date:
        """Last day of the period; a quarter is of the UK financial year (Q1 = April to June)."""
        year = self.year if self.year is not None else default_year
        if self.quarter:
            last_month = 3 * self.quarter + 3
            y = year + (last_month - 1) // 12
            m = (last_month - 1) % 12 + 1
            return date(y, m, monthrange(y, m)[1])
        assert self.month is not None
        return date(year, self.month, monthrange(year, self.month)[1])

    def named(self, default_year: int) -> str:
        year = self.year if self.year is not None else default_year
        if self.quarter:
            return f"{year}/{(year + 1) % 100:02d} Q{self.quarter}"
        return f"{year}-{self.month:02d}"


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec"), start=1)}


def _fy_from(text: str) -> int | None:
    """'2024/25', '24/25', '2024-25', '2024' -> 2024 (the financial year's first calendar year)."""
    found = re.search(r"\b(20\d\d|\d\d)\s*[/-]\s*(20\d\d|\d\d)\b", text)
    if found:
        first = int(found.group(1))
        return first + 2000 if first < 100 else first
    found = re.search(r"\b(20\d\d)\b", text)
    return int(found.group(1)) if found else None


def period_in(text: object) -> Period | None:
    """The period a heading names, if any: 'Q1 RAG', 'RAG (Q2)', 'Update Q3 2024/25', 'Jun-25 update'."""
    raw = str(text or "").lower()
    quarter = re.search(r"\bq\s*([1-4])\b", raw)
    if quarter:
        q = int(quarter.group(1))
        year = _fy_from(raw)
        # 'Q3 2025' with no second year: read as the financial year starting that calendar year
        label = f"{year}/{(year + 1) % 100:02d} Q{q}" if year else f"Q{q}"
        return Period(label=label, order=(year or 0, q), year=year, quarter=q)
    month = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\s\-/']*(20\d\d|\d\d)\b", raw)
    if month:
        m, y = _MONTHS[month.group(1)], int(month.group(2))
        y = y + 2000 if y < 100 else y
        return Period(label=f"{y}-{m:02d}", order=(y - (1 if m < 4 else 0), (m - 4) % 12 // 3 + 1), year=y,
                      quarter=None, month=m)
    return None


_PERIOD_WORDS = re.compile(r"\bq\s*[1-4]\b|\b20\d\d\b|\b\d\d\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                           r"[a-z]*\b")


def classify_heading(text: object) -> tuple[str | None, str, str]:
    """(field, period label, how it was matched) a heading means; (None, '', '') for a column no
    field takes (kept with the action)."""
    period = period_in(text)
    raw = str(text or "")
    tries = [normalise(raw), normalise(re.sub(r"\([^)]*\)", " ", raw))]
    for words in tries:
        if period is not None:  # 'Q1 RAG' reads as 'rag', 'Update (Q2)' as 'update'
            words = " ".join(_PERIOD_WORDS.sub(" ", words).split())
        key, how = VOCABULARY.field_for(words)
        if key is None:
            continue
        if period is not None and key in PERIOD_FIELDS:
            return key, period.label, how
        return key, "", how
    return None, "", ""


def match_heading(text: object) -> tuple[str | None, Period | None]:
    """(field, period) a heading means; (None, None) for a column no field takes."""
    key, label, _ = classify_heading(text)
    return key, (period_in(text) if label else None)


# ---------------------------------------------------------------- RAG words


@dataclass(frozen=True)
class Reading:
    """What a cell was read as: a value, and a warning (interpreted) or an error (cannot be)."""

    value: object = None
    warning: str = ""
    error: str = ""


_RAG_WORDS = {
    "r": Rag.RED, "red": Rag.RED, "off track": Rag.RED,
    "a": Rag.AMBER, "amber": Rag.AMBER, "at risk": Rag.AMBER, "delayed": Rag.AMBER, "slipped": Rag.AMBER,
    "orange": Rag.AMBER, "yellow": Rag.AMBER,
    "g": Rag.GREEN, "green": Rag.GREEN, "on track": Rag.GREEN,
    "b": Rag.BLUE, "blue": Rag.BLUE, "complete": Rag.BLUE, "completed": Rag.BLUE, "done": Rag.BLUE,
    "achieved": Rag.BLUE, "delivered": Rag.BLUE,
}
_NOT_RATED = {"", "n a", "na", "tbc", "not assessed", "not yet assessed", "none", "not rated", "not started",
              "not yet started", "not yet due", "pending", "to start", "no update"}
_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE]


def parse_rag(value: object) -> Reading:
    """A RAG however it was written: 'A', 'amber', 'Amber/Green', 'A/G', 'In progress (amber)',
    'Complete'. A split rating is read as the worse of the two (warned); blank is no rating."""
    raw = " ".join(str(value if value is not None else "").split())
    words = heading_words(raw)
    if words in _NOT_RATED:
        return Reading(None, f"'{raw}' is not a rating: no RAG taken." if words else "")
    if words in _RAG_WORDS:
        rag = _RAG_WORDS[words]
        is_word = words == rag.value
        return Reading(rag.value, "" if is_word or len(words) == 1 else f"'{raw}' read as {rag.label}.")
    bracket = re.search(r"\(([^)]*)\)", raw)
    if bracket and heading_words(bracket.group(1)) in _RAG_WORDS:
        rag = _RAG_WORDS[heading_words(bracket.group(1))]
        return Reading(rag.value, f"'{raw}' read as {rag.label}.")
    parts = [p for p in re.split(r"\s*[/\\-]\s*|\s+to\s+|\s+", raw.lower()) if p]
    if len(parts) == 2 and all(p in _RAG_WORDS for p in parts):
        first, second = (_RAG_WORDS[p] for p in parts)
        if Rag.BLUE in (first, second) and first != second:  # 'B/G': complete in part; Blue needs it all
            rag = first if second == Rag.BLUE else second
        else:
            rag = min(first, second, key=_ORDER.index)
        return Reading(rag.value, f"'{raw}' is between two ratings: read as {rag.label} (the more cautious).")
    return Reading(None, error=f"RAG '{raw}' is not a rating: write Red, Amber, Green or Blue (or R, A, G, B).")


_STATUS_WORDS = {
    "not started": DeliveryStatus.NOT_STARTED, "not yet started": DeliveryStatus.NOT_STARTED,
    "in progress": DeliveryStatus.IN_PROGRESS, "ongoing": DeliveryStatus.IN_PROGRESS,
    "on track": DeliveryStatus.IN_PROGRESS, "started": DeliveryStatus.IN_PROGRESS, "live": DeliveryStatus.IN_PROGRESS,
    "underway": DeliveryStatus.IN_PROGRESS, "under way": DeliveryStatus.IN_PROGRESS,
    "complete": DeliveryStatus.COMPLETE, "completed": DeliveryStatus.COMPLETE, "done": DeliveryStatus.COMPLETE,
    "delivered": DeliveryStatus.COMPLETE, "achieved": DeliveryStatus.COMPLETE,
    "closed": DeliveryStatus.CLOSED, "deferred": DeliveryStatus.DEFERRED, "on hold": DeliveryStatus.DEFERRED,
    "paused": DeliveryStatus.DEFERRED, "postponed": DeliveryStatus.DEFERRED,
}


def parse_status(value: object) -> Reading:
    raw = " ".join(str(value if value is not None else "").split())
    words = heading_words(raw)
    if not words:
        return Reading(None)
    if words in _STATUS_WORDS:
        status = _STATUS_WORDS[words]
        return Reading(status.value, "" if words == status.value.replace("_", " ") else
                       f"status '{raw}' read as {status.label}.")
    for word, status in _STATUS_WORDS.items():
        if re.search(rf"\b{word}\b", words):
            return Reading(status.value, f"status '{raw}' read as {status.label}.")
    return Reading(None, error=f"Status '{raw}' is not one of: "
                               + ", ".join(s.label for s in DeliveryStatus) + ".")


# ---------------------------------------------------------------- dates

_NO_DATE = {"tbc", "tbd", "ongoing", "n a", "na", "none", "various", "continuous", "to be confirmed", "rolling",
            "annual", "annually", "as required"}
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: object, *, end: bool = True) -> Reading:
    """A date written any of the usual ways. `end`: a month or quarter means its last day (a due
    date); otherwise its first (a start date). 'TBC', 'Ongoing': no date, warned."""
    if value is None:
        return Reading(None)
    if isinstance(value, datetime):
        return Reading(value.date())
    if isinstance(value, date):
        return Reading(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:
            day = _EXCEL_EPOCH + timedelta(days=int(value))
            return Reading(day, f"{value:g} read as an Excel date: {day:%d %b %Y}.")
        return Reading(None, error=f"'{value:g}' is not a date.")
    raw = " ".join(str(value).split())
    words = heading_words(raw)
    if not words:
        return Reading(None)
    if words in _NO_DATE:
        return Reading(None, f"'{raw}' is not a date: left without one.")
    if re.fullmatch(r"\d{4,5}(\.0+)?", raw):
        return parse_date(float(raw), end=end)
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", raw)
    if found:
        return _day(raw, int(found.group(1)), int(found.group(2)), int(found.group(3)))
    found = re.fullmatch(r"(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})", raw)
    if found:  # day first, as the UK writes it
        year = int(found.group(3))
        return _day(raw, year + 2000 if year < 100 else year, int(found.group(2)), int(found.group(1)))
    found = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)[\s\-,]+(\d{2}|\d{4})", raw.lower())
    if found and found.group(2)[:3] in _MONTHS:
        year = int(found.group(3))
        return _day(raw, year + 2000 if year < 100 else year, _MONTHS[found.group(2)[:3]], int(found.group(1)))
    period = period_in(raw)
    if period is not None and (period.year is not None):
        text = raw.lower()
        first = period.end(period.year)
        if period.quarter:
            start = date(first.year, first.month - 2, 1)
        else:
            start = date(first.year, first.month, 1)
        day = first if end or "end" in text else start
        how = "its last day" if day == first else "its first day"
        extra = ""
        if period.quarter and not re.search(r"\d\d\s*[/-]\s*\d\d", text):
            extra = f" (Q{period.quarter} of the financial year {period.year}/{(period.year + 1) % 100:02d})"
        return Reading(day, f"'{raw}' read as {day:%d %b %Y}, {how}{extra}.")
    return Reading(None, error=f"'{raw}' is not a date: write it as 31/03/2026, Mar-26 or Q4 2025/26.")


def _day(raw: str, year: int, month: int, day: int) -> Reading:
    try:
        return Reading(date(year, month, day))
    except ValueError:
        return Reading(None, error=f"'{raw}' is not a real date.")


def one_line(value: object) -> str:
    """A multi-line cell as one line (titles, names)."""
    return " ".join(str(value if value is not None else "").split())


def cell_text(value: object) -> str:
    """A cell as text, keeping its lines (commentary)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    lines = [" ".join(line.split()) for line in str(value).replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line).strip()
