"""Needs-assessment findings and the actions that answer them (many to many).

A finding's ref is fixed once added (links, the review and the audit trail name it). Edits are
recorded in the audit trail with before and after; a finding is retired with a reason, never
deleted; links made and unmade are recorded per action with the findings before and after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, tuple_
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from models import Action, AuditEvent, Finding, FindingAction, NeedsAssessment
from plan import audit
from plan.errors import InvalidFields, InvalidInput, NotAllowed, NotFound, StaleVersion
from plan.identity import Actor
from plan.permissions import require
from plan.refs import sort_key
from plan.seed import REF_PATTERN
from plan.text import clean

PRIORITIES = ("high", "medium", "low")
FIELDS = ("ref", "title", "evidence", "quoted", "source", "theme", "priority")
LABELS = {"ref": "Ref", "title": "Title", "evidence": "What the evidence says", "quoted": "Quoted from the source",
          "source": "Source", "theme": "Theme", "priority": "Priority"}
MAX_EVIDENCE = 5000


def _line(value: Any) -> str:
    return " ".join(clean(value or "", multiline=False).split())


def _checked(values: Mapping[str, Any], problems: dict[str, str], *, adding: bool) -> dict[str, Any]:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InvalidInput(f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}; "
                           f"a finding has: {', '.join(FIELDS)}.")
    out: dict[str, Any] = {}
    if "ref" in values:
        ref = _line(values["ref"])
        if not ref:
            problems["ref"] = "Give the finding a short ref, e.g. F1 or SNA-03."
        elif not REF_PATTERN.match(ref):
            problems["ref"] = f"'{ref}': use letters, digits, dots or hyphens (up to 30), e.g. F1 or SNA-03."
        out["ref"] = ref
    if "title" in values or adding:
        title = _line(values.get("title"))
        if not title:
            problems["title"] = "Give the finding a short title: what the assessment found, in a line."
        elif len(title) > 300:
            problems["title"] = f"The title is {len(title)} characters; the most allowed is 300. Shorten it."
        out["title"] = title
    if "evidence" in values:
        text = clean(values["evidence"] or "").strip()
        if len(text) > MAX_EVIDENCE:
            problems["evidence"] = f"The evidence is {len(text):,} characters; the most allowed is {MAX_EVIDENCE:,}."
        out["evidence"] = text
    for key, limit in (("source", 300), ("theme", 100)):
        if key in values:
            text = _line(values[key])
            if len(text) > limit:
                problems[key] = f"{LABELS[key]} is {len(text)} characters; the most allowed is {limit}."
            out[key] = text
    if "priority" in values:
        priority = _line(values["priority"]).lower() or "medium"
        if priority not in PRIORITIES:
            problems["priority"] = f"'{values['priority']}' is not a priority; choose {', '.join(PRIORITIES)}."
        out["priority"] = priority
    if "quoted" in values:
        out["quoted"] = bool(values["quoted"])
    return out


def _finding(session: Session, plan_id: int, ref: str) -> Finding:
    row = session.exec(select(Finding).where(Finding.plan_id == plan_id, Finding.ref == _line(ref))).first()
    if row is None:
        raise NotFound(f"There is no finding '{ref}' in this plan.")
    return row


def _snapshot(row: Finding) -> dict[str, Any]:
    return {key: getattr(row, key) for key in FIELDS}


def _latest_assessment(session: Session, plan_id: int) -> int | None:
    return session.exec(select(NeedsAssessment.id).where(NeedsAssessment.plan_id == plan_id)
                        .order_by(NeedsAssessment.id.desc())).first()


def add_finding(session: Session, *, user: Actor, plan_id: int, fields: Mapping[str, Any],
                submission_key: str | None = None) -> dict[str, Any]:
    """Add a finding (to the latest needs assessment, if one is recorded). Secretariat only. The
    same `submission_key` (one per opened form) adds once: a second send returns the first.
    Raises NotAllowed, InvalidFields (keyed by field), InvalidInput (an unknown field)."""
    require(user, "strategy.edit")
    if submission_key:
        earlier = session.exec(select(AuditEvent.entity_key).where(
            AuditEvent.plan_id == plan_id, AuditEvent.event == "finding.create",
            AuditEvent.detail == f"form {submission_key}")).first()
        if earlier is not None:
            row = _finding(session, plan_id, earlier)
            return finding_dict(row, _refs_of(session, [row.id]).get(row.id or 0, []))
    problems: dict[str, str] = {}
    values = _checked({"ref": "", **fields}, problems, adding=True)
    if values.get("ref") and "ref" not in problems and session.exec(
            select(Finding.id).where(Finding.plan_id == plan_id, Finding.ref == values["ref"])).first():
        problems["ref"] = f"There is already a finding {values['ref']}; give this one its own ref."
    if problems:
        raise InvalidFields(problems)
    row = Finding(plan_id=plan_id, assessment_id=_latest_assessment(session, plan_id),
                  ref_sort=sort_key(values["ref"]), **values)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, event="finding.create", plan_id=plan_id, entity="finding",
                 entity_key=row.ref, after=_snapshot(row), detail=f"form {submission_key}" if submission_key else "")
    return finding_dict(row, [])


def edit_finding(session: Session, *, user: Actor, plan_id: int, ref: str, changes: Mapping[str, Any],
                 expected_version: int | None = None) -> dict[str, Any]:
    """Change a finding's words, source, theme or priority (not its ref). Secretariat only.
    Raises NotAllowed, NotFound, InvalidFields, StaleVersion, InvalidInput (retired)."""
    require(user, "strategy.edit")
    row = _finding(session, plan_id, ref)
    if row.retired_at is not None:
        raise InvalidInput(f"Finding {row.ref} was retired: it is kept as it was and cannot be changed.")
    if expected_version is not None and row.version != expected_version:
        raise StaleVersion(f"Finding {row.ref} was changed by someone else after you opened it; reload and try "
                           "again.")
    if "ref" in changes and _line(changes["ref"]) != row.ref:
        raise InvalidFields({"ref": f"A finding's ref is fixed once added ({row.ref}): links and reviews name it."})
    problems: dict[str, str] = {}
    values = _checked({k: v for k, v in changes.items() if k != "ref"}, problems, adding=False)
    if problems:
        raise InvalidFields(problems)
    before = _snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    after = _snapshot(row)
    if after == before:
        return finding_dict(row, _refs_of(session, [row.id]).get(row.id, []))
    session.add(row)
    try:
        session.flush()
    except StaleDataError as err:
        raise StaleVersion(f"Finding {row.ref} was changed by someone else meanwhile; reload and try again.") from err
    audit.record(session, actor=user, event="finding.edit", plan_id=plan_id, entity="finding", entity_key=row.ref,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return finding_dict(row, _refs_of(session, [row.id]).get(row.id, []))


def retire_finding(session: Session, *, user: Actor, plan_id: int, ref: str, reason: str) -> dict[str, Any]:
    """Withdraw a finding the partnership no longer holds, with a reason; kept in history, out of
    coverage. Its links stay (they say what answered it). Raises NotAllowed, NotFound, InvalidFields."""
    require(user, "strategy.edit")
    row = _finding(session, plan_id, ref)
    why = clean(reason or "").strip()
    if not why:
        raise InvalidFields({"reason": "Say why the finding is retired (e.g. the new assessment no longer finds it)."})
    if row.retired_at is None:
        row.retired_at, row.retired_reason = datetime.now(UTC), why[:2000]
        session.add(row)
        session.flush()
        audit.record(session, actor=user, event="finding.retire", plan_id=plan_id, entity="finding",
                     entity_key=row.ref, after={"reason": row.retired_reason})
    return finding_dict(row, _refs_of(session, [row.id]).get(row.id, []))


# ---------------------------------------------------------------- reading


def finding_dict(row: Finding, actions: list[str]) -> dict[str, Any]:
    return {"ref": row.ref, "title": row.title, "evidence": row.evidence, "quoted": row.quoted,
            "source": row.source, "theme": row.theme, "priority": row.priority, "version": row.version,
            "retired_at": row.retired_at, "retired_reason": row.retired_reason, "actions": actions}


def _refs_of(session: Session, finding_ids: Iterable[int | None]) -> dict[int, list[str]]:
    """The refs of the live actions linked to each finding, in plan order (one query)."""
    ids = [i for i in finding_ids if i is not None]
    found: dict[int, list[str]] = defaultdict(list)
    if ids:
        for finding_id, ref in session.exec(
                select(FindingAction.finding_id, Action.ref).join(Action, Action.id == FindingAction.action_id)
                .where(FindingAction.finding_id.in_(ids), Action.retired_at.is_(None))
                .order_by(FindingAction.finding_id, Action.ref_sort, Action.ref)).all():
            found[finding_id].append(ref)
    return found


def list_findings(session: Session, *, user: Actor, plan_id: int,
                  include_retired: bool = False) -> list[dict[str, Any]]:
    """The plan's findings in ref order, each with the refs of the actions that answer it. The
    findings are the partnership's public evidence: everyone signed in reads them."""
    query = select(Finding).where(Finding.plan_id == plan_id)
    if not include_retired:
        query = query.where(Finding.retired_at.is_(None))
    rows = session.exec(query.order_by(Finding.ref_sort, Finding.ref)).all()
    refs = _refs_of(session, [r.id for r in rows])
    return [finding_dict(r, refs.get(r.id or 0, [])) for r in rows]


def finding_choices(session: Session, *, plan_id: int) -> list[tuple[str, str]]:
    """(ref, title) of the live findings, for a multiselect."""
    return [(r, t) for r, t in session.exec(select(Finding.ref, Finding.title)
                                            .where(Finding.plan_id == plan_id, Finding.retired_at.is_(None))
                                            .order_by(Finding.ref_sort, Finding.ref)).all()]


def findings_for_action(session: Session, *, user: Actor, plan_id: int, action_ref: str) -> list[dict[str, Any]]:
    """The live findings an action answers (ref, title, quoted, priority). Raises NotFound; for a
    restricted action and a reader not cleared, NotAllowed."""
    action = _action(session, plan_id, action_ref)
    if action.restricted and not user.cleared_for_restricted:
        raise NotAllowed(f"Action {action.ref} is restricted.")
    rows = session.exec(select(Finding).join(FindingAction, FindingAction.finding_id == Finding.id)
                        .where(FindingAction.action_id == action.id, Finding.retired_at.is_(None))
                        .order_by(Finding.ref_sort, Finding.ref)).all()
    return [{"ref": r.ref, "title": r.title, "quoted": r.quoted, "priority": r.priority, "source": r.source,
             "evidence": r.evidence} for r in rows]


# ---------------------------------------------------------------- linking


def _action(session: Session, plan_id: int, ref: str) -> Action:
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == _line(ref))).first()
    if action is None:
        raise NotFound(f"There is no action '{ref}' in this plan.")
    return action


def _refs(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    return list(dict.fromkeys(r for r in (_line(v) for v in items) if r))


def _apply(session: Session, *, user: Actor, plan_id: int, wanted: dict[int, set[int]], action_refs: dict[int, str],
           finding_refs: dict[int, str], restricted: set[int], retired: set[int], dry_run: bool) -> dict[str, Any]:
    """Make each action's live findings exactly `wanted[action_id]` (links to retired findings
    stay: they say what answered them): insert and delete only the differences, one audit event
    per action changed."""
    have: dict[int, set[int]] = defaultdict(set)
    ids = list(wanted)
    for chunk in range(0, len(ids), 5000):
        for finding_id, action_id in session.exec(
                select(FindingAction.finding_id, FindingAction.action_id)
                .where(FindingAction.action_id.in_(ids[chunk:chunk + 5000]))).all():
            have[action_id].add(finding_id)
    for action_id in wanted:
        wanted[action_id] |= have[action_id] & retired
    added = [(f, a) for a, fs in wanted.items() for f in fs - have[a]]
    removed = [(f, a) for a, fs in wanted.items() for f in have[a] - fs]
    changes = {action_refs[a]: {"added": sorted(finding_refs[f] for f in wanted[a] - have[a]),
                                "removed": sorted(finding_refs.get(f, str(f)) for f in have[a] - wanted[a])}
               for a in wanted if wanted[a] != have[a]}
    if not dry_run:
        now = datetime.now(UTC)
        if added:
            session.execute(insert(FindingAction), [{"finding_id": f, "action_id": a, "linked_at": now}
                                                   for f, a in added])
        for chunk in range(0, len(removed), 500):
            session.execute(delete(FindingAction).where(
                tuple_(FindingAction.finding_id, FindingAction.action_id).in_(removed[chunk:chunk + 500])))
        for action_id in wanted:
            if wanted[action_id] == have[action_id]:
                continue
            event = "finding.link" if wanted[action_id] - have[action_id] else "finding.unlink"
            audit.record(session, actor=user, event=event, plan_id=plan_id, entity="action",
                         entity_key=action_refs[action_id],
                         before={"findings": sorted(finding_refs.get(f, str(f)) for f in have[action_id])},
                         after={"findings": sorted(finding_refs[f] for f in wanted[action_id])},
                         restricted=action_id in restricted)
        session.flush()
    return {"actions": len(wanted), "changed": len(changes), "added": len(added), "removed": len(removed),
            "changes": changes, "dry_run": dry_run}


def link_findings(session: Session, user: Actor, plan_id: int, links: Mapping[str, Iterable[str] | str],
                  dry_run: bool = False) -> dict[str, Any]:
    """Set, for each action named, exactly the findings it answers (an import's "Finding" column:
    the cell holds the full list, "F1, F3"; an empty list unlinks them all). Every link is checked
    before anything is written; any problem raises InvalidFields keyed by the action's ref (an
    unknown or retired action or finding, a restricted action for someone not cleared) and nothing
    is written. dry_run: check and report, write nothing. Returns {actions, changed, added, removed,
    changes: {action ref: {added: [finding refs], removed: [...]}}, dry_run}. Secretariat only.
    Raises NotAllowed, InvalidFields."""
    require(user, "strategy.edit")
    actions = {ref: (aid, restricted, retired) for ref, aid, restricted, retired in session.exec(
        select(Action.ref, Action.id, Action.restricted, Action.retired_at).where(Action.plan_id == plan_id)).all()}
    findings = {ref: (fid, retired) for ref, fid, retired in session.exec(
        select(Finding.ref, Finding.id, Finding.retired_at).where(Finding.plan_id == plan_id)).all()}
    problems: dict[str, str] = {}
    wanted: dict[int, set[int]] = {}
    action_refs: dict[int, str] = {}
    restricted_ids: set[int] = set()
    for raw_ref, raw_findings in links.items():
        ref = _line(raw_ref)
        found = actions.get(ref)
        if found is None:
            problems[ref or "?"] = f"There is no action '{ref}' in this plan."
            continue
        action_id, restricted, retired = found
        if retired is not None:
            problems[ref] = f"Action {ref} is retired: it is kept as it was and its findings cannot change."
            continue
        if restricted and not user.cleared_for_restricted:
            problems[ref] = f"Action {ref} is restricted: only someone cleared for restricted items can link it."
            continue
        refs = _refs(raw_findings)
        unknown = [r for r in refs if r not in findings]
        gone = [r for r in refs if r in findings and findings[r][1] is not None]
        if unknown or gone:
            words = []
            if unknown:
                known = ", ".join(sorted(findings)) or "none yet"
                words.append(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a finding of the "
                             f"plan (its findings: {known})")
            if gone:
                words.append(f"{', '.join(gone)} {'was' if len(gone) == 1 else 'were'} retired")
            problems[ref] = f"Action {ref}: " + "; ".join(words) + "."
            continue
        wanted[action_id] = {findings[r][0] for r in refs}
        action_refs[action_id] = ref
        if restricted:
            restricted_ids.add(action_id)
    if problems:
        raise InvalidFields(problems)
    finding_refs = {fid: ref for ref, (fid, _) in findings.items()}
    return _apply(session, user=user, plan_id=plan_id, wanted=wanted, action_refs=action_refs,
                  finding_refs=finding_refs, restricted=restricted_ids,
                  retired={fid for fid, gone in findings.values() if gone is not None}, dry_run=dry_run)


def set_action_findings(session: Session, *, user: Actor, plan_id: int, action_ref: str,
                        finding_refs: Iterable[str] | str) -> dict[str, Any]:
    """The findings one action answers, set in full (Action detail, the plan editor). Raises as
    link_findings, with the problem in InvalidFields under "findings"."""
    try:
        return link_findings(session, user, plan_id, {action_ref: finding_refs})
    except InvalidFields as err:
        raise InvalidFields({"findings": " ".join(err.problems.values())}) from err


def set_finding_actions(session: Session, *, user: Actor, plan_id: int, ref: str,
                        action_refs: Iterable[str] | str) -> dict[str, Any]:
    """The actions that answer one finding, set in full (the coverage page): each action named
    gains the finding, each live action no longer named loses it. Raises NotAllowed, NotFound,
    InvalidFields (under "actions")."""
    require(user, "strategy.edit")
    finding = _finding(session, plan_id, ref)
    if finding.retired_at is not None:
        raise InvalidFields({"actions": f"Finding {finding.ref} was retired: its links cannot change."})
    named = _refs(action_refs)
    current = set(_refs_of(session, [finding.id]).get(finding.id or 0, []))
    touched = sorted(set(named) | current)
    have = _findings_of_actions(session, plan_id, touched)
    links = {}
    for action_ref in touched:
        refs = set(have.get(action_ref, []))
        refs = refs | {finding.ref} if action_ref in named else refs - {finding.ref}
        links[action_ref] = sorted(refs)
    try:
        return link_findings(session, user, plan_id, links)
    except InvalidFields as err:
        raise InvalidFields({"actions": " ".join(err.problems.values())}) from err


def _findings_of_actions(session: Session, plan_id: int, action_refs: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    if action_refs:
        for action_ref, finding_ref in session.exec(
                select(Action.ref, Finding.ref).join(FindingAction, FindingAction.action_id == Action.id)
                .join(Finding, Finding.id == FindingAction.finding_id)
                .where(Action.plan_id == plan_id, Action.ref.in_(action_refs), Finding.retired_at.is_(None))).all():
            found[action_ref].append(finding_ref)
    return found

