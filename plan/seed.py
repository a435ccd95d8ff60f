"""Read a plan file (seed_actions.yaml), check every field, and load it into an empty plan.

Errors name the file, the line and the field, so the secretariat can fix the file themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from models import (
    Action,
    ActionBoard,
    ActionPartner,
    Agency,
    Board,
    Finding,
    FindingAction,
    Measure,
    MeasureAction,
    MeasureFinding,
    NeedsAssessment,
    Objective,
    Plan,
    RagDefinition,
    Theme,
    ViolenceDefinition,
)
from plan import audit, personal_data
from plan.due_dates import record_date_set
from plan.errors import InvalidInput, SeedError
from plan.identity import Actor
from plan.measures import periods as measure_periods
from plan.measures import terms
from plan.measures.targets import parse_target
from plan.periods import CYCLES
from plan.permissions import require
from plan.provenance import ACTION_FIELDS, PLAN_FIELDS, dump
from plan.refs import sort_key
from plan.vocab import DEFAULT_RAG_MEANINGS, RAG_LABELS, AgencyKind, Rag, parse_choice

MAX_ERRORS = 20
REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/ ]{0,29}$")


# ---------------------------------------------------------------- reading YAML with line numbers


class _Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = value_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings so that a bad one ("31/02/2026") gets our message, not a parser crash.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# ---------------------------------------------------------------- the validated plan


@dataclass
class SeedMeasure:
    ref: str
    name: str
    unit: str
    baseline: float | None
    baseline_period: str
    target: float | None
    direction: str
    frequency: str
    source_agency: str | None
    description: str = ""
    kind: str = "count"
    cumulative_since: date | None = None
    target_text: str = ""
    target_date: date | None = None
    target_type: str = "none"
    target_per: str = "period"
    tolerance: float | None = None
    lag_days: int | None = None
    notes: str = ""
    actions: list[str] = field(default_factory=list)  # the actions it serves (none: the plan as a whole)
    line: int = 0
    core_template: str | None = None  # a core serious violence measure's template (plan/strategy)
    switched_off_at: datetime | None = None


@dataclass
class SeedAction:
    ref: str
    theme: str
    objective: str | None
    title: str
    description: str
    source_text: str
    owner: str
    lead_agency: str | None
    partners: list[str]
    boards: list[str]
    start_date: date | None
    due_date: date | None
    restricted: bool
    measures: list[SeedMeasure] = field(default_factory=list)
    plan_choices: list[str] = field(default_factory=list)  # fields the plan chose, not its source
    example: bool = False  # an invented illustration, labelled as such
    baseline_due_date: date | None = None  # the first due date, when it has since moved
    extra: dict[str, str] = field(default_factory=dict)  # an imported spreadsheet's other columns
    retired_at: datetime | None = None  # withdrawn from the plan (kept as history)
    retired_reason: str = ""


@dataclass
class SeedFinding:
    """A needs-assessment finding and the actions that answer it (plan/strategy)."""

    ref: str
    title: str
    evidence: str = ""
    quoted: bool = False
    source: str = ""
    theme: str = ""
    priority: str = "medium"
    actions: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)  # the measures that evidence it
    retired_at: datetime | None = None
    retired_reason: str = ""
    line: int = 0


@dataclass
class SeedStrategy:
    """The Serious Violence Duty frame: the definition's versions (oldest first), the needs
    assessment, its findings."""

    definitions: list[tuple[str, date, str]] = field(default_factory=list)  # (text, agreed_on, note)
    assessment: dict[str, Any] | None = None  # {title, assessed_on, author_agency, link}
    findings: list[SeedFinding] = field(default_factory=list)


@dataclass
class SeedPlan:
    slug: str
    name: str
    organisation: str
    vision: str
    protective_marking: str
    reporting_cycle: str
    start_date: date | None
    rag_definitions: dict[str, tuple[str, str]]
    themes: list[tuple[str, str]]
    boards: list[tuple[str, str]]
    agencies: list[tuple[str, str]]
    objectives: list[tuple[str, str, str]]
    actions: list[SeedAction]
    measures: list[SeedMeasure] = field(default_factory=list)  # every measure, under an action or not
    plan_choices: list[str] = field(default_factory=list)  # plan-level things the plan chose
    personal_data_policy: str = "warn"
    update_deadline_days: int = 14
    community_view: bool = False
    agency_authorities: dict[str, str] = field(default_factory=dict)  # agency name -> specified authority
    strategy: SeedStrategy = field(default_factory=SeedStrategy)
    review_due_on: date | None = None


class _Checker:
    """Collects every problem in the file, each with its line, then raises them together."""

    def __init__(self, source: str, known_emails: Iterable[str] = ()) -> None:
        self.source = source
        self.problems: list[str] = []
        self.policy = "warn"  # the file's plan.personal_data_policy, read first
        self.known_emails = list(known_emails)

    def fail(self, line: int, where: str, message: str) -> None:
        self.problems.append(f"{self.source} line {line}: {where}: {message}")

    def line_of(self, mapping: Any, key: str) -> int:
        if isinstance(mapping, _Mapping):
            return mapping.key_lines.get(key, mapping.line)
        return 0

    def text(self, mapping: _Mapping, key: str, where: str, *, required: bool = True,
             max_length: int = 300) -> str:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(mapping.line, f"{where}.{key}", "is missing; give a value.")
            return ""
        if isinstance(value, (dict, list)):
            self.fail(self.line_of(mapping, key), f"{where}.{key}", "must be text, not a list or mapping.")
            return ""
        text = " ".join(str(value).split()) if max_length <= 300 else str(value).strip()
        if len(text) > max_length:
            self.fail(self.line_of(mapping, key), f"{where}.{key}",
                      f"is {len(text)} characters; the most allowed is {max_length}.")
        return text

    def day(self, mapping: _Mapping, key: str, where: str) -> date | None:
        value = mapping.get(key)
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(self.line_of(mapping, key), f"{where}.{key}",
                      f"'{value}' is not a real date; write it as YYYY-MM-DD, e.g. 2027-03-31.")
            return None

    def number(self, mapping: _Mapping, key: str, where: str) -> float | None:
        value = mapping.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            value = "yes" if value else "no"
        try:
            return float(str(value).replace(",", "").strip())
        except ValueError:
            self.fail(self.line_of(mapping, key), f"{where}.{key}", f"'{value}' is not a number.")
            return None

    def choice(self, mapping: _Mapping, key: str, where: str, enum: Any, default: str) -> str:
        value = mapping.get(key, default)
        try:
            return str(parse_choice(enum, value, f"{where}.{key}").value)
        except InvalidInput as err:
            self.fail(self.line_of(mapping, key), f"{where}.{key}", str(err).split(": ", 1)[1])
            return default

    def mappings(self, parent: _Mapping, key: str, where: str, *, required: bool = True) -> list[_Mapping]:
        items = parent.get(key)
        if items is None:
            if required:
                self.fail(parent.line, key, "is missing; the file needs this list.")
            return []
        if not isinstance(items, list):
            self.fail(self.line_of(parent, key), where, "must be a list (each item starting with '- ').")
            return []
        good = []
        for index, item in enumerate(items):
            if isinstance(item, _Mapping):
                good.append(item)
            else:
                self.fail(self.line_of(parent, key), f"{where}[{index + 1}]",
                          "must be a mapping of fields (name: value).")
        return good

    def names(self, mapping: _Mapping, key: str, where: str, known: set[str], what: str) -> list[str]:
        value = mapping.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(self.line_of(mapping, key), f"{where}.{key}", "must be a list, e.g. [CSP, HWBB].")
            return []
        found = []
        for name in value:
            text = str(name).strip()
            if text not in known:
                self.fail(self.line_of(mapping, key), f"{where}.{key}",
                          f"'{text}' is not one of the plan's {what}: {', '.join(sorted(known))}.")
            elif text not in found:
                found.append(text)
        return found

    def extra(self, mapping: _Mapping, key: str, where: str) -> dict[str, str]:
        value = mapping.get(key)
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            self.fail(self.line_of(mapping, key), f"{where}.{key}", "must be a mapping of heading: text.")
            return {}
        return {str(k): "" if v is None else str(v) for k, v in value.items()}

    def retired(self, mapping: _Mapping, key: str, where: str) -> tuple[datetime | None, str]:
        """`retired: {at: 2027-01-15T10:00:00+00:00, reason: ...}`: an action withdrawn, kept as history."""
        value = mapping.get(key)
        if value in (None, "", False):
            return None, ""
        if not isinstance(value, _Mapping):
            self.fail(self.line_of(mapping, key), f"{where}.{key}", "must be a mapping with at and reason.")
            return None, ""
        reason = self.text(value, "reason", f"{where}.{key}", max_length=2000)
        try:
            at = datetime.fromisoformat(str(value.get("at", "")).strip())
        except ValueError:
            self.fail(self.line_of(value, "at"), f"{where}.{key}.at",
                      f"'{value.get('at')}' is not a date and time; write it as 2027-01-15T10:00:00+00:00.")
            return None, reason
        return (at if at.tzinfo else at.replace(tzinfo=UTC)), reason

    def personal_data(self, mapping: _Mapping, where: str, texts: dict[str, str]) -> None:
        """The mapping's free text read for personal data under the file's policy, as the app
        reads what is typed (plan.personal_data): under "warn" each finding is a problem until the
        mapping says `personal_data_confirmed: true`; under "refuse" it always is."""
        confirmed = self.flag(mapping, "personal_data_confirmed", where)
        how = (f"add `personal_data_confirmed: true` to {where} (line {mapping.line}) to confirm it is not "
               "personal data")
        found = personal_data.field_problems({key: ("It", text) for key, text in texts.items()},
                                             policy=self.policy, confirmed=confirmed,
                                             known_emails=self.known_emails, how_to_confirm=how)
        for key, message in found.items():
            self.fail(self.line_of(mapping, key.split(".")[0]), f"{where}.{key}", message)

    def flag(self, mapping: _Mapping, key: str, where: str) -> bool:
        value = mapping.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(self.line_of(mapping, key), f"{where}.{key}", "must be true or false.")
            return False
        return value


def read_seed(path: str | Path, *, known_emails: Iterable[str] = ()) -> SeedPlan:
    """Parse and check a plan file. Raises SeedError listing each problem with its line.
    `known_emails` (the users') are not personal data in its text (parse_seed)."""
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise SeedError(f"Cannot read the plan file {path}: {err.strerror}.") from err
    except UnicodeDecodeError as err:
        raise SeedError(f"{path.name} is not UTF-8 text; save it as UTF-8 and try again.") from err
    return parse_seed(raw_text, source=path.name, known_emails=known_emails)


def parse_seed(raw_text: str, *, source: str = "seed_actions.yaml", known_emails: Iterable[str] = ()) -> SeedPlan:
    """Parse and check a plan file's text. Every free-text field it stores is read for personal
    data under the file's own `plan.personal_data_policy` (plan.personal_data, as the app reads
    what is typed); `known_emails` (the users') are set aside. Under "warn" a finding is a problem
    until its mapping (the action, measure, finding, theme... or `plan`) says
    `personal_data_confirmed: true`; under "refuse" it always is. Raises SeedError listing every
    problem with its line; nothing is loaded from a file with problems."""
    try:
        document = yaml.load(raw_text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        line = mark.line + 1 if mark else 0
        raise SeedError(f"{source} line {line}: the file is not valid YAML: {err.problem}.") from err
    except yaml.YAMLError as err:
        raise SeedError(f"{source}: the file is not valid YAML: {err}.") from err
    if not isinstance(document, _Mapping):
        raise SeedError(f"{source}: the file must be a mapping with plan, themes and actions.")

    check = _Checker(source, known_emails)
    plan_part = document.get("plan")
    if not isinstance(plan_part, _Mapping):
        check.fail(document.line, "plan", "is missing; give the plan's slug, name and organisation.")
        plan_part = _Mapping()
        plan_part.key_lines = {}
    policy = check.text(plan_part, "personal_data_policy", "plan", required=False) or "warn"
    if policy not in ("warn", "refuse"):
        check.fail(check.line_of(plan_part, "personal_data_policy"), "plan.personal_data_policy",
                   f"'{policy}' is not one of: warn, refuse.")
    check.policy = policy if policy == "refuse" else "warn"
    slug = check.text(plan_part, "slug", "plan", max_length=60)
    if slug and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        check.fail(check.line_of(plan_part, "slug"), "plan.slug",
                   f"'{slug}' must be lower-case letters, digits and hyphens, e.g. southend-vv.")
    cycle = check.text(plan_part, "reporting_cycle", "plan", required=False) or "quarterly"
    if cycle not in CYCLES:
        check.fail(check.line_of(plan_part, "reporting_cycle"), "plan.reporting_cycle",
                   f"'{cycle}' is not one of: {', '.join(CYCLES)}.")

    rag_definitions = {rag.value: (RAG_LABELS[rag], DEFAULT_RAG_MEANINGS[rag]) for rag in Rag}
    for index, item in enumerate(check.mappings(document, "rag_definitions", "rag_definitions",
                                                required=False)):
        where = f"rag_definitions[{index + 1}]"
        rag = check.choice(item, "rag", where, Rag, "")
        label = check.text(item, "label", where, max_length=40)
        meaning = check.text(item, "meaning", where, max_length=1000)
        check.personal_data(item, where, {"label": label, "meaning": meaning})
        if rag:
            rag_definitions[rag] = (label or RAG_LABELS[Rag(rag)], meaning)

    themes = _named_list(check, document, "themes", "name", "description")
    theme_names = {name for name, _ in themes}
    boards = _named_list(check, document, "boards", "code", "name")
    board_codes = {code for code, _ in boards}
    agencies = []
    agency_authorities: dict[str, str] = {}
    for index, item in enumerate(check.mappings(document, "agencies", "agencies")):
        where = f"agencies[{index + 1}]"
        agencies.append((check.text(item, "name", where, max_length=200),
                         check.choice(item, "kind", where, AgencyKind, "other")))
        check.personal_data(item, where, {"name": agencies[-1][0]})
        if item.get("specified_authority") not in (None, ""):
            from plan.strategy.authorities import parse_authority

            try:
                code = parse_authority(item["specified_authority"])
            except InvalidInput as err:
                check.fail(check.line_of(item, "specified_authority"), f"{where}.specified_authority", str(err))
            else:
                if code:
                    agency_authorities[agencies[-1][0]] = code
    agency_names = {name for name, _ in agencies}

    objectives = []
    for index, item in enumerate(check.mappings(document, "objectives", "objectives", required=False)):
        where = f"objectives[{index + 1}]"
        ref = check.text(item, "ref", where, max_length=30)
        theme = check.text(item, "theme", where)
        if theme and theme not in theme_names:
            check.fail(check.line_of(item, "theme"), f"{where}.theme",
                       f"'{theme}' is not one of the plan's themes: {', '.join(sorted(theme_names))}.")
        objectives.append((ref, theme, check.text(item, "title", where)))
        check.personal_data(item, where, {"title": objectives[-1][2]})
    objective_themes = {ref: theme for ref, theme, _ in objectives}

    actions: list[SeedAction] = []
    seen_refs: dict[str, int] = {}
    seen_measures: dict[str, int] = {}
    for index, item in enumerate(check.mappings(document, "actions", "actions")):
        ref = str(item.get("ref", "")).strip()
        where = f"action {ref}" if ref else f"actions[{index + 1}]"
        ref = check.text(item, "ref", where, max_length=30)
        if ref and not REF_PATTERN.match(ref):
            check.fail(check.line_of(item, "ref"), f"{where}.ref",
                       "use letters, digits, dots or hyphens, e.g. 2.4, 2.4a or PREV-03.")
        if ref in seen_refs:
            check.fail(check.line_of(item, "ref"), f"{where}.ref",
                       f"'{ref}' is used twice (first at line {seen_refs[ref]}); each action needs its own ref.")
        seen_refs.setdefault(ref, check.line_of(item, "ref"))
        theme = check.text(item, "theme", where)
        if theme and theme not in theme_names:
            check.fail(check.line_of(item, "theme"), f"{where}.theme",
                       f"'{theme}' is not one of the plan's themes: {', '.join(sorted(theme_names))}.")
        objective = check.text(item, "objective", where, required=False) or None
        if objective and objective_themes.get(objective, theme) != theme:
            known = objective_themes.get(objective)
            message = (f"'{objective}' is not one of the plan's objectives." if known is None
                       else f"objective '{objective}' sits under {known}, not {theme}.")
            check.fail(check.line_of(item, "objective"), f"{where}.objective", message)
        lead_agency = check.text(item, "lead_agency", where, required=False) or None
        if lead_agency and lead_agency not in agency_names:
            check.fail(check.line_of(item, "lead_agency"), f"{where}.lead_agency",
                       f"'{lead_agency}' is not in the agencies list; add it there first.")
        start, due = check.day(item, "start_date", where), check.day(item, "due_date", where)
        if start and due and due < start:
            check.fail(check.line_of(item, "due_date"), f"{where}.due_date",
                       f"{due.isoformat()} is before the start date {start.isoformat()}.")
        restricted = check.flag(item, "restricted", where)
        action = SeedAction(
            ref=ref, theme=theme, objective=objective,
            title=check.text(item, "title", where),
            description=check.text(item, "description", where, required=False, max_length=5000),
            source_text=check.text(item, "source_text", where, required=False, max_length=5000),
            owner=check.text(item, "owner", where, max_length=200),
            lead_agency=lead_agency,
            partners=check.names(item, "partners", where, agency_names, "agencies"),
            boards=check.names(item, "boards", where, board_codes, "boards"),
            start_date=start, due_date=due, restricted=restricted,
            plan_choices=check.names(item, "plan_choices", where, set(ACTION_FIELDS), "markable fields"),
            example=check.flag(item, "example", where),
            baseline_due_date=check.day(item, "baseline_due_date", where),
            extra=check.extra(item, "extra", where),
        )
        action.retired_at, action.retired_reason = check.retired(item, "retired", where)
        check.personal_data(item, where, {"title": action.title, "description": action.description,
                                          "source_text": action.source_text, "owner": action.owner,
                                          "retired.reason": action.retired_reason,
                                          **{f"extra.{k}": v for k, v in action.extra.items()}})
        for m_index, m_item in enumerate(check.mappings(item, "measures", f"{where}.measures",
                                                        required=False)):
            measure = _measure(check, m_item, f"{where}.measures[{m_index + 1}]", agency_names, seen_measures)
            measure.actions.insert(0, ref)
            action.measures.append(measure)
        actions.append(action)

    # Measures of the plan as a whole, or serving several actions: a top-level list.
    plan_measures = [m for a in actions for m in a.measures]
    for m_index, m_item in enumerate(check.mappings(document, "measures", "measures", required=False)):
        plan_measures.append(_measure(check, m_item, f"measures[{m_index + 1}]", agency_names, seen_measures))
    for measure in plan_measures:
        for action_ref in measure.actions:
            if action_ref not in seen_refs:
                check.fail(measure.line, f"measure {measure.ref}.actions",
                           f"'{action_ref}' is not an action of the plan.")

    plan_choices = check.names(document, "plan_choices", "plan_choices", set(PLAN_FIELDS), "markable fields")
    deadline_days = check.number(plan_part, "update_deadline_days", "plan")
    if deadline_days is not None and (not deadline_days.is_integer() or not 1 <= deadline_days <= 90):
        check.fail(check.line_of(plan_part, "update_deadline_days"), "plan.update_deadline_days",
                   f"{deadline_days:g} is not a whole number of days from 1 to 90.")
        deadline_days = None
    community_view = check.flag(plan_part, "community_view", "plan")
    review_due_on = check.day(plan_part, "review_due_on", "plan")
    strategy = _strategy(check, document, agency_names, set(seen_refs), {m.ref for m in plan_measures})
    check.personal_data(plan_part, "plan", {key: check.text(plan_part, key, "plan", required=False, max_length=5000)
                                            for key in ("name", "organisation", "vision")})
    if check.problems:
        shown = check.problems[:MAX_ERRORS]
        more = len(check.problems) - len(shown)
        tail = f"\n... and {more} more." if more else ""
        raise SeedError("The plan file has problems to fix:\n" + "\n".join(shown) + tail)

    return SeedPlan(
        slug=slug,
        name=check.text(plan_part, "name", "plan", max_length=200),
        organisation=check.text(plan_part, "organisation", "plan", max_length=200),
        vision=check.text(plan_part, "vision", "plan", required=False, max_length=5000),
        protective_marking=check.text(plan_part, "protective_marking", "plan", required=False,
                                      max_length=60) or "OFFICIAL-SENSITIVE",
        reporting_cycle=cycle,
        start_date=check.day(plan_part, "start_date", "plan"),
        rag_definitions=rag_definitions,
        themes=themes, boards=boards, agencies=agencies, objectives=objectives, actions=actions,
        measures=plan_measures, plan_choices=plan_choices, personal_data_policy=policy,
        update_deadline_days=int(deadline_days) if deadline_days is not None else 14, community_view=community_view,
        agency_authorities=agency_authorities, strategy=strategy, review_due_on=review_due_on,
    )


def _strategy(check: _Checker, document: _Mapping, agency_names: set[str], action_refs: set[str],
              measure_refs: set[str]) -> SeedStrategy:
    """`strategy: {definitions: [{text, agreed_on, note?}], assessment: {title, assessed_on?,
    author_agency?, link?}, findings: [{ref, title, evidence?, quoted?, source?, theme?, priority?,
    actions?: [refs], retired?: {at, reason}}]}`: the Serious Violence Duty frame, all optional."""
    part = document.get("strategy")
    found = SeedStrategy()
    if part in (None, ""):
        return found
    if not isinstance(part, _Mapping):
        check.fail(check.line_of(document, "strategy"), "strategy", "must be a mapping (definitions, assessment, "
                   "findings).")
        return found
    previous: date | None = None
    for index, item in enumerate(check.mappings(part, "definitions", "strategy.definitions", required=False)):
        where = f"strategy.definitions[{index + 1}]"
        text = check.text(item, "text", where, max_length=5000)
        agreed = check.day(item, "agreed_on", where)
        if agreed is None and "agreed_on" not in item:
            check.fail(item.line, f"{where}.agreed_on", "is missing; give the date the partnership agreed it.")
        if agreed and previous and agreed < previous:
            check.fail(check.line_of(item, "agreed_on"), f"{where}.agreed_on",
                       "is before the version above it; list the versions oldest first.")
        previous = agreed or previous
        note = check.text(item, "note", where, required=False, max_length=2000)
        check.personal_data(item, where, {"text": text, "note": note})
        if text and agreed:
            found.definitions.append((text, agreed, note))
    assessment = part.get("assessment")
    if isinstance(assessment, _Mapping):
        where = "strategy.assessment"
        author = check.text(assessment, "author_agency", where, required=False) or ""
        if author and author not in agency_names:
            check.fail(check.line_of(assessment, "author_agency"), f"{where}.author_agency",
                       f"'{author}' is not in the agencies list; add it there first.")
        found.assessment = {"title": check.text(assessment, "title", where),
                            "assessed_on": check.day(assessment, "assessed_on", where), "author_agency": author,
                            "link": check.text(assessment, "link", where, required=False, max_length=500)}
        check.personal_data(assessment, where, {"title": found.assessment["title"], "link": found.assessment["link"]})
    elif assessment not in (None, ""):
        check.fail(check.line_of(part, "assessment"), "strategy.assessment", "must be a mapping with a title.")
    seen: dict[str, int] = {}
    for index, item in enumerate(check.mappings(part, "findings", "strategy.findings", required=False)):
        ref = str(item.get("ref", "")).strip()
        where = f"finding {ref}" if ref else f"strategy.findings[{index + 1}]"
        ref = check.text(item, "ref", where, max_length=30)
        if ref and not REF_PATTERN.match(ref):
            check.fail(check.line_of(item, "ref"), f"{where}.ref", "use letters, digits, dots or hyphens, e.g. F1.")
        if ref in seen:
            check.fail(check.line_of(item, "ref"), f"{where}.ref",
                       f"'{ref}' is used twice (first at line {seen[ref]}).")
        seen.setdefault(ref, check.line_of(item, "ref"))
        priority = (check.text(item, "priority", where, required=False) or "medium").lower()
        if priority not in ("high", "medium", "low"):
            check.fail(check.line_of(item, "priority"), f"{where}.priority",
                       f"'{priority}' is not one of: high, medium, low.")
        finding = SeedFinding(
            ref=ref, title=check.text(item, "title", where),
            evidence=check.text(item, "evidence", where, required=False, max_length=5000),
            quoted=check.flag(item, "quoted", where), source=check.text(item, "source", where, required=False),
            theme=check.text(item, "theme", where, required=False, max_length=100), priority=priority,
            actions=check.names(item, "actions", where, action_refs, "actions"),
            measures=check.names(item, "measures", where, measure_refs, "measures"), line=check.line_of(item, "ref"))
        finding.retired_at, finding.retired_reason = check.retired(item, "retired", where)
        check.personal_data(item, where, {"title": finding.title, "evidence": finding.evidence,
                                          "source": finding.source, "retired.reason": finding.retired_reason})
        found.findings.append(finding)
    return found


def _named_list(check: _Checker, document: _Mapping, key: str, name_field: str,
                text_field: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for index, item in enumerate(check.mappings(document, key, key)):
        where = f"{key}[{index + 1}]"
        name = check.text(item, name_field, where, max_length=100)
        if name in {n for n, _ in found}:
            check.fail(check.line_of(item, name_field), f"{where}.{name_field}", f"'{name}' is listed twice.")
        found.append((name, check.text(item, text_field, where, required=False, max_length=2000)))
        check.personal_data(item, where, {name_field: name, text_field: found[-1][1]})
    return found


def _measure(check: _Checker, item: _Mapping, where: str, agency_names: set[str],
             seen: dict[str, int]) -> SeedMeasure:
    """One measure definition, every field checked with the pure rules the app uses."""
    ref = check.text(item, "ref", where, max_length=30)
    if ref in seen:
        check.fail(check.line_of(item, "ref"), f"{where}.ref",
                   f"'{ref}' is used twice (first at line {seen[ref]}).")
    seen.setdefault(ref, check.line_of(item, "ref"))
    where = f"measure {ref}" if ref else where

    def parsed(key: str, parse: Any, default: Any) -> Any:
        value = item.get(key)
        if value in (None, ""):
            return default
        try:
            return parse(value, key)
        except InvalidInput as err:
            check.fail(check.line_of(item, key), f"{where}.{key}", str(err).split(": ", 1)[-1])
            return default

    unit = parsed("unit", terms.parse_unit, "count")
    kind = parsed("kind", terms.parse_kind, "count")
    direction = parsed("direction", terms.parse_direction, None)
    if direction is None and "direction" not in item:
        check.fail(item.line, f"{where}.direction", "is missing; write higher, lower or contextual.")
    frequency = parsed("frequency", terms.parse_frequency, "quarterly")
    source = check.text(item, "source_agency", where, required=False) or None
    if source and source not in agency_names:
        check.fail(check.line_of(item, "source_agency"), f"{where}.source_agency",
                   f"'{source}' is not in the agencies list; add it there first.")
    baseline_period = ""
    if item.get("baseline_period") not in (None, ""):
        try:
            baseline_period = measure_periods.parse_period(item["baseline_period"]).label
        except InvalidInput as err:
            check.fail(check.line_of(item, "baseline_period"), f"{where}.baseline_period", str(err))
    baseline = check.number(item, "baseline", where)
    target = check.number(item, "target", where)
    target_text = check.text(item, "target_text", where, required=False)
    target_per = "period"
    found = None
    if target_text:
        found = parse_target(target_text, baseline=baseline)
        target = found.value if target is None else target
        target_per = found.per
    target_date = check.day(item, "target_date", where) or (found.date if found else None)
    cumulative_since = check.day(item, "cumulative_since", where)
    if kind == "cumulative" and cumulative_since is None:
        check.fail(item.line, f"{where}.cumulative_since", "a cumulative measure needs the date it counts from.")
    tolerance = check.number(item, "tolerance", where)
    if tolerance is not None and not 0 <= tolerance <= 100:
        check.fail(check.line_of(item, "tolerance"), f"{where}.tolerance",
                   f"{tolerance:g} is not a percentage of the target between 0 and 100.")
    lag = check.number(item, "lag_days", where)
    if lag is not None and (lag < 0 or not lag.is_integer()):
        check.fail(check.line_of(item, "lag_days"), f"{where}.lag_days", f"{lag:g} is not a whole number of days.")
    starts = (baseline is not None and baseline_period) or cumulative_since
    target_type = "none" if target is None else "trajectory" if target_date and starts else "value"
    for key, value in (("baseline", baseline), ("target", target)):
        if value is not None and unit == "%" and not 0 <= value <= 100:
            check.fail(check.line_of(item, key), f"{where}.{key}", f"{value:g} is not a percentage between 0 and 100.")
    listed = item.get("actions") or []
    if not isinstance(listed, list):
        check.fail(check.line_of(item, "actions"), f"{where}.actions", "must be a list of action refs, e.g. ['3.1'].")
        listed = []
    actions = [str(r).strip() for r in listed]
    if not target_text and target is not None:
        target_text = f"{target:g}{'%' if unit == '%' else ''}"
    core = check.text(item, "core", where, required=False, max_length=40) or None
    if core:
        from plan.strategy.core_templates import BY_KEY

        if core not in BY_KEY:
            check.fail(check.line_of(item, "core"), f"{where}.core",
                       f"'{core}' is not a core measure; the core measures are: {', '.join(BY_KEY)}.")
    switched_off = None
    if item.get("switched_off_at") not in (None, ""):
        try:
            switched_off = datetime.fromisoformat(str(item["switched_off_at"]).strip())
        except ValueError:
            check.fail(check.line_of(item, "switched_off_at"), f"{where}.switched_off_at",
                       "is not a date and time; write it as 2027-01-15T10:00:00+00:00.")
    measure = SeedMeasure(
        core_template=core, switched_off_at=switched_off,
        ref=ref, name=check.text(item, "name", where), unit=unit, baseline=baseline,
        baseline_period=baseline_period, target=target, direction=direction or "contextual", frequency=frequency,
        source_agency=source, description=check.text(item, "definition", where, required=False, max_length=2000)
        or check.text(item, "description", where, required=False, max_length=2000),
        kind=kind, cumulative_since=cumulative_since if kind == "cumulative" else None, target_text=target_text,
        target_date=target_date, target_type=target_type, target_per=target_per, tolerance=tolerance,
        lag_days=int(lag) if lag is not None and lag.is_integer() and lag >= 0 else None,
        notes=check.text(item, "notes", where, required=False, max_length=2000), actions=actions,
        line=check.line_of(item, "actions") if "actions" in item else check.line_of(item, "ref"),
    )
    check.personal_data(item, where, {"name": measure.name, "definition" if "definition" in item else "description":
                                      measure.description, "target_text": measure.target_text, "notes": measure.notes})
    return measure


# ---------------------------------------------------------------- writing


def load_seed(session: Session, *, user: Actor, seed: SeedPlan) -> tuple[Plan, bool]:
    """Create the plan from a checked seed, in the caller's transaction.

    Idempotent: if a plan with the seed's slug exists nothing is written. Returns the plan and
    whether it was created. Only the secretariat (admin) may load a plan. Raises NotAllowed.
    """
    require(user, "plan.load")
    existing = session.exec(select(Plan).where(Plan.slug == seed.slug)).first()
    if existing is not None:
        return existing, False

    plan = Plan(slug=seed.slug, name=seed.name, organisation=seed.organisation, vision=seed.vision,
                protective_marking=seed.protective_marking, reporting_cycle=seed.reporting_cycle,
                start_date=seed.start_date, plan_choices=dump(seed.plan_choices),
                personal_data_policy=seed.personal_data_policy, update_deadline_days=seed.update_deadline_days,
                community_view=seed.community_view, review_due_on=seed.review_due_on)
    session.add(plan)
    session.flush()
    assert plan.id is not None
    for rag, (label, meaning) in seed.rag_definitions.items():
        session.add(RagDefinition(plan_id=plan.id, rag=rag, label=label, meaning=meaning))
    themes = {}
    for position, (name, description) in enumerate(seed.themes):
        themes[name] = Theme(plan_id=plan.id, name=name, description=description, position=position)
        session.add(themes[name])
    boards = {code: Board(plan_id=plan.id, code=code, name=name) for code, name in seed.boards}
    session.add_all(boards.values())
    agencies = _agencies(session, seed.agencies)
    for name, code in seed.agency_authorities.items():
        if agencies[name].specified_authority is None:  # shared: an authority already set is kept
            agencies[name].specified_authority = code
            session.add(agencies[name])
    session.flush()
    objectives = {}
    for ref, theme, title in seed.objectives:
        objectives[ref] = Objective(plan_id=plan.id, theme_id=themes[theme].id, ref=ref, title=title)
        session.add(objectives[ref])
    session.flush()

    action_ids: dict[str, int | None] = {}
    for item in seed.actions:
        action = Action(
            plan_id=plan.id, ref=item.ref, ref_sort=sort_key(item.ref), title=item.title,
            description=item.description,
            source_text=item.source_text, theme_id=themes[item.theme].id,
            objective_id=objectives[item.objective].id if item.objective else None,
            lead_owner=item.owner,
            lead_agency_id=agencies[item.lead_agency].id if item.lead_agency else None,
            start_date=item.start_date, baseline_due_date=item.baseline_due_date or item.due_date,
            current_due_date=item.due_date, restricted=item.restricted,
            plan_choices=dump(item.plan_choices), is_example=item.example,
            extra=json.dumps(item.extra, ensure_ascii=False) if item.extra else None,
            retired_at=item.retired_at, retired_reason=item.retired_reason,
        )
        session.add(action)
        session.flush()
        # a due date moved before the file was written (it gives both dates) goes into the history
        record_date_set(session, action=action, by=user,
                        reason="Moved before the plan file was loaded (the file gives both dates).",
                        note="Loaded from the plan file.")
        for name in item.partners:
            session.add(ActionPartner(action_id=action.id, agency_id=agencies[name].id))
        for code in item.boards:
            session.add(ActionBoard(action_id=action.id, board_id=boards[code].id))
        action_ids[item.ref] = action.id
    session.flush()
    measure_ids: dict[str, int | None] = {}
    for m in seed.measures:
        measure = Measure(
            plan_id=plan.id, action_id=action_ids[m.actions[0]] if m.actions else None, ref=m.ref, name=m.name,
            description=m.description, unit=m.unit, kind=m.kind, cumulative_since=m.cumulative_since,
            baseline=m.baseline, baseline_period=m.baseline_period, target=m.target, target_date=m.target_date,
            target_type=m.target_type, target_per=m.target_per, target_text=m.target_text, direction=m.direction,
            tolerance=m.tolerance, frequency=m.frequency, lag_days=m.lag_days, notes=m.notes,
            source_agency_id=agencies[m.source_agency].id if m.source_agency else None,
            core_template=m.core_template, switched_off_at=m.switched_off_at,
        )
        session.add(measure)
        session.flush()
        measure_ids[m.ref] = measure.id
        for action_ref in dict.fromkeys(m.actions):
            session.add(MeasureAction(measure_id=measure.id, action_id=action_ids[action_ref]))
    session.flush()
    _load_strategy(session, plan_id=plan.id, strategy=seed.strategy, agencies=agencies, action_ids=action_ids,
                   measure_ids=measure_ids, by=user.name)
    audit.record(session, actor=user, event="plan.load", plan_id=plan.id, entity="plan", entity_key=plan.slug,
                 after={"name": plan.name, "actions": len(seed.actions), "marking": plan.protective_marking,
                        "findings": len(seed.strategy.findings)})
    return plan, True


def _load_strategy(session: Session, *, plan_id: int, strategy: SeedStrategy, agencies: dict[str, Agency],
                   action_ids: dict[str, int | None], measure_ids: dict[str, int | None], by: str) -> None:
    """The definition's versions, the assessment and the findings with their links (checked by
    parse_seed: every action named exists)."""
    for version, (text, agreed_on, note) in enumerate(strategy.definitions, start=1):
        session.add(ViolenceDefinition(plan_id=plan_id, version=version, text=text, agreed_on=agreed_on, note=note,
                                       recorded_by=by))
    assessment_id = None
    if strategy.assessment:
        a = strategy.assessment
        row = NeedsAssessment(plan_id=plan_id, title=a["title"], assessed_on=a["assessed_on"], link=a["link"],
                              author_agency_id=agencies[a["author_agency"]].id if a["author_agency"] else None)
        session.add(row)
        session.flush()
        assessment_id = row.id
    for f in strategy.findings:
        finding = Finding(plan_id=plan_id, assessment_id=assessment_id, ref=f.ref, ref_sort=sort_key(f.ref),
                          title=f.title, evidence=f.evidence, quoted=f.quoted, source=f.source, theme=f.theme,
                          priority=f.priority, retired_at=f.retired_at, retired_reason=f.retired_reason)
        session.add(finding)
        session.flush()
        for ref in f.actions:
            session.add(FindingAction(finding_id=finding.id, action_id=action_ids[ref]))
        for ref in dict.fromkeys(f.measures):
            session.add(MeasureFinding(measure_id=measure_ids[ref], finding_id=finding.id))
    session.flush()


def _agencies(session: Session, wanted: list[tuple[str, str]]) -> dict[str, Agency]:
    """Agencies are shared across plans: reuse one that exists, by name."""
    existing = {a.name: a for a in session.exec(select(Agency)).all()}
    for name, kind in wanted:
        if name not in existing:
            existing[name] = Agency(name=name, kind=kind)
            session.add(existing[name])
    session.flush()
    return existing
