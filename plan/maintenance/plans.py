"""Several plans in one deployment: a new plan from scratch or from a plan file, and the yearly
refresh (a new plan carrying last year's open actions forward, last year's plan left as it was)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models import (
    Action,
    ActionBoard,
    ActionDelegate,
    ActionPartner,
    Board,
    DueDateRequest,
    FollowUp,
    Measure,
    MeasureAction,
    Objective,
    Person,
    Plan,
    RagDefinition,
    StatusUpdate,
    SuggestionSettings,
    Theme,
)
from plan import audit
from plan.actions import in_plan_now
from plan.errors import InvalidFields, InvalidInput, NotFound
from plan.identity import Actor
from plan.periods import CYCLES, period_for
from plan.permissions import require
from plan.seed import SeedPlan, load_seed, parse_seed
from plan.text import clean
from plan.vocab import DEFAULT_RAG_MEANINGS, RAG_LABELS, DeliveryStatus, Rag

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
FINISHED = (DeliveryStatus.COMPLETE.value, DeliveryStatus.CLOSED.value)


def line(value: object) -> str:
    """A one-line name as typed, cleaned (plan/text.py) and with its spaces tidied."""
    return " ".join(clean(value, multiline=False).split())


@dataclass(frozen=True)
class PlanSummary:
    """What a plan file would load (a dry run) or loaded."""

    slug: str
    name: str
    themes: int
    objectives: int
    actions: int
    measures: int


def slug_problem(session: Session, slug: str) -> str | None:
    """Why `slug` cannot name a new plan, or None."""
    if not SLUG.fullmatch(slug or ""):
        return (f"'{slug}' cannot be a plan's short name: use lower-case letters, digits and hyphens "
                "(up to 60), e.g. southend-vv-2027.")
    if session.exec(select(Plan.id).where(Plan.slug == slug)).first() is not None:
        return f"There is already a plan '{slug}'; choose another short name. Nothing was loaded."
    return None


def list_plan_rows(session: Session, *, user: Actor) -> list[dict[str, Any]]:
    """Every plan in this deployment, oldest first, with its actions in the plan now and how many
    are open, and the plan it was refreshed from. Admins only."""
    require(user, "plan.manage")
    counts = (select(Action.plan_id, func.count().label("actions"),
                     func.sum(case((Action.delivery_status.in_(FINISHED), 0), else_=1)).label("open"))
              .where(in_plan_now()).group_by(Action.plan_id).subquery())
    earlier = aliased(Plan)
    rows = session.exec(
        select(Plan.slug, Plan.name, Plan.organisation, Plan.protective_marking, Plan.start_date,
               counts.c.actions, counts.c.open, earlier.slug)
        .outerjoin(counts, counts.c.plan_id == Plan.id).outerjoin(earlier, earlier.id == Plan.refreshed_from_id)
        .order_by(Plan.id)).all()
    return [{"slug": slug, "name": name, "organisation": organisation, "marking": marking, "start_date": start,
             "actions": int(actions or 0), "open": int(still_open or 0), "refreshed_from": before or ""}
            for slug, name, organisation, marking, start, actions, still_open, before in rows]


def create_plan(session: Session, *, user: Actor, slug: str, name: str, organisation: str,
                protective_marking: str = "OFFICIAL-SENSITIVE", reporting_cycle: str = "quarterly",
                start_date: date | None = None, themes: list[str] | None = None) -> Plan:
    """A new, empty plan: its settings, its themes in order, the usual RAG meanings (edit them in
    Plan settings). Admins only. Raises NotAllowed, InvalidFields (each problem by field)."""
    require(user, "plan.manage")
    slug = (slug or "").strip()
    name, organisation = line(name), line(organisation)
    marking = " ".join((protective_marking or "").split()).upper()
    names = [line(t) for t in (themes or []) if line(t)]
    problems: dict[str, str] = {}
    if problem := slug_problem(session, slug):
        problems["slug"] = problem
    if not name or len(name) > 200:
        problems["name"] = "Give the plan's name (up to 200 characters)."
    if not organisation or len(organisation) > 200:
        problems["organisation"] = "Give the organisation the plan belongs to (up to 200 characters)."
    if not marking or len(marking) > 60:
        problems["protective_marking"] = "Give a protective marking of up to 60 characters, e.g. OFFICIAL-SENSITIVE."
    if reporting_cycle not in CYCLES:
        problems["reporting_cycle"] = f"The reporting cycle must be one of: {', '.join(CYCLES)}."
    if not names:
        problems["themes"] = "Give at least one theme (one a line), e.g. Prepare, Prevent, Protect, Pursue."
    elif len({n.lower() for n in names}) < len(names):
        problems["themes"] = "A theme is listed twice; each theme needs its own name."
    elif any(len(n) > 100 for n in names):
        problems["themes"] = "A theme's name can be up to 100 characters."
    if problems:
        raise InvalidFields(problems)
    plan = Plan(slug=slug, name=name, organisation=organisation, protective_marking=marking,
                reporting_cycle=reporting_cycle, start_date=start_date)
    session.add(plan)
    session.flush()
    assert plan.id is not None
    for position, theme in enumerate(names):
        session.add(Theme(plan_id=plan.id, name=theme, position=position))
    for rag in Rag:
        session.add(RagDefinition(plan_id=plan.id, rag=rag.value, label=RAG_LABELS[rag],
                                  meaning=DEFAULT_RAG_MEANINGS[rag]))
    session.flush()
    audit.record(session, actor=user, event="plan.create", plan_id=plan.id, entity="plan", entity_key=slug,
                 after={"name": name, "organisation": organisation, "marking": marking, "cycle": reporting_cycle,
                        "start_date": start_date, "themes": names})
    return plan


def check_plan_file(session: Session, *, text: str, source: str,
                    slug: str | None = None) -> tuple[SeedPlan, PlanSummary]:
    """Read and check a plan file without writing (the dry run). `slug` loads it under another
    short name than the file's. Raises SeedError (each problem with its line and field),
    InvalidInput (the short name is taken)."""
    seed = parse_seed(text, source=source, known_emails=session.exec(select(Person.email)).all())
    if slug:
        seed.slug = slug.strip()
    if problem := slug_problem(session, seed.slug):
        raise InvalidInput(problem)
    return seed, PlanSummary(slug=seed.slug, name=seed.name, themes=len(seed.themes),
                             objectives=len(seed.objectives), actions=len(seed.actions),
                             measures=len(seed.measures))


def load_plan_file(session: Session, *, user: Actor, text: str, source: str, slug: str | None = None) -> PlanSummary:
    """Load a plan file as a new plan (never into an existing one: that refuses, nothing is
    duplicated). Admins only. Raises NotAllowed, SeedError, InvalidInput."""
    require(user, "plan.load")
    seed, summary = check_plan_file(session, text=text, source=source, slug=slug)
    load_seed(session, user=user, seed=seed)
    return summary


@dataclass(frozen=True)
class Refreshed:
    plan_id: int
    slug: str
    carried: list[str]  # refs carried forward
    left_behind: list[str]  # refs finished last year, not carried
    findings: int = 0  # needs-assessment findings carried forward


def refresh_plan(session: Session, *, user: Actor, plan_id: int, new_slug: str, new_name: str,
                 start_date: date, carry_findings: bool = True) -> Refreshed:
    """Next year's plan: the same frame (themes, boards, RAG definitions, objectives, settings,
    suggested-RAG thresholds) and the actions still open (not complete, closed or retired), each
    linked to the one it carries forward (carried_from_id) with its ref, baseline and current due
    date, owner, delegates, partners, boards, RAG and delivery status; their measures' definitions
    come too (figures stay with last year). Each carried action's history starts with one update
    carrying its RAG, status and last words (so the new plan's Overview, Dashboard and board paper
    agree), the approved moves of its due date (a slip is not forgotten) and its open follow-ups.
    Completed actions stay behind; last year's plan and its history are not touched. carry_findings:
    the needs-assessment findings (not retired), the definition of serious violence and the
    assessment come too, each finding linked to the carried actions that answered it
    (plan.strategy.carry_findings). Admins only. Raises NotAllowed, NotFound, InvalidFields."""
    require(user, "plan.manage")
    old = session.get(Plan, plan_id)
    if old is None or old.id is None:
        raise NotFound("There is no such plan.")
    new_slug, new_name = (new_slug or "").strip(), line(new_name)
    problems: dict[str, str] = {}
    if problem := slug_problem(session, new_slug):
        problems["slug"] = problem
    if not new_name or len(new_name) > 200:
        problems["name"] = "Give next year's plan a name (up to 200 characters)."
    elif new_name == old.name:
        problems["name"] = f"'{new_name}' is last year's name too; give next year's plan its own, e.g. with the year."
    if not isinstance(start_date, date):
        problems["start_date"] = "Give the date next year's plan starts (YYYY-MM-DD)."
    if problems:
        raise InvalidFields(problems)

    plan = Plan(slug=new_slug, name=new_name, organisation=old.organisation, vision=old.vision,
                protective_marking=old.protective_marking, reporting_cycle=old.reporting_cycle,
                start_date=start_date, personal_data_policy=old.personal_data_policy,
                update_deadline_days=old.update_deadline_days, plan_choices=old.plan_choices,
                refreshed_from_id=old.id, community_view=False)  # its public page: off until switched on
    session.add(plan)
    session.flush()
    assert plan.id is not None
    themes: dict[int | None, int | None] = {}
    for t in session.exec(select(Theme).where(Theme.plan_id == old.id).order_by(Theme.position)).all():
        copy = Theme(plan_id=plan.id, name=t.name, description=t.description, position=t.position)
        session.add(copy)
        session.flush()
        themes[t.id] = copy.id
    boards: dict[int | None, int | None] = {}
    for b in session.exec(select(Board).where(Board.plan_id == old.id).order_by(Board.id)).all():
        board = Board(plan_id=plan.id, code=b.code, name=b.name)
        session.add(board)
        session.flush()
        boards[b.id] = board.id
    for d in session.exec(select(RagDefinition).where(RagDefinition.plan_id == old.id)).all():
        session.add(RagDefinition(plan_id=plan.id, rag=d.rag, label=d.label, meaning=d.meaning))
    objectives: dict[int | None, int | None] = {}
    for o in session.exec(select(Objective).where(Objective.plan_id == old.id).order_by(Objective.id)).all():
        objective = Objective(plan_id=plan.id, theme_id=themes[o.theme_id], ref=o.ref, title=o.title)
        session.add(objective)
        session.flush()
        objectives[o.id] = objective.id
    if thresholds := session.get(SuggestionSettings, old.id):
        values = thresholds.model_dump(exclude={"plan_id", "updated_at", "updated_by"})
        session.add(SuggestionSettings(plan_id=plan.id, updated_by=user.name, **values))

    carried: dict[int | None, int | None] = {}
    open_actions = session.exec(select(Action).where(Action.plan_id == old.id, in_plan_now(),
                                                     Action.delivery_status.not_in(FINISHED))
                                .order_by(Action.ref_sort, Action.ref)).all()
    for a in open_actions:
        action = Action(
            plan_id=plan.id, ref=a.ref, ref_sort=a.ref_sort, title=a.title, description=a.description,
            source_text=a.source_text, theme_id=themes[a.theme_id], objective_id=objectives.get(a.objective_id),
            lead_owner=a.lead_owner, owner_person_id=a.owner_person_id, lead_agency_id=a.lead_agency_id,
            start_date=a.start_date, baseline_due_date=a.baseline_due_date or a.current_due_date,
            current_due_date=a.current_due_date,
            delivery_status=a.delivery_status, rag=a.rag, restricted=a.restricted, extra=a.extra,
            is_demo=a.is_demo, is_example=a.is_example, plan_choices=a.plan_choices, carried_from_id=a.id)
        session.add(action)
        session.flush()
        carried[a.id] = action.id
    old_ids = list(carried)
    for row in session.exec(select(ActionPartner).where(ActionPartner.action_id.in_(old_ids))).all():
        session.add(ActionPartner(action_id=carried[row.action_id], agency_id=row.agency_id))
    for row in session.exec(select(ActionBoard).where(ActionBoard.action_id.in_(old_ids))).all():
        session.add(ActionBoard(action_id=carried[row.action_id], board_id=boards[row.board_id]))
    for row in session.exec(select(ActionDelegate).where(ActionDelegate.action_id.in_(old_ids))).all():
        session.add(ActionDelegate(action_id=carried[row.action_id], person_id=row.person_id))
    measures = _carry_measures(session, old_plan_id=old.id, new_plan_id=plan.id, carried=carried)
    _carry_history(session, old=old, plan=plan, carried=carried)
    session.flush()
    findings = 0
    if carry_findings:
        from plan.strategy.carry import carry_findings as carry

        findings = carry(session, user=user, old_plan_id=old.id, new_plan_id=plan.id)
    left = session.exec(select(Action.ref).where(Action.plan_id == old.id, in_plan_now(),
                                                 Action.delivery_status.in_(FINISHED))).all()
    audit.record(session, actor=user, event="plan.refresh", plan_id=plan.id, entity="plan", entity_key=new_slug,
                 after={"from": old.slug, "name": new_name, "start_date": start_date,
                        "carried": [a.ref for a in open_actions], "left_behind": sorted(left),
                        "measures": measures, "findings": findings})
    return Refreshed(plan_id=plan.id, slug=new_slug, carried=[a.ref for a in open_actions], left_behind=sorted(left),
                     findings=findings)


def _latest_updates(session: Session, action_ids: list[int]) -> dict[int, StatusUpdate]:
    """Each action's latest update by (created_at, id), in one ranked query per 900 actions."""
    found: dict[int, StatusUpdate] = {}
    for chunk in range(0, len(action_ids), 900):
        ranked = (select(StatusUpdate.id, func.row_number().over(
                      partition_by=StatusUpdate.action_id,
                      order_by=(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())).label("n"))
                  .where(StatusUpdate.action_id.in_(action_ids[chunk:chunk + 900])).subquery())
        for update in session.exec(select(StatusUpdate).join(ranked, ranked.c.id == StatusUpdate.id)
                                   .where(ranked.c.n == 1)).all():
            found[update.action_id] = update
    return found


def _carry_history(session: Session, *, old: Plan, plan: Plan,
                   carried: dict[int | None, int | None]) -> None:
    """The start of each carried action's history in the new plan: an update carrying its RAG,
    status and last words (dated now: the new plan's history begins here; last year's stays with
    last year), copies of the approved moves of its due date (so the plan as at any day reads the
    same due date and counts the same slip), and copies of its open follow-ups (last year's stay
    open in last year's plan, as the actions do)."""
    old_ids = [i for i in carried if i is not None]
    now = datetime.now(UTC)
    latest = _latest_updates(session, old_ids)
    moved: dict[int, datetime] = {}
    for old_id in old_ids:
        new_id = carried[old_id]
        update = latest.get(old_id)
        if update is None or new_id is None:
            continue  # never assessed last year: not assessed this year either
        said = f"on {update.created_at:%d %b %Y}" + (f" by {update.author_name}" if update.author_name else "")
        session.add(StatusUpdate(
            action_id=new_id, rag=update.rag, delivery_status=update.delivery_status,
            commentary=(f"Carried forward from {old.name} (its latest update, {said})."
                        + (f"\n{update.commentary}" if update.commentary else "")),
            blockers=update.blockers, support_asked=update.support_asked, evidence_url=update.evidence_url,
            author_person_id=update.author_person_id, author_name=update.author_name,
            period=period_for(now.date(), plan.reporting_cycle), created_at=now, is_demo=update.is_demo))
        moved[new_id] = now
    if moved:
        session.flush()
        for action in session.exec(select(Action).where(Action.id.in_(list(moved)))).all():
            action.last_update_at = action.updated_at = moved[action.id]  # type: ignore[index]
            session.add(action)
    for chunk in range(0, len(old_ids), 900):
        part = old_ids[chunk:chunk + 900]
        for r in session.exec(select(DueDateRequest).where(DueDateRequest.action_id.in_(part),
                                                           DueDateRequest.decision == "approved")
                              .order_by(DueDateRequest.id)).all():
            session.add(DueDateRequest(**r.model_dump(exclude={"id", "action_id"}), action_id=carried[r.action_id]))
        for f in session.exec(select(FollowUp).where(FollowUp.action_id.in_(part), FollowUp.done_at.is_(None))
                              .order_by(FollowUp.id)).all():
            session.add(FollowUp(**f.model_dump(exclude={"id", "action_id"}), action_id=carried[f.action_id]))


def _carry_measures(session: Session, *, old_plan_id: int, new_plan_id: int,
                    carried: dict[int | None, int | None]) -> int:
    """Copy the definitions of the measures that serve a carried action, or the plan as a whole,
    linked to the carried actions. Their figures stay with last year's plan."""
    links: dict[int | None, list[int]] = {}
    for measure_id, action_id in session.exec(
            select(MeasureAction.measure_id, MeasureAction.action_id)
            .join(Measure, Measure.id == MeasureAction.measure_id).where(Measure.plan_id == old_plan_id)).all():
        links.setdefault(measure_id, []).append(action_id)
    count = 0
    for m in session.exec(select(Measure).where(Measure.plan_id == old_plan_id, Measure.is_demo.is_(False))
                          .order_by(Measure.id)).all():
        served = [carried[i] for i in links.get(m.id, []) if i in carried]
        if links.get(m.id) and not served:
            continue  # every action it served is finished: it stays with last year
        values = m.model_dump(exclude={"id", "plan_id", "action_id", "version"})
        home = carried.get(m.action_id) if m.action_id in carried else (served[0] if served else None)
        measure = Measure(plan_id=new_plan_id, action_id=home, **values)
        session.add(measure)
        session.flush()
        for action_id in dict.fromkeys(served):
            session.add(MeasureAction(measure_id=measure.id, action_id=action_id))
        count += 1
    return count
