"""The plan's settings, kept current by the secretariat in the app: themes, boards, what each
RAG rating means, the reporting cycle and the update deadline, the protective marking. Admins
only; every change is recorded with the values before and after. (The suggested-RAG thresholds
are plan/reports/settings.py.)"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from models import Action, ActionBoard, Board, Objective, Plan, RagDefinition, Theme
from plan import audit
from plan.errors import InvalidFields, InvalidInput, NotFound
from plan.identity import Actor
from plan.periods import CYCLES
from plan.permissions import require
from plan.text import clean
from plan.vocab import RAG_LABELS, RAG_ORDER, Rag

PERSONAL_DATA_POLICIES = ("warn", "refuse")
DEADLINE_DAYS = (1, 90)  # the fewest and most days from opening a round to its deadline
BOARD_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9&\-_ ]{0,19}")


def _line(value: object) -> str:
    return " ".join(clean(value, multiline=False).split())


def _plan(session: Session, user: Actor, plan_id: int) -> Plan:
    require(user, "plan.settings")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    return plan


# ---------------------------------------------------------------- the plan's own fields


@dataclass(frozen=True)
class Settings:
    """The plan's settings as the page shows them (plain values)."""

    name: str
    organisation: str
    protective_marking: str
    personal_data_policy: str
    reporting_cycle: str
    update_deadline_days: int
    themes: list[dict[str, Any]]  # name, description, actions (how many), objectives
    boards: list[dict[str, Any]]  # code, name, actions
    rag_definitions: list[dict[str, str]]  # rag, label, meaning, in RAG order


def plan_settings(session: Session, *, plan_id: int) -> Settings:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    actions = dict(session.exec(select(Action.theme_id, func.count()).where(Action.plan_id == plan_id)
                                .group_by(Action.theme_id)).all())
    objectives = dict(session.exec(select(Objective.theme_id, func.count()).where(Objective.plan_id == plan_id)
                                   .group_by(Objective.theme_id)).all())
    themes = [{"name": t.name, "description": t.description, "actions": actions.get(t.id, 0),
               "objectives": objectives.get(t.id, 0)}
              for t in session.exec(select(Theme).where(Theme.plan_id == plan_id)
                                    .order_by(Theme.position, Theme.id)).all()]
    used = dict(session.exec(select(ActionBoard.board_id, func.count()).join(Board, Board.id == ActionBoard.board_id)
                             .where(Board.plan_id == plan_id).group_by(ActionBoard.board_id)).all())
    boards = [{"code": b.code, "name": b.name, "actions": used.get(b.id, 0)}
              for b in session.exec(select(Board).where(Board.plan_id == plan_id).order_by(Board.id)).all()]
    definitions = {d.rag: d for d in session.exec(select(RagDefinition).where(RagDefinition.plan_id == plan_id))}
    rags = [{"rag": r.value, "label": definitions[r.value].label if r.value in definitions else RAG_LABELS[r],
             "meaning": definitions[r.value].meaning if r.value in definitions else ""} for r in RAG_ORDER]
    return Settings(name=plan.name, organisation=plan.organisation, protective_marking=plan.protective_marking,
                    personal_data_policy=plan.personal_data_policy, reporting_cycle=plan.reporting_cycle,
                    update_deadline_days=plan.update_deadline_days, themes=themes, boards=boards,
                    rag_definitions=rags)


def update_settings(session: Session, *, user: Actor, plan_id: int, protective_marking: str | None = None,
                    personal_data_policy: str | None = None, reporting_cycle: str | None = None,
                    update_deadline_days: int | str | None = None, name: str | None = None,
                    organisation: str | None = None) -> dict[str, Any]:
    """Change any of the plan's own settings (None: leave it). Every value is checked first and
    nothing is written unless all are good. Returns what changed. Raises NotAllowed, NotFound,
    InvalidFields (by keyword)."""
    plan = _plan(session, user, plan_id)
    fields = ("name", "organisation", "protective_marking", "personal_data_policy", "reporting_cycle",
              "update_deadline_days")
    before = {f: getattr(plan, f) for f in fields}
    wanted: dict[str, Any] = {}
    problems: dict[str, str] = {}
    if name is not None:
        wanted["name"] = _line(name)
        if not wanted["name"] or len(wanted["name"]) > 200:
            problems["name"] = "Give the plan's name (up to 200 characters)."
    if organisation is not None:
        wanted["organisation"] = _line(organisation)
        if not wanted["organisation"] or len(wanted["organisation"]) > 200:
            problems["organisation"] = "Give the organisation (up to 200 characters)."
    if protective_marking is not None:
        wanted["protective_marking"] = _line(protective_marking).upper()
        if not wanted["protective_marking"] or len(wanted["protective_marking"]) > 60:
            problems["protective_marking"] = ("Give a protective marking of up to 60 characters, "
                                              "e.g. OFFICIAL-SENSITIVE.")
    if personal_data_policy is not None:
        wanted["personal_data_policy"] = personal_data_policy
        if personal_data_policy not in PERSONAL_DATA_POLICIES:
            problems["personal_data_policy"] = (f"The personal-data policy must be one of: "
                                                f"{', '.join(PERSONAL_DATA_POLICIES)}.")
    if reporting_cycle is not None:
        wanted["reporting_cycle"] = reporting_cycle
        if reporting_cycle not in CYCLES:
            problems["reporting_cycle"] = f"The reporting cycle must be one of: {', '.join(CYCLES)}."
    if update_deadline_days is not None:
        low, high = DEADLINE_DAYS
        try:
            days = int(str(update_deadline_days).strip())
        except ValueError:
            days = 0
        wanted["update_deadline_days"] = days
        if not low <= days <= high:
            problems["update_deadline_days"] = (f"'{update_deadline_days}': give the days from opening an update "
                                                f"round to its deadline as a whole number from {low} to {high}.")
    if problems:
        raise InvalidFields(problems)
    for key, value in wanted.items():
        setattr(plan, key, value)
    old, new = audit.changes(before, {f: getattr(plan, f) for f in fields})
    if new:
        session.add(plan)
        audit.record(session, actor=user, event="plan.settings", plan_id=plan_id, entity="plan",
                     entity_key=plan.slug, before=old, after=new)
    return new


def default_round_deadline(plan: Any, opened_on: date) -> date:
    """The deadline offered when an update round opens on `opened_on`: the plan's
    update_deadline_days later (a Plan, anything with that attribute, or the days as an int)."""
    days = plan if isinstance(plan, int) else int(getattr(plan, "update_deadline_days", 14) or 14)
    return opened_on + timedelta(days=days)


def round_deadline_days(session: Session, *, plan_id: int) -> int:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    return plan.update_deadline_days


# ---------------------------------------------------------------- themes


def _themes(session: Session, plan_id: int) -> list[Theme]:
    return list(session.exec(select(Theme).where(Theme.plan_id == plan_id).order_by(Theme.position, Theme.id)).all())


def _theme(themes: list[Theme], name: str) -> Theme:
    found = next((t for t in themes if t.name == name), None)
    if found is None:
        raise NotFound(f"There is no theme '{name}' in this plan.")
    return found


def _theme_name(themes: list[Theme], name: str, *, field: str = "name", keep: Theme | None = None) -> str:
    text = _line(name)
    if not text:
        raise InvalidFields({field: "Give the theme a name."})
    if len(text) > 100:
        raise InvalidFields({field: f"A theme's name can be up to 100 characters; this is {len(text)}."})
    if any(t.name.lower() == text.lower() and t is not keep for t in themes):
        raise InvalidFields({field: f"There is already a theme '{text}'; each theme needs its own name."})
    return text


def add_theme(session: Session, *, user: Actor, plan_id: int, name: str, description: str = "") -> str:
    """A new theme, last in the plan's order. Raises InvalidFields (name: empty, too long, taken)."""
    plan = _plan(session, user, plan_id)
    themes = _themes(session, plan_id)
    text = _theme_name(themes, name)
    about = clean(description or "").strip()
    position = max((t.position for t in themes), default=-1) + 1
    session.add(Theme(plan_id=plan_id, name=text, description=about, position=position))
    audit.record(session, actor=user, event="plan.theme", plan_id=plan_id, entity="theme", entity_key=text,
                 before={}, after={"name": text, "description": about, "position": position + 1},
                 detail=f"Theme added to {plan.slug}")
    return text


def edit_theme(session: Session, *, user: Actor, plan_id: int, name: str, new_name: str,
               description: str | None = None) -> str:
    """Rename a theme (its actions and objectives stay under it) and/or change its description.
    Raises NotFound, InvalidFields (new_name)."""
    _plan(session, user, plan_id)
    themes = _themes(session, plan_id)
    theme = _theme(themes, name)
    text = _theme_name(themes, new_name, field="new_name", keep=theme)
    before = {"name": theme.name, "description": theme.description}
    theme.name = text
    if description is not None:
        theme.description = clean(description).strip()
    old, new = audit.changes(before, {"name": theme.name, "description": theme.description})
    if new:
        session.add(theme)
        audit.record(session, actor=user, event="plan.theme", plan_id=plan_id, entity="theme", entity_key=text,
                     before=old, after=new)
    return text


def move_theme(session: Session, *, user: Actor, plan_id: int, name: str, to_position: int) -> list[str]:
    """Put a theme at `to_position` (1 = first) in the plan's order. Returns the new order.
    Raises NotFound, InvalidFields (to_position)."""
    _plan(session, user, plan_id)
    themes = _themes(session, plan_id)
    theme = _theme(themes, name)
    if not 1 <= int(to_position) <= len(themes):
        raise InvalidFields({"to_position": f"Give a place from 1 to {len(themes)}."})
    before = [t.name for t in themes]
    themes.remove(theme)
    themes.insert(int(to_position) - 1, theme)
    for position, t in enumerate(themes):
        if t.position != position:
            t.position = position
            session.add(t)
    after = [t.name for t in themes]
    if after != before:
        audit.record(session, actor=user, event="plan.theme", plan_id=plan_id, entity="theme", entity_key=theme.name,
                     before={"order": before}, after={"order": after})
    return after


def remove_theme(session: Session, *, user: Actor, plan_id: int, name: str) -> None:
    """Remove a theme that nothing sits under. A theme with actions (retired ones too: they are
    history) or objectives cannot be removed: the refusal says how many and what to do."""
    _plan(session, user, plan_id)
    themes = _themes(session, plan_id)
    theme = _theme(themes, name)
    actions = session.exec(select(func.count()).select_from(Action).where(Action.theme_id == theme.id)).one()
    objectives = session.exec(select(func.count()).select_from(Objective).where(Objective.theme_id == theme.id)).one()
    if actions or objectives:
        what = " and ".join(part for part in (f"{actions} action(s)" if actions else "",
                                              f"{objectives} objective(s)" if objectives else "") if part)
        raise InvalidInput(f"The theme '{theme.name}' has {what} under it, so it cannot be removed: move them to "
                           "another theme first (retired actions stay, as history), or rename the theme instead.")
    if len(themes) == 1:
        raise InvalidInput("A plan needs at least one theme; add another before removing this one.")
    session.delete(theme)
    for position, t in enumerate(t for t in themes if t is not theme):
        if t.position != position:
            t.position = position
            session.add(t)
    audit.record(session, actor=user, event="plan.theme", plan_id=plan_id, entity="theme", entity_key=theme.name,
                 before={"name": theme.name, "description": theme.description}, after={}, detail="Theme removed")


# ---------------------------------------------------------------- boards


def _board_fields(boards: list[Board], code: str, name: str, keep: Board | None = None) -> tuple[str, str]:
    problems: dict[str, str] = {}
    code_text, name_text = _line(code).upper(), _line(name)
    if not BOARD_CODE.fullmatch(code_text):
        problems["code"] = ("Give the board a short code: up to 20 letters, digits, spaces, &, - or _, starting "
                            "with a letter or digit (e.g. HWBB, CSP)." if code_text else
                            "Give the board a short code of up to 20 letters or digits (e.g. HWBB, CSP).")
    elif any(b.code.upper() == code_text and b is not keep for b in boards):
        problems["code"] = f"There is already a board '{code_text}'; each board needs its own code."
    if not name_text or len(name_text) > 200:
        problems["name"] = "Give the board's name (up to 200 characters)."
    elif any(b.name.lower() == name_text.lower() and b is not keep for b in boards):
        problems["name"] = f"There is already a board called '{name_text}'."
    if problems:
        raise InvalidFields(problems)
    return code_text, name_text


def add_board(session: Session, *, user: Actor, plan_id: int, code: str, name: str) -> str:
    """A new board actions can report to. Raises InvalidFields (code, name: empty or taken)."""
    _plan(session, user, plan_id)
    boards = list(session.exec(select(Board).where(Board.plan_id == plan_id)).all())
    code_text, name_text = _board_fields(boards, code, name)
    session.add(Board(plan_id=plan_id, code=code_text, name=name_text))
    audit.record(session, actor=user, event="plan.board", plan_id=plan_id, entity="board", entity_key=code_text,
                 before={}, after={"code": code_text, "name": name_text})
    return code_text


def edit_board(session: Session, *, user: Actor, plan_id: int, code: str, new_code: str, new_name: str) -> str:
    """Rename a board or change its code; the actions reporting to it keep reporting to it.
    Raises NotFound, InvalidFields (code, name)."""
    _plan(session, user, plan_id)
    boards = list(session.exec(select(Board).where(Board.plan_id == plan_id)).all())
    board = next((b for b in boards if b.code == code), None)
    if board is None:
        raise NotFound(f"There is no board '{code}' in this plan.")
    code_text, name_text = _board_fields(boards, new_code, new_name, keep=board)
    before = {"code": board.code, "name": board.name}
    board.code, board.name = code_text, name_text
    old, new = audit.changes(before, {"code": board.code, "name": board.name})
    if new:
        session.add(board)
        audit.record(session, actor=user, event="plan.board", plan_id=plan_id, entity="board", entity_key=code_text,
                     before=old, after=new)
    return code_text


# ---------------------------------------------------------------- RAG definitions


def set_rag_definition(session: Session, *, user: Actor, plan_id: int, rag: str, label: str, meaning: str) -> None:
    """What a rating is called and means in this plan (the colour and its word stay the app's).
    Raises InvalidFields (label, meaning)."""
    _plan(session, user, plan_id)
    try:
        rating = Rag(rag)
    except ValueError as err:
        raise InvalidInput(f"'{rag}' is not a rating: use one of {', '.join(r.value for r in Rag)}.") from err
    label_text, meaning_text = _line(label), clean(meaning or "").strip()
    problems = {}
    if not label_text or len(label_text) > 40:
        problems["label"] = f"Give the {RAG_LABELS[rating]} rating a label of up to 40 characters."
    if not meaning_text or len(meaning_text) > 1000:
        problems["meaning"] = f"Say what {RAG_LABELS[rating]} means in this plan (up to 1,000 characters)."
    if problems:
        raise InvalidFields(problems)
    row = session.exec(select(RagDefinition).where(RagDefinition.plan_id == plan_id,
                                                   RagDefinition.rag == rating.value)).first()
    before = {"label": row.label, "meaning": row.meaning} if row else {}
    row = row or RagDefinition(plan_id=plan_id, rag=rating.value, label=label_text)
    row.label, row.meaning = label_text, meaning_text
    old, new = audit.changes(before, {"label": label_text, "meaning": meaning_text})
    if new:
        session.add(row)
        audit.record(session, actor=user, event="plan.rag_definition", plan_id=plan_id, entity="rag_definition",
                     entity_key=rating.value, before=old, after=new)
