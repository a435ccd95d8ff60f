"""Reading a plan's frame: which plans exist, its marking, themes, RAG meanings, pick-lists."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from models import Action, ActionPartner, Agency, Board, Plan, RagDefinition, Theme
from plan.errors import NotFound
from plan.identity import Actor
from plan.vocab import RAG_ORDER

PERSONAL_DATA_POLICIES = ("warn", "refuse")


@dataclass(frozen=True)
class PlanFrame:
    """What every page needs about the plan it shows; plain values, safe to keep in the UI."""

    id: int
    slug: str
    name: str
    organisation: str
    vision: str
    protective_marking: str
    reporting_cycle: str
    personal_data_policy: str
    themes: list[tuple[str, str]]  # (name, description) in the plan's order
    rag_definitions: list[tuple[str, str, str]]  # (rag, label, meaning) in RAG order


def list_plans(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every plan in this deployment, oldest first."""
    return [(p.slug, p.name) for p in session.exec(select(Plan).order_by(Plan.id)).all()]


def plan_frame(session: Session, slug: str | None = None) -> PlanFrame:
    """The named plan, or the first one. Raises NotFound when there is none."""
    query = select(Plan).order_by(Plan.id)
    if slug:
        query = query.where(Plan.slug == slug)
    plan = session.exec(query).first()
    if plan is None or plan.id is None:
        raise NotFound(f"There is no plan '{slug}'." if slug else "No plan has been loaded yet.")
    themes = session.exec(
        select(Theme.name, Theme.description).where(Theme.plan_id == plan.id).order_by(Theme.position)
    ).all()
    definitions = {
        d.rag: (d.label, d.meaning)
        for d in session.exec(select(RagDefinition).where(RagDefinition.plan_id == plan.id)).all()
    }
    return PlanFrame(
        id=plan.id, slug=plan.slug, name=plan.name, organisation=plan.organisation, vision=plan.vision,
        protective_marking=plan.protective_marking, reporting_cycle=plan.reporting_cycle,
        personal_data_policy=plan.personal_data_policy,
        themes=[(name, description) for name, description in themes],
        rag_definitions=[(rag.value, *definitions[rag.value]) for rag in RAG_ORDER if rag.value in definitions],
    )


@dataclass(frozen=True)
class Choices:
    """The values the filters offer, each a list of names in display order. owners: only when
    asked for (the Actions page's owner filter): it groups every action's owner name."""

    themes: list[str]
    agencies: list[str]
    boards: list[str]  # codes
    board_names: dict[str, str]
    owners: list[str] = field(default_factory=list)


def filter_choices(session: Session, *, plan_id: int, owners: bool = False) -> Choices:
    themes = session.exec(select(Theme.name).where(Theme.plan_id == plan_id).order_by(Theme.position)).all()
    boards = session.exec(select(Board.code, Board.name).where(Board.plan_id == plan_id).order_by(Board.id)).all()
    # The agencies that lead or partner an action of the plan: per agency (a few dozen), an index
    # probe for one such action, not a pass over every action of the plan.
    leads = exists().where(Action.lead_agency_id == Agency.id, Action.plan_id == plan_id)
    partners = exists().where(ActionPartner.agency_id == Agency.id, ActionPartner.action_id == Action.id,
                              Action.plan_id == plan_id)
    agencies = session.exec(select(Agency.name).where(or_(leads, partners)).order_by(Agency.name)).all()
    return Choices(themes=list(themes), agencies=list(agencies), boards=[c for c, _ in boards],
                   board_names=dict(boards), owners=owner_choices(session, plan_id=plan_id) if owners else [])


def owner_choices(session: Session, *, plan_id: int) -> list[str]:
    """The owner names of the plan's actions, for the owner filter. Owners of restricted actions are
    restricted detail: never offered as a filter value."""
    return list(session.exec(
        select(Action.lead_owner)
        .where(Action.plan_id == plan_id, Action.restricted.is_(False), Action.lead_owner != "")
        .group_by(Action.lead_owner).order_by(func.lower(Action.lead_owner))
    ).all())


def update_settings(session: Session, *, user: Actor, plan_id: int, protective_marking: str | None = None,
                    personal_data_policy: str | None = None) -> None:
    """Change the plan's marking or its personal-data policy (warn or refuse). Admins only. Kept for
    its callers: the plan's settings live in plan/maintenance/settings.py now."""
    from plan.maintenance.settings import update_settings as update_plan_settings

    update_plan_settings(session, user=user, plan_id=plan_id, protective_marking=protective_marking,
                         personal_data_policy=personal_data_policy)
