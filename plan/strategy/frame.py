"""The local definition of serious violence (versions appended, never overwritten) and the
strategic needs assessment the findings come from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from models import Agency, NeedsAssessment, Plan, ViolenceDefinition
from plan import audit
from plan.errors import InvalidFields, NotFound
from plan.identity import Actor
from plan.permissions import require
from plan.text import clean

MAX_DEFINITION = 5000


def _plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    return plan


def day_of(value: Any, field: str, label: str, problems: dict[str, str], *, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            problems[field] = f"Give the {label} (a date, e.g. 31/03/2027)."
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    problems[field] = f"'{value}' is not a date; write the {label} as DD/MM/YYYY or YYYY-MM-DD."
    return None


def record_definition(session: Session, *, user: Actor, plan_id: int, text: str, agreed_on: Any,
                      note: str = "") -> dict[str, Any]:
    """Append a new version of the local definition of serious violence (the earlier ones stay,
    dated). Secretariat only. Raises NotAllowed, NotFound, InvalidFields (text, agreed_on)."""
    require(user, "strategy.edit")
    _plan(session, plan_id)
    problems: dict[str, str] = {}
    words = clean(text or "").strip()
    if not words:
        problems["text"] = "Write the definition the partnership agreed: which violence the strategy is about."
    elif len(words) > MAX_DEFINITION:
        problems["text"] = f"The definition is {len(words):,} characters; the most allowed is {MAX_DEFINITION:,}."
    day = day_of(agreed_on, "agreed_on", "date the partnership agreed it", problems, required=True)
    current = session.exec(select(ViolenceDefinition).where(ViolenceDefinition.plan_id == plan_id)
                           .order_by(ViolenceDefinition.version.desc())).first()
    if current is not None and day is not None and day < current.agreed_on:
        problems["agreed_on"] = (f"Version {current.version} was agreed on {current.agreed_on:%d %b %Y}; a new "
                                 "version cannot be agreed before it.")
    if current is not None and words and words == current.text and not problems:
        problems["text"] = f"This is the wording of version {current.version} already; change it or leave it."
    if problems:
        raise InvalidFields(problems)
    row = ViolenceDefinition(plan_id=plan_id, version=(current.version + 1) if current else 1, text=words,
                             agreed_on=day, note=clean(note or "").strip()[:2000], recorded_by=user.name)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, event="strategy.definition", plan_id=plan_id, entity="definition",
                 entity_key=f"v{row.version}", before={"text": current.text} if current else None,
                 after={"text": row.text, "agreed_on": row.agreed_on, "note": row.note})
    return _definition(row)


def _definition(row: ViolenceDefinition) -> dict[str, Any]:
    return {"version": row.version, "text": row.text, "agreed_on": row.agreed_on, "note": row.note,
            "recorded_by": row.recorded_by, "recorded_at": row.recorded_at}


def definitions(session: Session, *, plan_id: int) -> list[dict[str, Any]]:
    """Every version of the definition, newest first (the definition is public: no permission)."""
    return [_definition(r) for r in session.exec(select(ViolenceDefinition)
                                                 .where(ViolenceDefinition.plan_id == plan_id)
                                                 .order_by(ViolenceDefinition.version.desc())).all()]


def save_assessment(session: Session, *, user: Actor, plan_id: int, title: str, assessed_on: Any = None,
                    author_agency: str | None = None, link: str = "") -> dict[str, Any]:
    """Record the strategic needs assessment, or change the latest one (audited with before and
    after). Secretariat only. Raises NotAllowed, NotFound, InvalidFields."""
    require(user, "strategy.edit")
    _plan(session, plan_id)
    problems: dict[str, str] = {}
    name = " ".join(clean(title or "", multiline=False).split())
    if not name:
        problems["title"] = "Give the needs assessment's title, as the document calls itself."
    elif len(name) > 300:
        problems["title"] = f"The title is {len(name)} characters; the most allowed is 300."
    day = day_of(assessed_on, "assessed_on", "date of the assessment", problems, required=False)
    agency_id = None
    agency_name = " ".join(clean(author_agency or "", multiline=False).split())
    if agency_name:
        agency_id = session.exec(select(Agency.id).where(func.lower(Agency.name) == agency_name.lower())).first()
        if agency_id is None:
            problems["author_agency"] = f"'{agency_name}' is not in the agencies list; add it there first."
    where = " ".join(clean(link or "", multiline=False).split())
    if len(where) > 500:
        problems["link"] = "The link is over 500 characters; give a shorter address."
    if problems:
        raise InvalidFields(problems)
    row = session.exec(select(NeedsAssessment).where(NeedsAssessment.plan_id == plan_id)
                       .order_by(NeedsAssessment.id.desc())).first()
    before = _assessment(session, row) if row else None
    if row is None:
        row = NeedsAssessment(plan_id=plan_id, title=name)
    row.title, row.assessed_on, row.author_agency_id, row.link = name, day, agency_id, where
    session.add(row)
    session.flush()
    after = _assessment(session, row)
    audit.record(session, actor=user, event="strategy.assessment", plan_id=plan_id, entity="assessment",
                 entity_key=name[:60], before=before, after=after)
    return after


def _assessment(session: Session, row: NeedsAssessment) -> dict[str, Any]:
    agency = session.get(Agency, row.author_agency_id) if row.author_agency_id else None
    return {"id": row.id, "title": row.title, "assessed_on": row.assessed_on,
            "author_agency": agency.name if agency else "", "link": row.link}


def assessment(session: Session, *, plan_id: int) -> dict[str, Any] | None:
    row = session.exec(select(NeedsAssessment).where(NeedsAssessment.plan_id == plan_id)
                       .order_by(NeedsAssessment.id.desc())).first()
    return _assessment(session, row) if row else None
