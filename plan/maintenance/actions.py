"""The secretariat edits the plan in the app: add and edit actions and objectives, move an action,
close it (an update appended, as an owner's would be) or retire it (withdrawn with a reason, never
deleted). Every edit is checked as a spreadsheet import or the YAML seed checks the same field
(the helpers are theirs: REF_PATTERN, parse_date, sort_key), written in the caller's transaction,
and recorded in the audit trail with before and after, so the action's page can show it.

A ref is fixed once an action is added: meetings' records, board papers and the audit trail name
actions by ref. A mid-year action takes the next free suffix after the ref it follows (2.4a).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from models import (
    Action,
    ActionBoard,
    ActionPartner,
    Agency,
    AuditEvent,
    Board,
    Objective,
    Person,
    StatusUpdate,
    Theme,
)
from plan import audit, personal_data
from plan.actions import RESTRICTED_TEXT
from plan.due_dates import record_date_set
from plan.errors import InvalidFields, InvalidInput, NotAllowed, NotFound, StaleVersion
from plan.identity import Actor
from plan.imports.parsing import parse_date
from plan.permissions import cleared_for, require
from plan.refs import sort_key
from plan.seed import REF_PATTERN
from plan.text import clean
from plan.updates import record_update
from plan.vocab import DeliveryStatus, Rag, parse_choice

# The same limits as the YAML seed (plan/seed.py) and the Action table.
MAX_TITLE, MAX_LONG, MAX_OWNER, MAX_REASON = 300, 5000, 200, 2000
FIELDS = ("ref", "title", "description", "source_text", "theme", "objective", "lead_owner", "lead_agency",
          "partners", "boards", "start_date", "baseline_due_date", "current_due_date", "restricted")
LABELS = {"ref": "Ref", "title": "Title", "description": "Description", "source_text": "Source text",
          "theme": "Theme", "objective": "Objective", "lead_owner": "Lead (role or group)",
          "lead_agency": "Lead agency", "partners": "Partner agencies", "boards": "Boards",
          "start_date": "Start date", "baseline_due_date": "Baseline due date",
          "current_due_date": "Current due date", "restricted": "Restricted",
          "findings": "Needs-assessment findings it answers"}
# Events shown on an action's page as plan edits (status updates are shown from their own table).
HISTORY_EVENTS = ("action.create", "action.edit", "action.move", "action.close", "action.retire",
                  "action.assign_owner", "action.delegate_add", "action.delegate_remove", "action.import",
                  "due_date.approved", "due_date.declined", "due_date.request", "finding.link", "finding.unlink")


# ---------------------------------------------------------------- reading


def edit_choices(session: Session, *, plan_id: int) -> dict[str, Any]:
    """What an action form offers: themes in plan order, objectives (ref, title, theme), agencies
    and board codes."""
    themes = list(session.exec(select(Theme.name).where(Theme.plan_id == plan_id).order_by(Theme.position)).all())
    objectives = [{"ref": ref, "title": title, "theme": theme} for ref, title, theme in session.exec(
        select(Objective.ref, Objective.title, Theme.name).join(Theme, Theme.id == Objective.theme_id)
        .where(Objective.plan_id == plan_id).order_by(Theme.position, Objective.ref)).all()]
    agencies = list(session.exec(select(Agency.name).order_by(Agency.name)).all())
    boards = list(session.exec(select(Board.code).where(Board.plan_id == plan_id).order_by(Board.id)).all())
    return {"themes": themes, "objectives": objectives, "agencies": agencies, "boards": boards}


def action_values(session: Session, *, user: Actor, plan_id: int, ref: str) -> dict[str, Any]:
    """An action's editable fields as a form shows them, with its version and whether it is retired.
    Secretariat only; a restricted action only for someone cleared. Raises NotAllowed, NotFound."""
    require(user, "plan.edit")
    action = _action(session, plan_id, ref)
    _require_clearance(user, action)
    return {**_snapshot(session, action), "version": action.version, "retired_at": action.retired_at,
            "retired_reason": action.retired_reason, "rag": action.rag,
            "delivery_status": action.delivery_status}


def next_free_ref(session: Session, *, plan_id: int, after: str) -> str:
    """The ref for an action added after `after` that keeps the plan's numbering: 2.4 -> 2.4a
    (or 2.4b when 2.4a is taken, by any action, retired ones included); 2.4a -> 2.4b."""
    base = clean(after, multiline=False).strip()
    if not base:
        raise InvalidInput("Say which action the new one follows, e.g. 2.4.")
    taken = set(session.exec(select(Action.ref).where(Action.plan_id == plan_id,
                                                      Action.ref.startswith(base[:-1] if base[-1].isalpha()
                                                                            else base))).all())
    stem, letter = (base[:-1], base[-1].lower()) if base[-1].isalpha() and len(base) > 1 else (base, "")
    for code in range(ord(letter) + 1 if letter else ord("a"), ord("z") + 1):
        candidate = f"{stem}{chr(code)}"
        if candidate not in taken:
            return candidate
    raise InvalidInput(f"Every suffix after {base} (a to z) is taken; choose a ref yourself.")


# ---------------------------------------------------------------- checking


def _action(session: Session, plan_id: int, ref: str) -> Action:
    action = session.exec(select(Action).where(Action.plan_id == plan_id,
                                               Action.ref == clean(ref, multiline=False).strip())).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    return action


def _require_clearance(user: Actor, action: Action) -> None:
    if not cleared_for(user, action.restricted):
        raise NotAllowed(f"Action {action.ref} is restricted: only someone cleared for restricted items can change it.")


def _not_retired(action: Action) -> None:
    if action.retired_at is not None:
        raise InvalidInput(f"Action {action.ref} was retired on {action.retired_at:%d %b %Y}: it is kept as it was "
                           "and cannot be changed.")


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    return list(dict.fromkeys(n for n in (" ".join(clean(v, multiline=False).split()) for v in items) if n))


def _personal_data(session: Session, plan_id: int, out: dict[str, Any], problems: dict[str, str],
                   current: Action | None, confirmed: bool) -> None:
    """An action's title and description are published (papers, the community page): words that
    look like personal data are refused under a "refuse" policy, and under "warn" saved only once
    the secretariat confirms (values["personal_data_confirmed"]). Unchanged words are not asked again."""
    changed = {key: (LABELS[key], out.get(key) or "") for key in ("title", "description")
               if out.get(key) and (current is None or getattr(current, key) != out.get(key))}
    problems.update(personal_data.plan_field_problems(session, plan_id=plan_id, fields=changed, confirmed=confirmed))


def _checked(session: Session, plan_id: int, values: dict[str, Any], problems: dict[str, str],
             current: Action | None) -> dict[str, Any]:
    """The given fields, cleaned and checked; each problem put under its field's name."""
    out: dict[str, Any] = {}
    values = dict(values)
    confirmed = bool(values.pop("personal_data_confirmed", False))
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InvalidInput(f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}; "
                           f"an action has: {', '.join(FIELDS)}.")
    for key in ("title", "lead_owner"):
        if key in values:
            text = " ".join(clean(values[key], multiline=False).split())
            limit = MAX_TITLE if key == "title" else MAX_OWNER
            if key == "title" and not text:
                problems[key] = "Give the action a title: what will be done, in a line."
            elif len(text) > limit:
                problems[key] = f"{LABELS[key]} is {len(text)} characters; the most allowed is {limit}. Shorten it."
            out[key] = text
    for key in ("description", "source_text"):
        if key in values:
            text = clean(values[key] or "").strip()
            if len(text) > MAX_LONG:
                problems[key] = f"{LABELS[key]} is {len(text):,} characters; the most allowed is {MAX_LONG:,}."
            out[key] = text
    _personal_data(session, plan_id, out, problems, current, confirmed)
    theme_id = current.theme_id if current else None
    if "theme" in values:
        name = " ".join(clean(values["theme"] or "", multiline=False).split())
        themes = dict(session.exec(select(Theme.name, Theme.id).where(Theme.plan_id == plan_id)).all())
        found = next((tid for tname, tid in themes.items() if tname.casefold() == name.casefold()), None)
        if found is None:
            problems["theme"] = (f"'{name}' is not one of the plan's themes: {', '.join(sorted(themes))}."
                                 if name else "Choose the theme the action sits under.")
        theme_id = found
        out["theme_id"] = found
    if "objective" in values:
        ref = clean(values["objective"] or "", multiline=False).strip()
        out["objective_id"] = None
        if ref:
            objective = session.exec(select(Objective).where(Objective.plan_id == plan_id,
                                                             Objective.ref == ref)).first()
            if objective is None:
                problems["objective"] = f"'{ref}' is not one of the plan's objectives."
            elif theme_id is not None and objective.theme_id != theme_id:
                theme = session.get(Theme, objective.theme_id)
                problems["objective"] = (f"Objective '{ref}' sits under {theme.name if theme else 'another theme'}, "
                                         "not under the action's theme: choose one of that theme's objectives.")
            else:
                out["objective_id"] = objective.id
    elif "theme" in values and current is not None and current.objective_id is not None and theme_id is not None:
        objective = session.get(Objective, current.objective_id)
        if objective is not None and objective.theme_id != theme_id:
            out["objective_id"] = None  # moved to another theme: its old objective does not come with it
    agencies = {n.casefold(): (n, i) for n, i in session.exec(select(Agency.name, Agency.id)).all()}
    if "lead_agency" in values:
        name = " ".join(clean(values["lead_agency"] or "", multiline=False).split())
        out["lead_agency_id"] = None
        if name:
            if name.casefold() not in agencies:
                problems["lead_agency"] = f"'{name}' is not in the agencies list; add it there first (Owners page)."
            else:
                out["lead_agency_id"] = agencies[name.casefold()][1]
    if "partners" in values:
        names = _names(values["partners"])
        missing = [n for n in names if n.casefold() not in agencies]
        if missing:
            problems["partners"] = (f"{', '.join(repr(n) for n in missing)} "
                                    f"{'is' if len(missing) == 1 else 'are'} not in the agencies list; add "
                                    f"{'it' if len(missing) == 1 else 'them'} there first (Owners page).")
        out["partners"] = [agencies[n.casefold()][1] for n in names if n.casefold() in agencies]
    if "boards" in values:
        codes = _names(values["boards"])
        known = dict(session.exec(select(Board.code, Board.id).where(Board.plan_id == plan_id)).all())
        missing = [c for c in codes if c not in known]
        if missing:
            problems["boards"] = (f"{', '.join(repr(c) for c in missing)}: not one of the plan's boards: "
                                  f"{', '.join(sorted(known))}.")
        out["boards"] = [known[c] for c in codes if c in known]
    for key in ("start_date", "baseline_due_date", "current_due_date"):
        if key in values:
            reading = parse_date(values[key] if values[key] != "" else None, end=key != "start_date")
            if reading.error:
                problems[key] = f"{LABELS[key]}: {reading.error}"
            out[key] = reading.value
    if "restricted" in values:
        if not isinstance(values["restricted"], bool):
            problems["restricted"] = "Restricted must be yes or no (true or false)."
        out["restricted"] = bool(values["restricted"])
    start = out.get("start_date", current.start_date if current else None)
    for key in ("baseline_due_date", "current_due_date"):
        due = out.get(key, getattr(current, key) if current else None)
        if start and due and due < start and key not in problems and "start_date" not in problems:
            problems[key] = f"{LABELS[key]} {due:%d %b %Y} is before the start date {start:%d %b %Y}."
    return out


def _snapshot(session: Session, action: Action) -> dict[str, Any]:
    """The action's editable fields in words (names, not ids): the audit's before and after."""
    theme = session.get(Theme, action.theme_id)
    objective = session.get(Objective, action.objective_id) if action.objective_id else None
    agency = session.get(Agency, action.lead_agency_id) if action.lead_agency_id else None
    partners = session.exec(select(Agency.name).join(ActionPartner, ActionPartner.agency_id == Agency.id)
                            .where(ActionPartner.action_id == action.id).order_by(Agency.name)).all()
    boards = session.exec(select(Board.code).join(ActionBoard, ActionBoard.board_id == Board.id)
                          .where(ActionBoard.action_id == action.id).order_by(Board.id)).all()
    return {"ref": action.ref, "title": action.title, "description": action.description,
            "source_text": action.source_text, "theme": theme.name if theme else "",
            "objective": objective.ref if objective else "", "lead_owner": action.lead_owner,
            "lead_agency": agency.name if agency else "", "partners": list(partners), "boards": list(boards),
            "start_date": action.start_date, "baseline_due_date": action.baseline_due_date,
            "current_due_date": action.current_due_date, "restricted": action.restricted}


def _restricted_rules(session: Session, user: Actor, action: Action | None, wanted: bool | None,
                      problems: dict[str, str]) -> None:
    """Making an action restricted, or not, is for someone cleared; a restricted action's owner
    must be cleared too (as plan.users.assign_owner requires)."""
    if wanted is None or (action is not None and wanted == action.restricted):
        return
    if not user.cleared_for_restricted:
        problems["restricted"] = ("Only someone cleared for restricted items can make an action restricted, "
                                  "or not.")
        return
    owner = session.get(Person, action.owner_person_id) if action and action.owner_person_id else None
    if wanted and owner is not None and not owner.cleared_for_restricted:
        problems["restricted"] = (f"The owner, {owner.name}, is not cleared for restricted items: clear them "
                                  "first (Users page), or give the action another owner.")


# ---------------------------------------------------------------- writing


def _links(session: Session, action: Action, model: type, column: str, ids: list[int]) -> None:
    held = {getattr(row, column): row for row in session.exec(select(model).where(model.action_id == action.id))}
    for key, row in held.items():
        if key not in ids:
            session.delete(row)
    for key in ids:
        if key not in held:
            session.add(model(action_id=action.id, **{column: key}))


def _write(session: Session, action: Action, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key == "partners":
            _links(session, action, ActionPartner, "agency_id", value)
        elif key == "boards":
            _links(session, action, ActionBoard, "board_id", value)
        else:
            setattr(action, key, value)


def add_action(session: Session, *, user: Actor, plan_id: int, values: dict[str, Any],
               submission_key: str | None = None) -> str:
    """Add an action to the plan (a mid-year action: give it the next free ref, see next_free_ref).
    `values`: the FIELDS; ref, title and theme are required. Every problem is reported at once
    (InvalidFields, by field) and nothing is written. Secretariat only. Returns the ref.
    The same `submission_key` (one per opened form) adds once: a second send returns the first ref.
    Raises NotAllowed, InvalidFields."""
    require(user, "plan.edit")
    if submission_key:
        earlier = session.exec(select(AuditEvent.entity_key).where(
            AuditEvent.plan_id == plan_id, AuditEvent.event == "action.create",
            AuditEvent.detail == f"form {submission_key}")).first()
        if earlier is not None:
            return earlier
    problems: dict[str, str] = {}
    ref = clean(values.get("ref") or "", multiline=False).strip()
    if not ref:
        problems["ref"] = "Give the action a ref, e.g. 2.4a (the next free one after the action it follows)."
    elif not REF_PATTERN.match(ref):
        problems["ref"] = f"Ref '{ref}': use letters, digits, dots or hyphens, e.g. 2.4, 2.4a or PREV-03."
    elif session.exec(select(Action.id).where(Action.plan_id == plan_id, Action.ref == ref)).first() is not None:
        problems["ref"] = (f"Ref '{ref}' is already used in this plan (retired actions keep theirs); "
                           f"the next free one after it is {next_free_ref(session, plan_id=plan_id, after=ref)}.")
    given = {k: v for k, v in values.items() if k != "ref"}
    given.setdefault("title", "")
    given.setdefault("theme", "")
    fields = _checked(session, plan_id, given, problems, None)
    _restricted_rules(session, user, None, fields.get("restricted") or None, problems)
    if problems:
        raise InvalidFields(problems)
    if "current_due_date" not in fields and "baseline_due_date" in fields:
        fields["current_due_date"] = fields["baseline_due_date"]
    if "baseline_due_date" not in fields and "current_due_date" in fields:
        fields["baseline_due_date"] = fields["current_due_date"]
    links = {k: fields.pop(k) for k in ("partners", "boards") if k in fields}
    action = Action(plan_id=plan_id, ref=ref, ref_sort=sort_key(ref), **fields)
    session.add(action)
    session.flush()
    _write(session, action, links)
    session.flush()
    audit.record(session, actor=user, event="action.create", plan_id=plan_id, entity="action", entity_key=ref,
                 after=_snapshot(session, action), restricted=action.restricted,
                 detail=f"form {submission_key}" if submission_key else "")
    return ref


def edit_action(session: Session, *, user: Actor, plan_id: int, ref: str, changes: dict[str, Any],
                expected_version: int | None = None, moving: bool = False) -> dict[str, Any]:
    """Change any of an action's fields but its ref (fixed once added: meetings and papers name
    actions by it). Only the fields given change; the audit records those that did, before and
    after. Refused for a retired action, and for a restricted one unless cleared; a form that
    was opened before someone else's change is refused (StaleVersion). Secretariat only.
    Returns {field: (before, after)}. Raises NotAllowed, NotFound, InvalidInput, InvalidFields,
    StaleVersion."""
    require(user, "plan.edit")
    action = _action(session, plan_id, ref)
    _require_clearance(user, action)
    _not_retired(action)
    if "ref" in changes and clean(changes["ref"], multiline=False).strip() != action.ref:
        raise InvalidFields({"ref": "A ref cannot be changed once the action is in the plan (meetings, papers "
                                    "and the history name it): retire this action and add one with the new ref."})
    problems: dict[str, str] = {}
    fields = _checked(session, plan_id, {k: v for k, v in changes.items() if k != "ref"}, problems, action)
    _restricted_rules(session, user, action, fields.get("restricted"), problems)
    if problems:
        raise InvalidFields(problems)
    before = _snapshot(session, action)
    if expected_version is not None and expected_version != action.version:
        if _already(session, action, fields, before):
            return {}  # the same form sent again (a double click): what it asked for is in place
        raise StaleVersion(f"Action {action.ref} was changed by someone else after you opened it; open it again "
                           "to see their change.")
    _write(session, action, fields)
    session.flush()
    old, new = audit.changes(before, _snapshot(session, action))
    if not new:
        return {}
    if {"current_due_date", "baseline_due_date"} & set(new):
        record_date_set(session, action=action, by=user, reason="Set in the plan editor by the plan secretariat.",
                        note="Edited in the plan, not asked for by the owner.")
    action.updated_at = datetime.now(UTC)
    try:
        session.flush()
    except StaleDataError as err:
        raise StaleVersion(f"Action {action.ref} was changed by someone else at the same moment; open it again.") \
            from err
    event = "action.move" if moving else "action.edit"
    audit.record(session, actor=user, event=event, plan_id=plan_id, entity="action", entity_key=action.ref,
                 before=old, after=new, restricted=action.restricted or before["restricted"])
    return {k: (old[k], new[k]) for k in new}


def _already(session: Session, action: Action, fields: dict[str, Any], now: dict[str, Any]) -> bool:
    """Whether writing `fields` would change nothing (compared in words, as the audit records)."""
    wanted = dict(now)
    names = {"theme_id": ("theme", Theme, "name"), "objective_id": ("objective", Objective, "ref"),
             "lead_agency_id": ("lead_agency", Agency, "name")}
    for key, value in fields.items():
        if key in names:
            label, model, attr = names[key]
            row = session.get(model, value) if value else None
            wanted[label] = getattr(row, attr) if row else ""
        elif key == "partners":
            wanted[key] = sorted(session.get(Agency, i).name for i in value)  # type: ignore[union-attr]
        elif key == "boards":
            codes = dict(session.exec(select(Board.id, Board.code).where(Board.id.in_(value))).all()) if value else {}
            wanted[key] = [codes[i] for i in sorted(codes)]
        else:
            wanted[key] = value
    return wanted == now


def move_action(session: Session, *, user: Actor, plan_id: int, ref: str, theme: str,
                objective: str | None = None) -> dict[str, Any]:
    """Move an action to another theme and/or objective (an objective must be under the theme; moved
    to another theme without one, it leaves its old objective). Recorded as a move."""
    return edit_action(session, user=user, plan_id=plan_id, ref=ref,
                       changes={"theme": theme, "objective": objective or ""}, moving=True)


def close_action(session: Session, *, user: Actor, plan_id: int, ref: str, reason: str, rag: str | None = None,
                 submission_key: str | None = None, personal_data_confirmed: bool = False) -> None:
    """Close an action with a reason: a status update with delivery status Closed and the reason
    as its commentary, appended through plan.updates as any update is (history and version rules
    hold). The RAG stays as it is (Red, Amber or Green) unless `rag` is given. Secretariat only.
    Raises NotAllowed, NotFound, InvalidInput, InvalidFields."""
    require(user, "plan.edit")
    action = _action(session, plan_id, ref)
    _require_clearance(user, action)
    _not_retired(action)
    if submission_key and session.exec(select(StatusUpdate.id).where(
            StatusUpdate.submission_key == submission_key)).first() is not None:
        return  # the same form sent twice (a double click, a retry): it was saved once
    if action.delivery_status == DeliveryStatus.CLOSED:
        raise InvalidInput(f"Action {action.ref} is already closed.")
    reason = clean(reason or "").strip()
    problems: dict[str, str] = {}
    if not reason:
        problems["reason"] = "Say why the action is closed: the group and the history will read it."
    elif len(reason) > MAX_REASON:
        problems["reason"] = f"The reason is {len(reason):,} characters; the most allowed is {MAX_REASON:,}."
    chosen = (rag or "").strip() or (action.rag if action.rag in (Rag.RED, Rag.AMBER, Rag.GREEN) else "")
    if not chosen:
        problems["rag"] = "Choose the RAG the action closes with (Red, Amber or Green): it has none yet."
    elif _rag(chosen) is None:
        problems["rag"] = f"RAG: '{chosen}' is not one of: Red, Amber, Green."
    elif _rag(chosen) == Rag.BLUE:
        problems["rag"] = "Blue means complete: a closed action is Red, Amber or Green."
    if problems:
        raise InvalidFields(problems)
    before = {"delivery_status": action.delivery_status}
    record_update(session, user=user, plan_id=plan_id, ref=action.ref, rag=chosen,
                  delivery_status=DeliveryStatus.CLOSED.value, commentary=reason,
                  personal_data_confirmed=personal_data_confirmed,
                  submission_key=submission_key)
    audit.record(session, actor=user, event="action.close", plan_id=plan_id, entity="action", entity_key=action.ref,
                 before=before, after={"delivery_status": DeliveryStatus.CLOSED.value, "reason": reason},
                 restricted=action.restricted)


def _rag(text: str) -> Rag | None:
    try:
        return Rag(parse_choice(Rag, text, "RAG"))
    except InvalidInput:
        return None


def retire_action(session: Session, *, user: Actor, plan_id: int, ref: str, reason: str,
                  at: datetime | None = None) -> None:
    """Withdraw an action from the plan with a reason. Never deleted: it keeps its history, stays in
    past meetings' records, past rounds and anything read as at a date before it was retired;
    current views leave it out. Twice is refused. Secretariat only (a restricted action: cleared).
    Raises NotAllowed, NotFound, InvalidInput, InvalidFields."""
    require(user, "plan.edit")
    action = _action(session, plan_id, ref)
    _require_clearance(user, action)
    if action.retired_at is not None:
        raise InvalidInput(f"Action {action.ref} was already retired on {action.retired_at:%d %b %Y} "
                           f"({action.retired_reason}).")
    reason = clean(reason or "").strip()
    if not reason:
        raise InvalidFields({"reason": "Say why the action is retired: the history and the group will read it."})
    if len(reason) > MAX_REASON:
        raise InvalidFields({"reason": f"The reason is {len(reason):,} characters; the most allowed is "
                                       f"{MAX_REASON:,}."})
    action.retired_at = at or datetime.now(UTC)
    action.retired_reason = reason
    action.updated_at = datetime.now(UTC)
    session.flush()
    audit.record(session, actor=user, event="action.retire", plan_id=plan_id, entity="action", entity_key=action.ref,
                 before={"retired": False}, after={"retired": True, "retired_on": action.retired_at.date(),
                                                   "reason": reason},
                 restricted=action.restricted)


# ---------------------------------------------------------------- objectives


def add_objective(session: Session, *, user: Actor, plan_id: int, ref: str, theme: str, title: str) -> str:
    """Add an objective under a theme (refs unique in the plan). Secretariat only. Raises InvalidFields."""
    require(user, "plan.edit")
    problems: dict[str, str] = {}
    ref = clean(ref or "", multiline=False).strip()
    if not ref or not REF_PATTERN.match(ref):
        problems["ref"] = "Give the objective a ref of letters, digits, dots or hyphens, e.g. 2C."
    elif session.exec(select(Objective.id).where(Objective.plan_id == plan_id, Objective.ref == ref)).first():
        problems["ref"] = f"Objective '{ref}' already exists in this plan; choose another ref."
    fields = _checked(session, plan_id, {"theme": theme, "title": title}, problems, None)
    if problems:
        raise InvalidFields(problems)
    session.add(Objective(plan_id=plan_id, theme_id=fields["theme_id"], ref=ref, title=fields["title"]))
    session.flush()
    audit.record(session, actor=user, event="objective.create", plan_id=plan_id, entity="objective", entity_key=ref,
                 after={"ref": ref, "theme": theme, "title": fields["title"]})
    return ref


def edit_objective(session: Session, *, user: Actor, plan_id: int, ref: str, title: str | None = None,
                   theme: str | None = None) -> dict[str, Any]:
    """Rename an objective or move it to another theme (only while no action of another theme
    would be left under it: move those actions first). Secretariat only."""
    require(user, "plan.edit")
    objective = session.exec(select(Objective).where(Objective.plan_id == plan_id,
                                                     Objective.ref == (ref or "").strip())).first()
    if objective is None:
        raise NotFound(f"There is no objective '{ref}' in this plan.")
    problems: dict[str, str] = {}
    given = {k: v for k, v in (("title", title), ("theme", theme)) if v is not None}
    fields = _checked(session, plan_id, given, problems, None)
    if "theme_id" in fields and fields["theme_id"] is not None and fields["theme_id"] != objective.theme_id:
        under = session.exec(select(Action.ref).where(Action.objective_id == objective.id)
                             .order_by(Action.ref_sort)).all()
        if under:
            problems["theme"] = (f"Actions {', '.join(under)} sit under this objective in its theme: move them "
                                 "first, or add a new objective under the other theme.")
    if problems:
        raise InvalidFields(problems)
    old_theme = session.get(Theme, objective.theme_id)
    before = {"title": objective.title, "theme": old_theme.name if old_theme else ""}
    objective.title = fields.get("title", objective.title)
    objective.theme_id = fields.get("theme_id") or objective.theme_id
    new_theme = session.get(Theme, objective.theme_id)
    old, new = audit.changes(before, {"title": objective.title, "theme": new_theme.name if new_theme else ""})
    if new:
        audit.record(session, actor=user, event="objective.edit", plan_id=plan_id, entity="objective",
                     entity_key=objective.ref, before=old, after=new)
    return new


# ---------------------------------------------------------------- the history an action's page shows


def plan_edits(session: Session, *, user: Actor, plan_id: int, ref: str) -> list[dict[str, Any]]:
    """The recorded changes to an action other than its status updates (added, edited, moved,
    closed, retired, owner assigned, imported, due dates), newest first: who, when, what, and
    each changed field before and after. Anyone who may read the action; on a restricted action
    who and what reach only cleared users."""
    action = _action(session, plan_id, ref)
    hidden = not cleared_for(user, action.restricted)
    rows = session.exec(select(AuditEvent).where(AuditEvent.plan_id == plan_id, AuditEvent.entity == "action",
                                                 AuditEvent.entity_key == action.ref,
                                                 AuditEvent.event.in_(HISTORY_EVENTS))
                        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    result = []
    for row in rows:
        masked = hidden or (not cleared_for(user, row.restricted))
        before, after = _loads(row.before), _loads(row.after)
        changes = [{"field": LABELS.get(k, k.replace("_", " ").capitalize()),
                    "before": RESTRICTED_TEXT if masked else _shown(before.get(k)),
                    "after": RESTRICTED_TEXT if masked else _shown(after.get(k))}
                   for k in dict.fromkeys([*before, *after])]
        result.append({"at": row.at, "event": row.event, "what": audit.event_words(row.event),
                       "who": RESTRICTED_TEXT if masked else _who(row.actor), "changes": changes})
    return result


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return f"{date.fromisoformat(value):%d %b %Y}"
        except ValueError:
            return value
    return str(value)


def _who(actor: str) -> str:
    """'Sam Secretariat <sam@...>' -> 'Sam Secretariat': the page names people, not addresses."""
    return actor.split(" <", 1)[0] if actor else "system"


def retired_refs(session: Session, *, plan_id: int) -> list[str]:
    """The refs of the plan's retired actions, in plan order (for lists that offer 'show retired')."""
    return list(session.exec(select(Action.ref).where(Action.plan_id == plan_id, Action.retired_at.is_not(None))
                             .order_by(Action.ref_sort, Action.id)).all())


def active_action_choices(session: Session, *, user: Actor, plan_id: int) -> list[tuple[str, str]]:
    """(ref, title) of the actions in the plan now (not retired), in plan order, for the edit page's
    pick list; restricted titles masked for users not cleared."""
    from plan.actions import RESTRICTED_TITLE

    rows = session.exec(select(Action.ref, Action.title, Action.restricted).join(Theme, Theme.id == Action.theme_id)
                        .where(Action.plan_id == plan_id, Action.retired_at.is_(None))
                        .order_by(Theme.position, Action.ref_sort, Action.id)).all()
    return [(ref, RESTRICTED_TITLE if not cleared_for(user, restricted) else title)
            for ref, title, restricted in rows]


__all__ = ["FIELDS", "LABELS", "action_values", "active_action_choices", "add_action", "add_objective",
           "close_action", "edit_action", "edit_choices", "edit_objective", "move_action", "next_free_ref",
           "plan_edits", "retire_action", "retired_refs"]
