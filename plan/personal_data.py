"""Spotting text that looks like personal data, which does not belong in a plan.

A plan records what partners do, not intelligence about named people. Free text is checked
for NHS numbers, UK phone numbers, dates of birth, email addresses of people who are not users,
and vehicle registrations. The plan's policy decides: warn (the writer confirms) or refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, select

from models import Person, Plan
from plan.errors import InvalidInput, PlanError

_NHS = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_PHONE = re.compile(
    r"(?<![\d+])(?:\+44\s?\(?0?\)?\s?|0)"  # +44 or a leading 0
    r"(?:7\d{3}\s?\d{3}\s?\d{3}|[1-3]\d{2,3}\s?\d{3}\s?\d{3,4})(?!\d)"  # mobile, or landline
)
_DOB = re.compile(
    r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*[:\-]?\s*"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4})",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
_VEHICLE = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b")


class PersonalDataWarning(PlanError):
    """The text may hold personal data; the writer must confirm it does not."""


def _nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit, so ordinary 10-digit figures are not flagged."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def findings(text: str, *, known_emails: Iterable[str] = ()) -> list[str]:
    """What in the text looks like personal data, in words for the writer."""
    found: list[str] = []
    for match in _NHS.finditer(text):
        if _nhs_number_valid("".join(match.groups())):
            found.append(f"an NHS number ({match.group(0)})")
    for match in _PHONE.finditer(text):
        found.append(f"a phone number ({match.group(0).strip()})")
    for match in _DOB.finditer(text):
        found.append(f"a date of birth ({match.group(0)})")
    known = {e.lower() for e in known_emails}
    for match in _EMAIL.finditer(text):
        if match.group(0).lower() not in known:
            found.append(f"an email address of someone who is not a user ({match.group(0)})")
    for match in _VEHICLE.finditer(text):
        found.append(f"a vehicle registration ({match.group(0)})")
    return found


def check(fields: dict[str, str], *, policy: str, confirmed: bool, known_emails: Iterable[str] = ()) -> None:
    """Raise when the fields look like they hold personal data: InvalidInput under a refuse
    policy; PersonalDataWarning under warn, unless the writer has confirmed."""
    known = list(known_emails)
    problems = [f"{label}: {item}" for label, text in fields.items() if text
                for item in findings(text, known_emails=known)]
    if not problems:
        return
    listed = "; ".join(problems)
    if policy == "refuse":
        raise InvalidInput(f"This looks like personal data, which this plan does not hold: {listed}. "
                           "Remove it and describe the work instead.")
    if not confirmed:
        raise PersonalDataWarning(f"This may be personal data: {listed}. Plans hold what partners do, not "
                                  "details of people. Remove it, or confirm it is not personal data.")


def check_plan_text(session: Session, *, plan_id: int, fields: dict[str, str], confirmed: bool) -> None:
    """`check` under the plan's own policy, with the deployment's users' emails as known."""
    plan = session.get(Plan, plan_id)
    check(fields, policy=plan.personal_data_policy if plan else "warn", confirmed=confirmed,
          known_emails=session.exec(select(Person.email)).all())


def checked_text(session: Session, *, plan_id: int, label: str, text: str, limit: int = 2000,
                 missing: str = "", confirmed: bool = False) -> str:
    """A free-text field made ready to store: stripped, required when `missing` says why, within
    its length limit, and checked for personal data under the plan's policy."""
    text = text.strip()
    if not text and missing:
        raise InvalidInput(missing)
    if len(text) > limit:
        raise InvalidInput(f"{label} is {len(text):,} characters; the most allowed is {limit:,}. Shorten it.")
    check_plan_text(session, plan_id=plan_id, fields={label: text}, confirmed=confirmed)
    return text
