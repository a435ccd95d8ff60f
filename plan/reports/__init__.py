"""Reports for the chair: the plan as at any date, RAG counts and trend, direction of travel,
suggested RAG (explained), exceptions, what changed between two dates, plans side by side, and
a closed round's snapshot. Read-only; the meeting record is in `plan.meetings`.

Every function takes the session and the acting user (an `Actor`) as keywords and returns plain
dicts, lists and dataclasses (never ORM objects). Every refusal is a `plan.errors.PlanError` whose
str() says what to fix; pages show it verbatim. Restricted actions count in every number, but
their title, owner and texts (commentary, blockers, support asked) are replaced with
`plan.actions.RESTRICTED_TITLE` / `RESTRICTED_TEXT` for a user not cleared for restricted items.

Words used throughout
---------------------
as_of       a date (or None: today). "The plan as at D" is computed from the history: an action's
            RAG and delivery status on D are those of its latest status update made on or before
            the end of D (UTC), "not_assessed" / "not_started" if none; its due date on D is the
            requested date of the latest due-date request approved on or before D, else its
            baseline. An action exists on D if it was added (created_at) on or before D, or has
            an update on or before D. Every action that existed counts, restricted included.
rag         "red" | "amber" | "green" | "blue" | "not_assessed"; each row also carries rag_label
            (the word: "Red" ... "Not yet assessed"): show the word beside the colour, always.
counts      {"red": n, "amber": n, "green": n, "blue": n, "not_assessed": n, "total": n}
filters     ReportFilter(themes=[names], agencies=[lead agency names], boards=[board codes],
            include_demo=True). A board sees the plan through its remit: boards=["HWBB"] keeps
            the actions that report to the HWBB. ReportFilter.to_params() / from_params(mapping)
            turn it into / out of st.query_params (keys: theme, agency, board, as_of, demo).
direction   of an action between two dates: "better" | "worse" | "same" | "first_assessed"
            (RAG order, worst first: red < amber < green < blue; not_assessed has no place).

The action row (drill-downs, exceptions, snapshots)
---------------------------------------------------
{ref, title, restricted, theme, lead_agency, owner, rag, rag_label, delivery_status,
 status_label, due (date|None), baseline_due (date|None), days_overdue (int, 0 if not overdue),
 due_moves (approved moves so far), last_update_at (datetime|None), days_since_update
 (int|None), updated_this_round (bool|None: None when no round applies), commentary, blockers,
 support_asked (of the latest update on or before as_of; masked), suggested_rag,
 suggested_label, suggested_reason (one sentence), agreed_rag (latest agreed at a meeting, or
 None), agreed_label, agreed_on (date|None)}

Public functions
----------------
Pure (no database), tested as tables, in plan.reports.rules:
  Thresholds(red_overdue_days=30, amber_overdue_days=1, amber_due_moves=2, stale_days=90,
             amber_if_no_update_in_round=True, use_measure_evidence=True)
  ActionFacts(rag, delivery_status, days_overdue, due_moves, days_since_update,
              updated_this_round, round_period, evidence=None: (evidence_rag, reason) | None)
  suggest(facts, thresholds) -> Suggestion(rag|None, reasons: [str], sentence: str)
        e.g. Suggestion("red", ["40 days overdue", "its measure is 25% below target"],
        "Red suggested: 40 days overdue and its measure is 25% below target")
  direction(from_rag, to_rag) -> "better" | "worse" | "same" | "first_assessed"
  exception_reasons(row, *, thresholds, since_rag=None, moved_since=False) -> [(code, sentence)]
        codes: red, amber, overdue, stale, no_update_in_round, worsened, support_asked,
        due_moved, optimistic (owner's RAG better than the suggested one)

Settings (per plan; everyone reads, the secretariat changes them; audited before/after):
  suggestion_settings(session, *, plan_id) -> Thresholds
  update_suggestion_settings(session, *, user, plan_id, **changes) -> Thresholds
        NotAllowed (not admin), InvalidInput (a number out of range, an unknown name)

The plan as at a date, the dashboard:
  summary(session, *, user, plan_id, by="theme"|"agency"|"board", as_of=None, filters=None)
        -> [{group, position, red, amber, green, blue, not_assessed, total, overdue}] in the
        plan's order (themes), name order (agencies), board order (boards)
  summary_by_theme(session, *, user, plan_id, as_of=None, filters=None) -> {"as_of": "YYYY-MM-DD",
        "by_theme": {THEME: counts}, "total": counts}      (the CLI's `report summary`)
  rag_trend(session, *, user, plan_id, as_of=None, filters=None) -> [{period, as_of (date), red,
        amber, green, blue, not_assessed, total}]   the plan as at the end of each reporting
        period from the plan's start to as_of (the last row is as_of itself), oldest first
  round_trend(session, *, user, plan_id) -> [{round_id, period, closed_at, red, ..., total,
        updated}]   what each closed round froze (round_snapshot)
  headline(session, *, user, plan_id, as_of=None, filters=None) -> {total, overdue, stale,
        not_updated_this_round, round_period, due_by_now, complete, complete_on_time,
        completion_percent, red, amber, green, blue, not_assessed}
  direction_of_travel(session, *, user, plan_id, since, as_of=None, filters=None)
        -> {"since", "as_of", "counts": {better, worse, same, first_assessed},
            "flows": [{from_rag, to_rag, count}], "actions": [{ref, title, from_rag, to_rag,
            from_label, to_label, direction}]  (only actions whose RAG moved)}
  drill(session, *, user, plan_id, as_of=None, filters=None, group_by=None, group=None, rag=None,
        flag=None, limit=200, offset=0) -> (rows: [action row], total: int)
        the actions behind any number: group_by "theme"|"agency"|"board" with its group,
        rag, flag "overdue"|"stale"|"not_updated_this_round"|"complete"|"due_by_now"|
        "worse"|"better" (with since=...) ...

Exceptions and suggested RAG:
  suggestions(session, *, user, plan_id, as_of=None, filters=None, evidence=None)
        -> {action_id: Suggestion}; evidence: {action_id: (evidence_rag, reason)}; None takes it
        from plan.measures when that is built and as_of is today
  exceptions(session, *, user, plan_id, as_of=None, since=None, filters=None, evidence=None)
        -> [action row + {"reasons": [sentences], "codes": [codes]}], worst first
        since: the date "worsened since" and "due date moved since" compare with (default: the
        last closed meeting's date)

Between two dates:
  changes(session, *, user, plan_id, since, until=None, filters=None) -> {since, until,
        transitions: [{ref, title, from_rag, to_rag, from_label, to_label, direction}],
        flows: [{from_rag, to_rag, count}], newly_red: [...], completed: [...],
        new_actions: [...], retired: [...] (closed or deferred in the window),
        due_dates_moved: [{ref, title, from, to, decided_on}], updates_not_made: [{ref, title,
        owner, last_update_at}]}
  rag_changes(session, *, user, plan_id, since, until=None) -> [{ref, from_rag, to_rag}]
        (the CLI's `report changes`)

Across plans:
  across_plans(session, *, user, as_of=None, slugs=None) -> {"plans": [{slug, name}],
        "themes": [names, first plan's order then the rest], "rows": [{plan, slug, theme,
        red, amber, green, blue, not_assessed, total}]}

Closed rounds:
  closed_rounds(session, *, user, plan_id) -> [{round_id, period, closed_at, closed_by}]
  round_snapshot(session, *, user, plan_id, round_id) -> {round_id, period, closed_at,
        summary: {THEME: counts}, rows: [{ref, title, theme, owner, rag, rag_label,
        delivery_status, status_label, due, updated_in_round, commentary}]}   (round.view)

Command line (plan/reports/cli.py; registered in plan/cli.py as `report`):
  python -m plan report summary [--plan SLUG] [--as-of DATE] [--json]
  python -m plan report exceptions [--plan SLUG] [--as-of DATE] [--json]
  python -m plan report changes --since DATE [--until DATE] [--plan SLUG] [--json]
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> submodule that defines it (imported on first use, so pages can import the package
# while parts of it are still being built)
_WHERE = {
    "Thresholds": "rules",
    "ActionFacts": "rules",
    "Suggestion": "rules",
    "suggest": "rules",
    "direction": "rules",
    "exception_reasons": "rules",
    "ReportFilter": "asof",
    "suggestion_settings": "settings",
    "update_suggestion_settings": "settings",
    "summary": "dashboard",
    "summary_by_theme": "dashboard",
    "rag_trend": "dashboard",
    "round_trend": "dashboard",
    "headline": "dashboard",
    "direction_of_travel": "dashboard",
    "drill": "dashboard",
    "suggestions": "attention",
    "exceptions": "attention",
    "changes": "between",
    "rag_changes": "between",
    "across_plans": "dashboard",
    "closed_rounds": "snapshots",
    "round_snapshot": "snapshots",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'plan.reports' has no attribute '{name}'")
    value = getattr(import_module(f"plan.reports.{module}"), name)
    globals()[name] = value
    return value
