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
            an update on or before D, and was not retired by then (retired on day R: in the
            plan as at D < R, not as at D >= R). Every action that existed counts, restricted
            included. Titles and owners shown are those in force on D (plan.reports.edits, from
            the audit trail of edits); a closed round's, those when it closed.
            "The round" on D is the round open on D, else the latest closed before it (its
            snapshot says who updated in it).
rag         "red" | "amber" | "green" | "blue" | "not_assessed"; each row also carries rag_label
            (the word: "Red" ... "Not yet assessed"): show the word beside the colour, always.
counts      {"red": n, "amber": n, "green": n, "blue": n, "not_assessed": n, "total": n}
filters     ReportFilter(themes=[names], agencies=[agency names: lead or partner, as on the
            Actions page], boards=[board codes], include_demo=True). A board sees the plan
            through its remit: boards=["HWBB"] keeps the actions that report to the HWBB.
            ReportFilter.to_params() / from_params(mapping) turn it into / out of
            st.query_params (keys: theme, agency, board, as_of, demo).
direction   of an action between two dates: "better" | "worse" | "same" | "first_assessed"
            (RAG order, worst first: red < amber < green < blue; not_assessed has no place).

The action row (drill, exceptions)
---------------------------------
{action_id, ref, title, restricted, shown (detail visible to this user), theme, theme_position,
 lead_agency, owner, rag, rag_label, delivery_status, status_label, due (date|None: the due date
 on the day), baseline_due, days_overdue (0 if not overdue), due_moves (approved moves by then),
 update_id, last_update_at (datetime|None), days_since_update (int|None: never), days_since_added,
 updated_this_round (True|False|None: no round applies or it owes nothing), round_period,
 commentary, blockers, support_asked (of the update shown; RESTRICTED_TEXT when masked),
 suggested_rag (None: closed/deferred), suggested_label, suggested_reason (one sentence),
 agreed_rag (the latest agreed at a meeting held on or before the day, or None), agreed_label,
 agreed_on (date|None)}. Show rag_label beside agreed_label: both are kept, neither replaces
 the other.

Public functions
----------------
Pure (no database), tested as tables, in plan.reports.rules:
  Thresholds(red_overdue_days=30, amber_overdue_days=1, amber_due_moves=2, stale_days=90,
             amber_if_no_update_in_round=True, use_measure_evidence=True)
  ActionFacts(rag, delivery_status, days_overdue, due_moves, days_since_update, days_since_added,
              updated_this_round, round_period, evidence: (evidence_rag, reason) | None)
  suggest(facts, thresholds) -> Suggestion(rag|None, reasons: [str], sentence: str; .label)
        Red: overdue >= red_overdue_days; measure evidence Red. Amber: overdue >=
        amber_overdue_days; due date moved more than amber_due_moves times; no update for more
        than stale_days (or none since added that long ago); no update in the round that applies
        (if amber_if_no_update_in_round); measure evidence Amber. Green: none of these. Blue:
        complete. None: closed or deferred. The worst wins; the sentence names every reason:
        "Red suggested: 40 days overdue and measure M3.5 (...) is Red: 12 in 2026-Q3 against a
        target of 20."
  direction(from_rag, to_rag) -> "better" | "worse" | "same" | "first_assessed"
  exception_reasons(row, *, thresholds, since_rag=None, moved_since=False, suggested=None,
                    due=None) -> [(code, sentence)]
        codes, in this order: red, amber, overdue, stale, no_update_in_round, worsened,
        support_asked, due_moved, optimistic (the owner's RAG is better than the suggested one).
        Complete and closed actions are exceptions only when worse than at the last meeting.
  ReportFilter (plan.reports.asof) .to_params(as_of=None) / .from_params(st.query_params)
  period_ends(start, day, cycle) (plan.reports.asof) -> [(period, day read)]

Settings (per plan; everyone reads, the secretariat changes them; audited before/after):
  suggestion_settings(session, *, plan_id) -> Thresholds
  update_suggestion_settings(session, *, user, plan_id, **changes) -> Thresholds
        numbers may be given as text ("30"); NotAllowed (not admin), InvalidFields (by name:
        out of range, amber days above red days, not a whole number), InvalidInput (unknown name)

The dashboard (every function: as_of=None means today; filters=None means the whole plan):
  summary(session, *, user, plan_id, by="theme"|"agency"|"board", as_of=None, filters=None,
          round_id=None) -> [{group, position, red, amber, green, blue, not_assessed, total,
          overdue} (+ name for boards)] themes in plan order (every theme, even empty),
          agencies by name ("No lead agency" last by name), boards in plan order. round_id: a
          closed round, whose frozen actions count as it froze them.
  summary_by_theme(session, *, user, plan_id, as_of=None, filters=None, round_id=None)
        -> {"as_of": "YYYY-MM-DD", "by_theme": {THEME: counts}, "total": counts}
  rag_trend(session, *, user, plan_id, as_of=None, filters=None) -> [{period, as_of (date), red,
        amber, green, blue, not_assessed, total}]: the plan as at the END of each reporting period
        from the one holding the plan's start date to the one holding as_of (the last is read at
        as_of itself); at most 40, oldest first. Computed from the history, so it changes only if
        history is added with past dates.
  round_trend(session, *, user, plan_id, filters=None) -> [{round_id, period, closed_at, red,
        ..., total, updated}]: what each closed round froze (round_snapshot), oldest first
  headline(session, *, user, plan_id, as_of=None, filters=None) -> {as_of, red, amber, green,
        blue, not_assessed, total, overdue, stale, stale_days, not_updated_this_round,
        round_period, round_open, due_by_now (due on or before the day, not closed),
        due_complete (of those, complete), complete, completion_percent (int|None)}
  overview(session, *, user, plan_id, as_of=None, filters=None) -> {headline: as headline,
        by_theme: as summary(by="theme")}: both from one reading of the plan (the Dashboard)
  direction_of_travel(session, *, user, plan_id, since, as_of=None, filters=None)
        -> {since, as_of, counts: {better, worse, same, first_assessed},
            flows: [{from_rag, to_rag, from_label, to_label, count, direction}] (every action
            existing at as_of; one not existing at since counts from not_assessed: a Sankey),
            actions: [{ref, title, restricted, from_rag, to_rag, from_label, to_label,
            direction}] (only those whose RAG moved)}
  drill(session, *, user, plan_id, as_of=None, filters=None, group_by=None, group=None,
        rag=None, flag=None, limit=200, offset=0) -> (rows: [action row], total: int)
        the actions behind any number: group_by "theme"|"agency"|"board" with group (a summary
        row's group); rag; flag "overdue"|"stale"|"not_updated_this_round"|"complete"|
        "due_by_now"|"due_not_complete" (the headline tiles). InvalidInput for anything else.
  across_plans(session, *, user, as_of=None, slugs=None) -> {as_of, plans: [{slug, name}],
        themes: [names in first-seen order], rows: [{plan, slug, theme, red, amber, green, blue,
        not_assessed, total, overdue}]}. Every plan is open to every signed-in user today (there
        is no per-plan access yet). InvalidInput for an unknown slug.

Exceptions and suggested RAG:
  suggestion_for(session, *, user, plan_id, ref) -> Suggestion | None   one action's, today, when it
        differs from the owner's RAG (Action detail); None for a restricted action not cleared
  suggestions(session, *, user, plan_id, as_of=None, filters=None, evidence=None)
        -> {action_id: Suggestion}
  exceptions(session, *, user, plan_id, as_of=None, since=None, filters=None, evidence=None,
             round_id=None) -> [action row + {"codes": [...], "reasons": [sentences]}], Red first,
        then Amber, then the rest, the most overdue first, plan order within.
        since: what "worse since" and "due date moved since" compare with: a day (its end) or a
        moment (a datetime); default: when the last closed meeting held on or before the day was
        over (its close, if closed on its day: asof.meeting_moment); none: not checked. evidence:
        {action_id: (evidence_rag, reason)}; None takes plan.measures.evidence_by_action (today
        only: evidence is not kept as at past dates). round_id: a closed round (read as it froze
        its actions, as at its closing day unless as_of says).
  plan_and_exceptions(session, *, user, plan_id, as_of=None, since=None, filters=None)
        -> (every action row in plan order, as drill lists them; the exceptions, as exceptions
        lists them), from one read of the plan (the board paper needs both).

Between two dates:
  changes(session, *, user, plan_id, since, until=None, filters=None) -> {since, until,
        transitions: [{ref, title, restricted, from_rag, to_rag, from_label, to_label,
        direction}], flows, counts (as direction_of_travel), newly_red, completed, new_actions
        (did not exist at since), retired (closed or deferred in between), updates_not_made
        (open actions that existed at since with no update after it): each [{ref, title,
        restricted, owner, from_rag, to_rag, from_label, to_label, from_status, to_status,
        existed, missed, last_update_at, direction}], due_dates_moved: [{ref, title,
        restricted, from, to, decided_on}], retired_from_plan: [{ref, title, restricted, reason,
        retired_on}] (retired in between: no longer in the later day's plan)}. InvalidInput when
        since is after until.
  rag_changes(session, *, user, plan_id, since, until=None) -> [{ref, from_rag, to_rag}]

Closed rounds (round.view: admin, chair):
  closed_rounds(session, *, user, plan_id) -> [{round_id, period, deadline, opened_at,
        closed_at, closed_by}] newest first
  round_snapshot(session, *, user, plan_id, round_id, rag=None, theme=None, limit=500, offset=0)
        -> {round_id, period, closed_at, closed_by, summary: {THEME: counts}, total, matching,
        rows: [{ref, title, restricted, theme, owner, rag, rag_label, delivery_status,
        status_label, due, updated_in_round, commentary}], rag_order}

Command line (plan/reports/cli.py; `python -m plan report ...`, as the secretariat):
  report summary [--plan SLUG] [--as-of DATE] [--json]
        {"plan", "as_of", "by_theme": {THEME: {red, amber, green, blue, not_assessed, total}},
         "total": {...}}
  report exceptions [--plan SLUG] [--as-of DATE] [--since DATE] [--json]
        [{"ref", "rag", "reasons": [...], "codes": [...], "suggested_rag", "suggested_reason",
          "agreed_rag", "days_overdue"}]
  report changes --since DATE [--until DATE] [--plan SLUG] [--json]
        [{"ref", "from_rag", "to_rag"}]
"""

from __future__ import annotations

from plan.lazy import exports

# name -> submodule that defines it (imported on first use, so pages can import the package
# while parts of it are still being built)
_WHERE = {
    "suggestion_for": "attention",
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
    "overview": "dashboard",
    "direction_of_travel": "dashboard",
    "drill": "dashboard",
    "suggestions": "attention",
    "exceptions": "attention",
    "plan_and_exceptions": "attention",
    "changes": "between",
    "rag_changes": "between",
    "across_plans": "dashboard",
    "closed_rounds": "snapshots",
    "round_snapshot": "snapshots",
}

__all__ = sorted(_WHERE)


__getattr__ = exports(__name__, _WHERE)
