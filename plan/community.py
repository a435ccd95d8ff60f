"""The public community page's data: progress by theme and completed actions, for anyone.

The source document wants the plan to send "a clear message to all members of the community".
This is what may be said to everyone, without signing in, so it is built from a short list of
fields that are safe by construction rather than by hiding things afterwards:

- published: an action in the plan now (not retired), not restricted, not demo data, not an
  invented example. Unpublished actions are left out of every count as well as every list (a
  count of "hidden" ones would say that restricted work exists).
- said: the plan's name, organisation and vision; each theme's name; per theme, how many
  published actions are in each state; per completed action its ref, title, theme, lead agency
  and the day it was completed.
- never said: any text that plan.personal_data flags (a title naming a child with a date of
  birth is shown as "Title not shown here"), and any person (owner, delegate, update author,
  lead_owner, which names a role that is often one person), any commentary, blocker or ask,
  descriptions, due dates, measures, boards.
  Agencies are organisations, named in the plan as its partners: the lead agency is said.

An action's state comes from its latest real update: demo updates (plan.demo) are ignored, so an
action whose only history is demo data counts as not yet assessed. No sign-in means no user:
`community_view` answers only for a plan whose admin switched the page on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from models import Action, Agency, Plan, StatusUpdate, Theme
from plan import audit, personal_data
from plan.actions import in_plan_now
from plan.errors import InvalidInput, NotFound
from plan.identity import Actor
from plan.permissions import require
from plan.vocab import DeliveryStatus, Rag

PATH = "/community/"
MAX_SLUG = 60  # Plan.slug's length: anything longer is not a plan

# The states the public page counts, in the order it says them, with their words and the RAG whose
# colour marks them (the word is always shown: never colour alone).
STATES: list[tuple[str, str, Rag]] = [
    ("complete", "complete", Rag.BLUE),
    ("on_track", "on track", Rag.GREEN),
    ("at_risk", "at risk", Rag.AMBER),
    ("off_track", "off track", Rag.RED),
    ("not_assessed", "not yet assessed", Rag.NOT_ASSESSED),
    ("deferred", "put back (deferred)", Rag.NOT_ASSESSED),
    ("closed", "closed before completion", Rag.NOT_ASSESSED),
]
STATE_WORDS = {key: words for key, words, _ in STATES}


@dataclass(frozen=True)
class ThemeProgress:
    theme: str
    total: int
    counts: dict[str, int]  # state key -> published actions in that state; every state present

    @property
    def sentence(self) -> str:
        """'Prevent: 3 of 5 actions complete, 1 on track, 1 at risk.'"""
        if not self.total:
            return f"{self.theme}: no published actions."
        noun = "action" if self.total == 1 else "actions"
        parts = [f"{self.counts['complete']} of {self.total} {noun} complete"]
        parts += [f"{self.counts[key]} {words}" for key, words, _ in STATES[1:] if self.counts[key]]
        return f"{self.theme}: " + ", ".join(parts) + "."


@dataclass(frozen=True)
class CompletedAction:
    ref: str
    title: str
    theme: str
    lead_agency: str
    completed_on: date | None  # None when the completion has no dated update (e.g. carried over)


@dataclass(frozen=True)
class CommunityView:
    slug: str
    name: str
    organisation: str
    vision: str
    as_of: date
    themes: list[ThemeProgress]
    completed: list[CompletedAction]

    @property
    def total(self) -> int:
        return sum(t.total for t in self.themes)


def community_path(slug: str) -> str:
    """The public page's path on this site: /community/<slug>."""
    return PATH + slug


def published() -> ColumnElement[bool]:
    """Actions the public may know exist: in the plan now, not restricted, not demo, not an example."""
    return and_(in_plan_now(), Action.restricted.is_(False), Action.is_demo.is_(False),
                Action.is_example.is_(False))


def _states(plan_id: int) -> Any:
    """Per published action of the plan: its id, theme and public state (a subquery, computed once).

    The state comes from the action's latest update that is not demo data when the action has demo
    history (the demo moved the action's current columns), and from its current columns otherwise
    (every real change of RAG or status is an update, so the two agree)."""
    in_plan = StatusUpdate.action_id.in_(select(Action.id).where(Action.plan_id == plan_id))
    ranked = (select(StatusUpdate.action_id, StatusUpdate.rag, StatusUpdate.delivery_status,
                     func.row_number().over(partition_by=StatusUpdate.action_id,
                                            order_by=(StatusUpdate.created_at.desc(), StatusUpdate.id.desc()))
                     .label("n"))
              .where(StatusUpdate.is_demo.is_(False), in_plan).subquery())
    # grouped though n = 1 leaves one row per action: SQLite indexes a grouped subquery for the join,
    # not one of window functions (plan.reports.asof.due_dates_at)
    latest = (select(ranked.c.action_id, func.max(ranked.c.rag).label("rag"),
                     func.max(ranked.c.delivery_status).label("delivery_status"))
              .where(ranked.c.n == 1).group_by(ranked.c.action_id).subquery())
    demo = (select(StatusUpdate.action_id).where(StatusUpdate.is_demo.is_(True), in_plan)
            .group_by(StatusUpdate.action_id).subquery())
    has_demo = demo.c.action_id.is_not(None)
    rag = case((has_demo, func.coalesce(latest.c.rag, literal(Rag.NOT_ASSESSED.value))), else_=Action.rag)
    status = case((has_demo, func.coalesce(latest.c.delivery_status, literal(DeliveryStatus.NOT_STARTED.value))),
                  else_=Action.delivery_status)
    return (select(Action.id.label("action_id"), Action.theme_id, _state(rag, status).label("state"))
            .join(latest, latest.c.action_id == Action.id, isouter=True)
            .join(demo, demo.c.action_id == Action.id, isouter=True)
            .where(Action.plan_id == plan_id, published()).cte("public_state").prefix_with("MATERIALIZED"))


def _state(rag: ColumnElement[str], status: ColumnElement[str]) -> ColumnElement[str]:
    return case(
        (or_(status == DeliveryStatus.COMPLETE.value, rag == Rag.BLUE.value), literal("complete")),
        (status == DeliveryStatus.CLOSED.value, literal("closed")),
        (status == DeliveryStatus.DEFERRED.value, literal("deferred")),
        (rag == Rag.GREEN.value, literal("on_track")),
        (rag == Rag.AMBER.value, literal("at_risk")),
        (rag == Rag.RED.value, literal("off_track")),
        else_=literal("not_assessed"),
    )


def _completed_on(session: Session, plan_id: int) -> dict[int, datetime]:
    """Per action id, when its latest run of 'complete' real updates began. A query of its own:
    joined into the list of completed actions, SQLite planned it per row (16 s at 10,000)."""
    real = [StatusUpdate.is_demo.is_(False),
            StatusUpdate.action_id.in_(select(Action.id).where(Action.plan_id == plan_id))]
    reopened = (select(StatusUpdate.action_id, func.max(StatusUpdate.created_at).label("at"))
                .where(*real, StatusUpdate.delivery_status != DeliveryStatus.COMPLETE.value)
                .group_by(StatusUpdate.action_id).subquery())
    query = (select(StatusUpdate.action_id, func.min(StatusUpdate.created_at).label("at"))
             .join(reopened, reopened.c.action_id == StatusUpdate.action_id, isouter=True)
             .where(*real, StatusUpdate.delivery_status == DeliveryStatus.COMPLETE.value,
                    or_(reopened.c.at.is_(None), StatusUpdate.created_at > reopened.c.at))
             .group_by(StatusUpdate.action_id))
    return dict(session.exec(query).all())


def _published_plan(slug: str) -> Any:
    return select(Plan).where(Plan.slug == slug, Plan.community_view.is_(True))


def _slug_ok(slug: object) -> bool:
    return isinstance(slug, str) and 0 < len(slug) <= MAX_SLUG


def community_view_is_on(session: Session, slug: str) -> bool:
    """Whether `slug` is a plan whose community page is on (one indexed look-up)."""
    return _slug_ok(slug) and session.exec(_published_plan(slug)).first() is not None


def community_view(session: Session, slug: str, *, today: date | None = None) -> CommunityView | None:
    """The public summary of the plan `slug`, or None when there is no such plan or its community
    page is off (the same answer both ways, so the page does not reveal which plans exist)."""
    if not _slug_ok(slug):
        return None
    plan = session.exec(_published_plan(slug)).first()
    if plan is None or plan.id is None:
        return None
    states = _states(plan.id)
    counts: dict[int, dict[str, int]] = {}
    query = (select(states.c.theme_id, states.c.state, func.count())
             .group_by(states.c.theme_id, states.c.state))
    for theme_id, key, count in session.exec(query).all():
        counts.setdefault(theme_id, {})[key] = int(count)
    themes = []
    for theme_id, name in session.exec(select(Theme.id, Theme.name).where(Theme.plan_id == plan.id)
                                       .order_by(Theme.position, Theme.id)).all():
        by_state = {key: counts.get(theme_id, {}).get(key, 0) for key, _, _ in STATES}
        themes.append(ThemeProgress(theme=name, total=sum(by_state.values()), counts=by_state))

    done = _completed_on(session, plan.id)
    rows = session.exec(
        select(Action.id, Action.ref, Action.title, Theme.name, Agency.name)
        .join(states, states.c.action_id == Action.id)
        .join(Theme, Theme.id == Action.theme_id)
        .join(Agency, Agency.id == Action.lead_agency_id, isouter=True)
        .where(states.c.state == "complete")
        .order_by(Theme.position, Action.ref_sort, Action.id)).all()
    completed = [CompletedAction(ref=ref, title=_publishable(title, WITHHELD_TITLE), theme=_publishable(theme),
                                 lead_agency=_publishable(agency or ""), completed_on=_day(done.get(action_id)))
                 for action_id, ref, title, theme, agency in rows]
    themes = [ThemeProgress(theme=_publishable(t.theme), total=t.total, counts=t.counts) for t in themes]
    return CommunityView(slug=plan.slug, name=_publishable(plan.name), organisation=_publishable(plan.organisation),
                         vision=_publishable(plan.vision), as_of=today or date.today(), themes=themes,
                         completed=completed)


WITHHELD_TITLE = "Title not shown here: it may name a person"
WITHHELD = "Not shown here: it may name a person"


def _publishable(text: str, instead: str = WITHHELD) -> str:
    """The words as stored, unless plan.personal_data flags them: text that may hold personal
    data is never published, whatever the plan's policy let the writer save (a warning they
    confirmed, or text saved before the check covered the field)."""
    return instead if text and personal_data.findings(text) else text


def _day(at: datetime | None) -> date | None:
    if at is None:
        return None
    return (at if at.tzinfo is None else at.astimezone(UTC)).date()


def community_view_on(session: Session, *, plan_id: int) -> bool:
    """Whether the plan's public community page is switched on."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    return bool(plan.community_view)


def set_community_view(session: Session, *, user: Actor, plan_id: int, on: bool) -> bool:
    """Switch the plan's public community page on or off; returns the new setting. Admins only;
    a change is recorded with before and after (no change, no event).
    Raises NotAllowed, NotFound, InvalidInput."""
    require(user, "plan.community_view")
    if not isinstance(on, bool):
        raise InvalidInput("Community page: say on (True) or off (False).")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    before = bool(plan.community_view)
    if before != on:
        plan.community_view = on
        audit.record(session, actor=user, event="plan.community_view", plan_id=plan_id, entity="plan",
                     entity_key=plan.slug, before={"community_view": before}, after={"community_view": on},
                     detail=f"public page {community_path(plan.slug)} switched {'on' if on else 'off'}")
    return on
