"""Applying a read plan spreadsheet: every row checked in Python first, then written in bulk.

Why in bulk: a council's sheet can hold 10,000 actions with two quarters of history each.
Writing each row through the services (plan.updates.record_update, plan.users.assign_owner)
cost about 25 SQL statements a row (an import took 60 times as long as pandas reading the file).
Here each table the import reads is read once (themes, agencies, the plan's actions, their
partners, the import keys already held, people), each row is checked against the very rules
those services apply (their own functions: updates._problems, may_update, personal_data.check,
users._check_can_own), and only then is anything written: one INSERT per table for new
actions, partners, status updates and audit events, and the ORM for the few existing actions
that change. A row that breaks a rule is named and leaves nothing behind, since nothing is
written for it; a dry run stops before the writing, so its report is what an import would do.

An action's current RAG and status are its latest update's: an update older than the action's
latest is never added (the same rule as before), so the last update written for an action is its
latest by (created_at, id), and the action's columns are set from it in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from models import Action, ActionPartner, Agency, AuditEvent, Person, Plan, StatusUpdate, Theme, UpdateRound
from plan import personal_data
from plan.audit import _json as audit_json
from plan.errors import InvalidFields, InvalidInput, NotAllowed, PlanError
from plan.identity import Actor
from plan.imports.parsing import FIELD_LABELS
from plan.imports.plan_import import (
    IMPORT_AUTHOR,
    _cleaned,
    _extra_of,
    _keep_extra,
    _key,
    _Row,
    _theme_for,
    _theme_from_banner,
)
from plan.periods import period_for
from plan.permissions import require
from plan.refs import sort_key
from plan.text import clean
from plan.updates import _choice, _problems, may_update
from plan.users import _check_can_own, _require_clearance
from plan.vocab import RAG_LABELS, AgencyKind, DeliveryStatus, Rag

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")


@dataclass
class _Pending:
    """What one checked row will write (nothing is written while rows are being checked)."""

    row: _Row
    action: Action | None  # an existing action; None: a new one
    state: SimpleNamespace  # the action as it will be after this row (rag, status, owner, ...)
    wanted: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    owner: tuple[Person, str] | None = None  # the account now owning it, and the e-mail of the one before
    partners: list[int | str] = field(default_factory=list)  # agency ids, or names of agencies to add
    updates: list[dict[str, Any]] = field(default_factory=list)
    update_events: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)


@dataclass
class Prepared:
    """The checked rows of an import and what was read to check them."""

    user: Actor
    plan: Plan
    pending: list[_Pending]
    agencies: dict[str, int]


def prepare(session: Session, *, user: Actor, plan: Plan, rows: list[_Row], themes: dict[str, Theme],
            new_plan: bool, year: int) -> Prepared:
    """Check every row without errors against the plan as held; a row that breaks a rule gets the
    error (as the service would word it) and is left out. Fills each row's report."""
    agencies: dict[str, int] = {}
    for agency_id, name in session.exec(select(Agency.id, Agency.name).order_by(Agency.id)).all():
        agencies.setdefault(name, agency_id)
    actions = {a.ref: a for a in session.exec(select(Action).where(Action.plan_id == plan.id)).all()}
    partners: dict[int, set[int | str]] = {}
    for action_id, agency_id in session.exec(select(ActionPartner.action_id, ActionPartner.agency_id)
                                             .join(Action, Action.id == ActionPartner.action_id)
                                             .where(Action.plan_id == plan.id)).all():
        partners.setdefault(action_id, set()).add(agency_id)
    keys = set(session.exec(select(StatusUpdate.submission_key).join(Action, Action.id == StatusUpdate.action_id)
                            .where(Action.plan_id == plan.id, StatusUpdate.submission_key.like("import-%"))).all())
    people = session.exec(select(Person)).all()
    context = SimpleNamespace(
        user=user, plan=plan, themes=themes, new_plan=new_plan, year=year, session=session,
        agencies=agencies, actions=actions, partners=partners, keys=keys,
        people={p.email: p for p in people}, emails_by_id={p.id: p.email for p in people},
        known_emails=[p.email for p in people], passed=set(),
        importer=Actor(None, IMPORT_AUTHOR, "", user.role, cleared_for_restricted=user.cleared_for_restricted),
        open_round=session.exec(select(UpdateRound.id).where(UpdateRound.plan_id == plan.id,
                                                             UpdateRound.closed_at.is_(None))).first(),
    )
    pending = []
    for row in rows:
        if row.report.errors:
            continue
        try:
            pending.append(_prepare_row(context, row))
        except PlanError as err:
            row.report.errors.append(str(err))
            row.report.change, row.report.changed_fields, row.report.history_added = "", [], 0
    return Prepared(user=user, plan=plan, pending=pending, agencies=agencies)


def _prepare_row(c: SimpleNamespace, row: _Row) -> _Pending:
    report = row.report
    theme = _theme_for(c.themes, row.theme)
    if theme is None:
        if not c.new_plan:
            raise InvalidInput(f"Theme '{row.theme}' is not one of the plan's themes: "
                               f"{', '.join(sorted(c.themes))}; rename it or map the column.")
        theme = Theme(plan_id=c.plan.id, name=_theme_from_banner(row.theme)[0][:100], position=len(c.themes))
        c.session.add(theme)
        c.session.flush()
        c.themes[theme.name] = theme
    values = row.values
    # every length the database holds is kept to here, so the write cannot refuse what was checked
    wanted: dict[str, Any] = {"title": clean(values["title"], multiline=False)[:300], "theme_id": theme.id}
    if "description" in values:
        wanted["description"] = clean(values["description"])
    if "owner" in values:
        wanted["lead_owner"] = clean(values["owner"], multiline=False)[:200]
    if "named_partners" in values:
        wanted["named_partners"] = clean(values["named_partners"], multiline=False)
    if "due_date" in values:
        wanted["reporting_frequency"] = (values.get("reporting_frequency") or None) and values[
            "reporting_frequency"][:40]
    if "lead_agency" in values:
        name = values["lead_agency"] and clean(values["lead_agency"], multiline=False)[:200]
        wanted["lead_agency_id"] = c.agencies.get(name, name) if name else None  # a name: an agency to add
    action = c.actions.get(row.ref)
    if action is None:
        state = SimpleNamespace(id=None, ref=row.ref, restricted=False, retired_at=None, retired_reason="",
                                rag=Rag.NOT_ASSESSED.value,
                                delivery_status=values.get("delivery_status") or DeliveryStatus.NOT_STARTED.value,
                                owner_person_id=None, last_update_at=None)
        pending = _Pending(row, None, state, wanted)
        report.change = "create"
        report.changed_fields = sorted(wanted)
    else:
        state = SimpleNamespace(id=action.id, ref=action.ref, restricted=action.restricted,
                                retired_at=action.retired_at, retired_reason=action.retired_reason, rag=action.rag,
                                delivery_status=action.delivery_status, owner_person_id=action.owner_person_id,
                                last_update_at=action.last_update_at)
        pending = _Pending(row, action, state, wanted)
        before = {k: getattr(action, k) for k in wanted}
        changed = [k for k, v in wanted.items() if before[k] != v]
        if row.extra and _extra_of(action) != {**_extra_of(action), **_cleaned(row.extra)}:
            changed.append("extra")
        if action.restricted and not c.user.cleared_for_restricted and changed:
            raise InvalidInput(f"Action {row.ref} is restricted: only someone cleared may change it.")
        for key in ("start_date", "due_date"):
            held = action.start_date if key == "start_date" else action.current_due_date
            if values.get(key) and held != values[key]:
                report.warnings.append(f"{FIELD_LABELS[key]} in the sheet ({values[key]:%d %b %Y}) differs from the "
                                       "plan's; not changed here (a new due date goes through Due dates).")
        pending.before, pending.changed = before, changed
        report.change = "update" if changed else "unchanged"
        report.changed_fields = changed
    _owner_account(c, pending)
    if "partners" in values:
        held = set(c.partners.get(state.id, ())) if state.id is not None else set()
        for name in values["partners"]:
            partner = c.agencies.get(name[:200], name[:200])
            if partner not in held:
                pending.partners.append(partner)
                held.add(partner)
        if pending.partners and report.change == "unchanged":
            report.change, report.changed_fields = "update", [*report.changed_fields, "partners"]
    _history(c, pending)
    return pending


def _owner_account(c: SimpleNamespace, pending: _Pending) -> None:
    """A lead officer given by e-mail who has an account becomes the action's owner (the rules of
    plan.users.assign_owner); any other lead stays as written until the secretariat assigns a person."""
    row, state = pending.row, pending.state
    found = _EMAIL.search(row.values.get("owner") or "")
    if not found:
        return
    email = found.group(0).lower()
    person = c.people.get(email)
    if person is None:
        row.report.warnings.append(f"No account has the e-mail {email}: the lead is kept as written; add them on "
                                   "Users, then assign the action.")
        return
    if state.owner_person_id == person.id:
        return
    try:
        require(c.user, "action.assign_owner")
        _require_clearance(c.user, state)  # type: ignore[arg-type]
        _check_can_own(person, state)  # type: ignore[arg-type]
    except PlanError as err:
        row.report.warnings.append(f"{person.name} cannot own this action ({err}); the lead is kept as written.")
        return
    pending.owner = (person, c.emails_by_id.get(state.owner_person_id, "") if state.owner_person_id else "")
    state.owner_person_id = person.id
    if row.report.change == "unchanged":
        row.report.change = "update"
    row.report.changed_fields = [*row.report.changed_fields, "owner account"]


def _history(c: SimpleNamespace, pending: _Pending) -> None:
    """Each period's RAG and words, appended in period order, checked as record_update checks them;
    written as "import", with the importing user's role and clearance."""
    row, state, report = pending.row, pending.state, pending.row.report
    for period, entry in row.history:
        label = entry.pop("label")
        key = _key(c.plan.id, row.ref, label, entry)
        entry["label"] = label
        if key in c.keys:
            continue
        at = (datetime.combine(period.end(c.year), time(12), tzinfo=UTC) if period is not None
              else datetime.now(UTC))
        latest = state.last_update_at
        if latest is not None and latest.replace(tzinfo=latest.tzinfo or UTC) >= at:
            report.warnings.append(f"{label or 'The update'}: older than the action's latest update, so not added "
                                   "to its history.")
            continue
        rag, status = entry["rag"], entry["status"]
        if not status:
            status = DeliveryStatus.COMPLETE.value if rag == Rag.BLUE.value else DeliveryStatus.IN_PROGRESS.value
        if rag == Rag.BLUE.value:
            status = DeliveryStatus.COMPLETE.value  # Blue is complete, whatever else the row says
        if status == DeliveryStatus.COMPLETE.value and not entry["evidence_url"].startswith("https://"):
            # the sheet is the partnership's own record that it was delivered: kept as it says, and said
            report.warnings.append(f"{label + ': ' if label else ''}complete in the sheet: recorded as "
                                   f"{RAG_LABELS[Rag(rag)]} and complete; the sheet gives no evidence link (add one "
                                   "in the app).")
        commentary = entry["commentary"]
        if not commentary and (rag in (Rag.RED.value, Rag.AMBER.value) or rag != state.rag):
            commentary = "RAG taken from the spreadsheet; no commentary was given."
            report.warnings.append(f"{label + ': ' if label else ''}no commentary with the RAG: the history says so.")
        written = _checked_update(c, state, rag=rag, delivery_status=status, commentary=commentary,
                                  blockers=entry["blockers"], support_asked=entry["support_asked"],
                                  evidence_url=entry["evidence_url"])
        written.update(author_person_id=None, author_name=IMPORT_AUTHOR, created_at=at,
                       period=period_for(at.date(), c.plan.reporting_cycle),
                       # a past period's update is history, not a return to the round open now
                       round_id=None if period is not None else c.open_round,
                       is_demo=False, submission_key=key)
        pending.updates.append(written)
        pending.update_events.append((
            {"rag": state.rag, "delivery_status": state.delivery_status},
            {"rag": written["rag"], "delivery_status": written["delivery_status"], "commentary": written["commentary"],
             "blockers": written["blockers"], "support_asked": written["support_asked"],
             "evidence_url": written["evidence_url"], "period": written["period"], "demo": False}))
        state.rag, state.delivery_status, state.last_update_at = written["rag"], written["delivery_status"], at
        c.keys.add(key)
        report.history_added += 1
    if report.history_added and report.change == "unchanged":
        report.change = "update"
        report.changed_fields = [*report.changed_fields, "history"]


def _checked_update(c: SimpleNamespace, state: SimpleNamespace, *, rag: str, delivery_status: str, commentary: str,
                    blockers: str, support_asked: str, evidence_url: str) -> dict[str, Any]:
    """plan.updates.record_update's checks, in its order and words, on the action as it will be."""
    ref = state.ref
    if not may_update(c.session, c.importer, state):  # type: ignore[arg-type]
        raise NotAllowed(f"You cannot update action {ref}: only its owner or the plan secretariat can"
                         + (", and only if cleared for restricted items." if state.restricted else "."))
    if state.retired_at is not None:
        why = state.retired_reason or "no reason given"
        raise InvalidInput(f"Action {ref} was retired on {state.retired_at:%d %b %Y} ({why}): it takes no more "
                           "updates. Ask the secretariat if it should come back into the plan.")
    problems = _problems(state, rag=rag, delivery_status=delivery_status, commentary=commentary,  # type: ignore[arg-type]
                         blockers=blockers, support_asked=support_asked, evidence_url=evidence_url)
    if not evidence_url.strip():  # a complete action imported without a link: warned, not refused (see _history)
        problems.pop("evidence_url", None)
    if problems:
        raise InvalidFields(problems)
    commentary, blockers = clean(commentary).strip(), clean(blockers).strip()
    support_asked = clean(support_asked).strip()
    evidence_url = clean(evidence_url, multiline=False).strip()
    texts = (commentary, blockers, support_asked, evidence_url)
    if texts not in c.passed:  # a sheet repeats its words ("On track"): each is checked once
        personal_data.check({"Commentary": commentary, "Blockers": blockers, "Support asked": support_asked,
                             "Evidence link": evidence_url}, policy=c.plan.personal_data_policy, confirmed=False,
                            known_emails=c.known_emails)
        c.passed.add(texts)
    return {"rag": Rag(_choice(Rag, rag)).value,
            "delivery_status": DeliveryStatus(_choice(DeliveryStatus, delivery_status)).value,
            "commentary": commentary, "blockers": blockers, "support_asked": support_asked,
            "evidence_url": evidence_url}


# ---------------------------------------------------------------- writing


def _agency_kind(name: str) -> str:
    words = name.lower()
    return (AgencyKind.POLICE if "police" in words else AgencyKind.NHS if any(
        w in words for w in ("nhs", "icb", "hospital", "health")) else AgencyKind.COUNCIL if "council" in words
        else AgencyKind.EDUCATION if any(w in words for w in ("school", "college", "academy")) else
        AgencyKind.OTHER).value


def write(session: Session, prepared: Prepared) -> None:
    """Write every checked row: agencies named for the first time, new actions (one INSERT, ids
    returned), changes to existing actions, partners, history and audit events (one INSERT each)."""
    user, plan, pending = prepared.user, prepared.plan, prepared.pending
    agencies = prepared.agencies
    new_names = list(dict.fromkeys(
        name for p in pending for name in [p.wanted.get("lead_agency_id"), *p.partners] if isinstance(name, str)))
    if new_names:
        added = [Agency(name=name, kind=_agency_kind(name)) for name in new_names]
        session.add_all(added)
        session.flush()
        agencies.update({a.name: a.id for a in added})

    def agency(value: int | str | None) -> int | None:
        return agencies[value] if isinstance(value, str) else value

    now = datetime.now(UTC)
    for p in pending:
        if "lead_agency_id" in p.wanted:
            p.wanted["lead_agency_id"] = agency(p.wanted["lead_agency_id"])
        if p.action is not None:
            _change_existing(p, now)
    session.flush()

    table = Action.__table__
    fresh = [p for p in pending if p.action is None]
    ids: dict[str, int] = {p.state.ref: p.state.id for p in pending if p.action is not None}
    if fresh:
        rows = [_new_action(plan, p, now) for p in fresh]
        session.connection().execute(insert(table), rows)  # a plain executemany: no RETURNING batches
        made = {p.state.ref for p in fresh}
        ids.update({ref: action_id for action_id, ref in session.connection().execute(
            select(table.c.id, table.c.ref).where(table.c.plan_id == plan.id)) if ref in made})

    partner_rows = [{"action_id": ids[p.state.ref], "agency_id": agency(a)} for p in pending for a in p.partners]
    if partner_rows:
        session.connection().execute(insert(ActionPartner.__table__), partner_rows)
    update_rows = [{**u, "action_id": ids[p.state.ref]} for p in pending for u in p.updates]
    if update_rows:
        session.connection().execute(insert(StatusUpdate.__table__), update_rows)
    events = _events(user, plan, pending)
    if events:
        session.connection().execute(insert(AuditEvent.__table__), events)


def _change_existing(p: _Pending, now: datetime) -> None:
    action, state = p.action, p.state
    assert action is not None
    for key in p.changed:
        if key != "extra":
            setattr(action, key, p.wanted[key])
    if "extra" in p.changed:
        _keep_extra(action, p.row.extra)
    if p.changed:
        action.updated_at = now
    if p.owner is not None:
        action.owner_person_id = p.owner[0].id
    if p.updates:  # the latest update written is the latest held (older ones are never added)
        action.rag, action.delivery_status = state.rag, state.delivery_status
        action.updated_at = action.last_update_at = state.last_update_at


def _new_action(plan: Plan, p: _Pending, now: datetime) -> dict[str, Any]:
    values, state = p.row.values, p.state
    extra = None
    if p.row.extra:
        holder = SimpleNamespace(extra=None)
        _keep_extra(holder, p.row.extra)  # type: ignore[arg-type]
        extra = holder.extra
    return {"plan_id": plan.id, "ref": state.ref, "ref_sort": sort_key(state.ref),
            "start_date": values.get("start_date"), "baseline_due_date": values.get("due_date"),
            "current_due_date": values.get("due_date"), "description": "", "lead_owner": "",
            "lead_agency_id": None, "named_partners": "", "reporting_frequency": None,
            **p.wanted, "extra": extra, "owner_person_id": state.owner_person_id,
            "rag": state.rag, "delivery_status": state.delivery_status, "created_at": now,
            "updated_at": state.last_update_at or now, "last_update_at": state.last_update_at}


def _events(user: Actor, plan: Plan, pending: list[_Pending]) -> list[dict[str, Any]]:
    """One "action.import" event per action the import creates or changes, holding what changed and
    the history it gained (each update's RAG, status, words and period), and "action.assign_owner"
    where an account became the owner. (Through the services each imported update was its own
    "action.update" event: at 10,000 actions with two quarters each, 20,000 more rows, the
    largest part of the writing.) The "plan.import" summary follows, from import_plan."""
    now = datetime.now(UTC)

    def event(actor: Actor, name: str, ref: str, before: dict[str, Any] | None, after: dict[str, Any],
              restricted: bool) -> dict[str, Any]:
        return {"at": now, "actor_person_id": actor.person_id,
                "actor": f"{actor.name} <{actor.email}>" if actor.email else actor.name, "event": name,
                "plan_id": plan.id, "entity": "action", "entity_key": ref, "before": audit_json(before),
                "after": audit_json(after), "detail": "", "restricted": restricted}

    events = []
    for p in pending:
        ref, restricted = p.state.ref, p.state.restricted
        history = {"history": [after for _, after in p.update_events]} if p.update_events else {}
        if p.action is None:
            events.append(event(user, "action.import", ref, None, {**p.wanted, **history}, restricted))
        elif p.changed or history:
            shown = [k for k in p.changed if k != "extra"]
            before = {k: p.before.get(k) for k in shown}
            if history:
                before.update(p.update_events[0][0])  # the RAG and status before the imported history
            events.append(event(user, "action.import", ref, before, {**{k: p.wanted[k] for k in shown}, **history},
                                restricted))
        if p.owner is not None:
            events.append(event(user, "action.assign_owner", ref, {"owner": p.owner[1]}, {"owner": p.owner[0].email},
                                restricted))
    return events
