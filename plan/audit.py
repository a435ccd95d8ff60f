"""The audit trail: every change to plan data, users and roles, every sign-in and export.

Events are appended in the same transaction as the change they record, so there is never a
change without its event. Nothing here edits or deletes an event (the database refuses too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from models import AuditEvent
from plan.actions import RESTRICTED_TEXT
from plan.identity import Actor
from plan.permissions import hidden_from, require, restricted_event, shown_to

# What each recorded event means, in the words the Audit trail shows (the code stays beside it).
# A unit test checks that every event code the services record is here.
EVENT_WORDS: dict[str, str] = {
    "action.update": "Action updated",
    "action.assign_owner": "Owner assigned",
    "action.delegate_add": "Delegate named",
    "action.delegate_remove": "Delegate removed",
    "audit.export": "Audit trail exported",
    "export.board_paper": "Board paper exported",
    "export.minutes": "Meeting minutes exported",
    "export.invite": "Meeting calendar invite exported",
    "notify.sent": "E-mail notifications sent",
    "notify.opt_out": "E-mail notifications switched off or on",
    "export.returns": "Data returns exported",
    "export.table": "Table exported",
    "backup.create": "Backup made",
    "backup.restore": "Database restored from a backup",
    "demo.add": "Demo data added",
    "due_date.request": "New due date asked for",
    "due_date.approved": "New due date approved",
    "due_date.declined": "New due date declined",
    "measure.value": "Measure figure submitted",
    "measure.define": "Measure defined",
    "measure.change": "Measure definition changed",
    "measure.import": "Measures imported from a spreadsheet",
    "meeting.create": "Meeting created",
    "meeting.attendees": "Meeting attendees changed",
    "meeting.agenda_add": "Action put on a meeting's agenda",
    "meeting.agenda_drop": "Action taken off a meeting's agenda",
    "meeting.record": "Challenge, agreed RAG or decision recorded",
    "meeting.follow_up": "Follow-up agreed",
    "meeting.follow_up_done": "Follow-up marked done",
    "meeting.close": "Meeting closed and its record frozen",
    "plan.load": "Plan loaded",
    "plan.import": "Plan imported from a spreadsheet",
    "action.import": "Action created or changed by a plan import",
    "returns.import": "Offline update return applied",
    "plan.settings": "Plan settings changed",
    "plan.community_view": "Public community page switched on or off",
    "plan.suggestion_settings": "Suggested-RAG thresholds changed",
    "plan.create": "Plan created",
    "plan.refresh": "Plan refreshed for the next year",
    "plan.theme": "Plan theme added, renamed, moved or removed",
    "plan.board": "Plan board added or changed",
    "plan.rag_definition": "RAG definition changed",
    "export.plan_yaml": "Plan exported as a plan file (YAML)",
    "round.open": "Update round opened",
    "round.chase": "Reminders sent",
    "round.return_update": "Update sent back to its owner",
    "round.close": "Update round closed",
    "signin.success": "Signed in",
    "signin.failure": "Sign-in failed",
    "signin.locked": "Sign-in refused: too many failures",
    "signin.no_account": "Sign-in refused: no account",
    "signin.end": "Signed out",
    "user.create": "User added",
    "user.update": "User changed",
    "user.role_change": "Role or clearance changed",
    "user.password_set": "Password set",
    "action.create": "Action added to the plan",
    "action.edit": "Action edited",
    "action.move": "Action moved to another theme or objective",
    "action.close": "Action closed",
    "action.retire": "Action retired from the plan",
    "objective.create": "Objective added",
    "objective.edit": "Objective changed",
    "agency.create": "Agency added",
    "agency.edit": "Agency renamed or its kind changed",
    "user.actions_reassigned": "A person's actions reassigned",
    "strategy.definition": "Local definition of serious violence recorded (a new version)",
    "strategy.assessment": "Strategic needs assessment recorded or changed",
    "finding.create": "Needs-assessment finding added",
    "finding.edit": "Needs-assessment finding changed",
    "finding.retire": "Needs-assessment finding retired",
    "finding.link": "Finding linked to actions",
    "finding.measure_link": "Measure linked to findings",
    "finding.unlink": "Finding unlinked from actions",
    "agency.specified_authority": "Agency's specified authority (Serious Violence Duty) set",
    "measure.core_on": "Core serious violence measure switched on",
    "measure.core_off": "Core serious violence measure switched off",
    "plan.review_date": "Date of the yearly strategy review set",
    "export.review": "Annual review exported",
}


def event_words(code: str) -> str:
    """The event in plain words; an unknown code (none should be) is shown as it is."""
    return EVENT_WORDS.get(code, code)


def _plain(value: Any) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


# one encoder for every event: json.dumps with options builds a new one per call (an import audits
# 10,000 actions); the text is the same
_ENCODER = json.JSONEncoder(default=_plain, ensure_ascii=False, sort_keys=True)


def _json(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return _ENCODER.encode(values)


def record(session: Session, *, actor: Actor, event: str, plan_id: int | None = None, entity: str = "",
           entity_key: str = "", before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           detail: str = "", restricted: bool = False) -> AuditEvent:
    """Append one event in the caller's transaction."""
    row = AuditEvent(
        at=datetime.now(UTC), actor_person_id=actor.person_id,
        actor=f"{actor.name} <{actor.email}>" if actor.email else actor.name, event=event,
        plan_id=plan_id, entity=entity, entity_key=entity_key, before=_json(before), after=_json(after),
        detail=detail, restricted=restricted,
    )
    session.add(row)
    return row


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, before and after."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass
class AuditFilter:
    event_prefix: str = ""  # e.g. "action." or "signin."
    actor_text: str = ""
    entity_key: str = ""
    since: date | None = None
    until: date | None = None


def list_events(session: Session, *, user: Actor, filters: AuditFilter | None = None, limit: int = 500,
                offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Newest first. Admins and chairs only; restricted detail only for cleared users."""
    require(user, "audit.view")
    filters = filters or AuditFilter()
    conditions = []
    if filters.event_prefix:
        conditions.append(AuditEvent.event.startswith(filters.event_prefix))
    if filters.actor_text.strip():
        who = func.lower(AuditEvent.actor).contains(filters.actor_text.strip().lower(), autoescape=True)
        # who acted on a restricted action is restricted detail: not searchable by the uncleared either
        conditions.append(and_(who, shown_to(user, restricted_event())))
    if filters.entity_key.strip():
        text = filters.entity_key.strip().lower()
        conditions.append(or_(func.lower(AuditEvent.entity_key) == text,
                              func.lower(AuditEvent.entity_key).contains(text, autoescape=True)))
    if filters.since:
        conditions.append(AuditEvent.at >= datetime.combine(filters.since, datetime.min.time(), tzinfo=UTC))
    if filters.until:
        conditions.append(AuditEvent.at < datetime.combine(filters.until, datetime.max.time(), tzinfo=UTC))
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    # whether each event is restricted detail is worked out as it is read (the one rule), so an
    # action made restricted, or a measure linked only to restricted actions, hides its history too
    secret = hidden_from(user, restricted_event()).label("secret")
    rows = session.exec(select(AuditEvent, secret).where(*conditions)
                        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset)).all()
    hidden = RESTRICTED_TEXT
    return [
        {"at": r.at, "event": r.event, "what": event_words(r.event), "entity": r.entity, "entity_key": r.entity_key,
         **({"actor": hidden, "before": hidden, "after": hidden, "detail": hidden}
            if masked else {"actor": r.actor, "before": r.before, "after": r.after, "detail": r.detail})}
        for r, masked in rows
    ], int(total)


def export_events(session: Session, *, user: Actor, marking: str, filters: AuditFilter | None = None) -> bytes:
    """The filtered audit trail as an Excel workbook carrying the marking (the bytes of
    `export_audit`). Admins and chairs only."""
    return export_audit(session, user=user, marking=marking, filters=filters).content


def export_audit(session: Session, *, user: Actor, marking: str, filters: AuditFilter | None = None,
                 plan_id: int | None = None, plan_name: str = "") -> Any:
    """The filtered audit trail through the one export path (plan.exports): text as text, the
    marking in the file and its name, the export itself recorded. Returns plan.exports.Export."""
    from plan.exports import table_export  # the export path records through this module

    require(user, "audit.export")
    rows, total = list_events(session, user=user, filters=filters, limit=200_000)
    described = _describe(filters or AuditFilter())
    return table_export(
        session, user=user, operation="audit.export", kind="audit", plan_id=plan_id, marking=marking,
        plan_name=plan_name or "Audit trail", title="Audit trail", lines=[f"{total} events. {described}"],
        columns=["When (UTC)", "Who", "Event code", "About", "Key", "Before", "After", "Detail", "What happened"],
        rows=[[r["at"], r["actor"], r["event"], r["entity"], r["entity_key"], r["before"], r["after"], r["detail"],
               r["what"]] for r in rows],
        filename_stem="audit-trail", detail=f"exported {total} events to Excel. {described}",
    )


def _describe(filters: AuditFilter) -> str:
    parts = [f"{label}: {value}" for label, value in (
        ("events", filters.event_prefix), ("who", filters.actor_text), ("key", filters.entity_key),
        ("from", filters.since), ("to", filters.until)) if value]
    return "Filters: " + ("; ".join(parts) if parts else "none") + "."
