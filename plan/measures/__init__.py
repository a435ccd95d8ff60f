"""Measures: their definitions, partner data returns, the wide-spreadsheet import, evidence RAG.

Every service takes the session and the acting user (an `Actor`) as keywords, checks the
permission rules, validates everything before writing, writes in the caller's transaction, and
returns plain dicts or dataclasses (never ORM objects). Every refusal is a `plan.errors.PlanError`
whose str() says what to fix; pages show it verbatim.

Words used throughout
---------------------
period      a canonical label: "2024-Q2" (calendar quarter, Apr-Jun 2024), "2025-01" (month),
            "2026-B1" (two months), "2024" (calendar year), "FY2024/25" (UK financial year,
            Apr-Mar), "AY2023/24" (academic year, Sep-Aug), "AY2023/24-T1" (term: T1 autumn
            Sep-Dec, T2 spring Jan-Mar, T3 summer Apr-Aug), "R12-2024-03" (12 months to Mar 2024).
            Councils' spellings ("Q1 24/25", "2024/25 Q3", "Apr-Jun 2024", "Jan-25", "2025-Q1",
            "AY 2023/24", "12 months to Mar 2024") are read by `parse_period`.
state       of one figure: "value" (a number), "suppressed" (a small number withheld: "<5", "*",
            "c", "x"), "missing" ("not yet available", "n/a", or a blank after the first figure in
            an import). Suppressed and missing carry value None: never zero, never summed or
            averaged, skipped by evidence RAG and direction of travel.
kind        "count" (count in the period), "cumulative" (running total since a date),
            "snapshot" (position at the period's end, e.g. a percentage), "rolling_12" (the 12
            months to the period's end). Never summed by the app in any kind.
direction   of good: "higher", "lower", "contextual" (monitored, no RAG).
frequency   "monthly", "bimonthly", "quarterly", "termly", "annual".
target_type "value" (compare with the target as it stands), "trajectory" (straight line from the
            baseline to the target on its date), "none" (no numeric target: no evidence RAG).

The measure dict (`list_measures`, `get_measure`, `measures_for_action`, and the CLI's JSON)
--------------------------------------------------------------------------------------------
ref, name, definition, unit, kind, kind_label, cumulative_since (date|None),
baseline (float|None), baseline_period (label|""), baseline_label,
target (float|None), target_date (date|None), target_type, target_per ("period"|"year"),
target_text (the words as written), direction, tolerance (per cent of the target|None),
frequency, source_agency (name|""), source_agency_id, source_text, contributor (name|""),
contributor_email, lag_days (int|None), notes, actions ([action refs]), version, restricted,
values: [{period, label, start, end, value, state, raw, provisional, note, submitted_by,
          submitted_at, is_demo, shown}] in period order (the current figure per period; periods
          between two figures with no return appear as state "missing", raw "", gap True;
          shown: the figure in words, see describe_figure),
latest: the last entry of values whose state is "value", or None,
evidence_rag: "red" | "amber" | "green" | None,
evidence: {rag, period, label, value, expected, band, reason, skipped: [labels of newer periods
           without a usable figure], uses_older_figure: bool},
direction_of_travel: "better" | "worse" | "same" | None (against the previous figure),
direction_vs_last_year: "better" | "worse" | "same" | None (against the same period a year
           before), change: "up" | "down" | "same" | None (raw movement, also for contextual),
target_line: [{period, end, target}] (what the target is at each period: flat, trajectory or
           pro-rated; empty without a numeric target) for charts.

Public functions
----------------
Pure (no database):
  parse_period(text) -> Period            Period(label, start, end, display); raises InvalidInput
  parse_figure(text, *, unit="count", percent_cell=False) -> Figure
                                           Figure(state, value, raw, provisional); raises InvalidInput
  parse_target(text, *, baseline=None) -> Target
                                           Target(value, date, per, relative, text); never raises for
                                           words ("Reduce", "Monitor"): value None, text kept
  evidence(measure: dict, values: list[dict]) -> Evidence   (see evidence.py for the rules)

Definitions (secretariat edits; everyone reads):
  list_measures(session, *, user, plan_id, action_ref=None, agency_id=None) -> list[dict]
  get_measure(session, *, user, plan_id, ref) -> dict                      NotFound
  measures_for_action(session, *, user, plan_id, action_ref) -> list[dict] NotFound
  measure_history(session, *, user, plan_id, ref) -> list[dict]  every row ever appended, newest
                                           first, each with "current": bool and "shown"
  create_measure(session, *, user, plan_id, fields: dict) -> dict
                                           NotAllowed, InvalidFields (keyed by field name)
  update_measure(session, *, user, plan_id, ref, changes: dict, expected_version=None) -> dict
                                           NotAllowed, NotFound, InvalidFields, StaleVersion
  link_actions(session, *, user, plan_id, ref, action_refs: list[str]) -> dict
                                           sets the full list of actions the measure serves
  definition_choices(session=None) -> dict the fixed words for forms (kinds, units, ...); given a
                                           session, also "agencies" (every agency's name)

Returns (contributors for their own agency's measures; the secretariat for any):
  owed_returns(session, *, user, plan_id, today=None) -> list[dict]
        one dict per measure the user supplies: {ref, name, unit, frequency, lag_days,
        source_agency, owed, late, periods (newest first): [{period, label, due_on, status
        ("received"|"not_available"|"due"|"late"), late: bool, value, state, raw, provisional,
        shown ("<5 (suppressed)", "not yet available", "1,145 (provisional)")}]}
  submit_value(session, *, user, plan_id, measure_ref, period, value, note="",
               provisional=False, personal_data_confirmed=False, today=None) -> dict
        value may be a number or text ("1,145", "55%", "<5", "*", "not yet available", "");
        returns {ref, period, label, state, value, raw, provisional, revision: bool,
        previous: dict|None, changed: bool, shown}. NotFound, NotAllowed, PersonalDataWarning
        (only the note to confirm), InvalidFields (every problem at once, keyed period, value,
        note, personal_data_confirmed: a form shows each beside its field).
  submit_values(session, *, user, plan_id, rows: list[dict], dry_run=False,
                personal_data_confirmed=False) -> dict
        rows: [{row, measure, period, value, provisional?, note?}]; all or nothing: raises
        RowsRejected (an InvalidInput, .problems = [(row number, reason)]) naming every bad row;
        returns {"added": n, "unchanged": n, "rows": [...]} (rows as submit_value returns them).
  read_returns_file(content: bytes, filename: str) -> list[dict]   CSV or XLSX with columns
        measure, period, value (and optionally provisional, note); rows numbered as in the file.
  upload_returns(session, *, user, plan_id, content: bytes, filename: str, dry_run=False,
                 personal_data_confirmed=False) -> dict
        read_returns_file then submit_values: all or nothing, RowsRejected naming each bad row.
  returns_tracker(session, *, user, plan_id, today=None, periods=4) -> dict
        {periods: [period labels], labels: [the same in words], agencies: [{agency, cells:
        {period: {expected, received, not_available, due, late, status ("all in",
        "1 of 7 in; 6 late", ...)}}}], late: [{ref, name, agency, period, label, due_on,
        days_late, not_available}], measures: [{ref, name, agency, frequency, cells: {period:
        [{period, label, status, late, due_on, shown}]}]}: each measure's own periods ended in each
        column, the figure in words. Names of measures serving only restricted actions are
        masked ("Restricted measure") for users not cleared, in `late` and `measures`.
        Roles: admin, chair (all agencies), contributor (own).

Import of the wide spreadsheets partnerships keep (secretariat):
  preview_measures(content, filename, *, sheet=None, mapping=None, header_row=None)
        -> MeasuresPreview (sheet, header_row, columns: [ColumnMatch], sample rows): the table
        found and each column's reading, for the user to correct before the dry run.
  import_measures(session, *, user, plan_id, content: bytes, filename: str, sheet=None,
                  dry_run=False, today=None, mapping=None, header_row=None) -> dict
        {sheet, header_row, measures: [{row, ref, name, change ("new"|"changed"|"unchanged"),
        values_added, actions}], values_added, warnings: [str]}; raises RowsRejected naming every
        bad row and its reason; nothing is written then. A re-import of the same file changes
        nothing.

Evidence for the chair:
  actions_with_weaker_evidence(session, *, user, plan_id) -> list[dict]
        {ref, title, owner_rag, evidence_rag, measure_ref, period, reason (one sentence)} for
        actions whose owner's RAG is better than the worst evidence RAG of their measures
        (Blue counts as Green; Not yet assessed is never flagged).
  evidence_by_action(session, *, user, plan_id) -> list[dict]
        the same shape for every action with a measure rated Red, Amber or Green, whatever the
        owner says (for suggested RAGs).

Showing figures: format_value(value, unit) -> "1,145" / "55%" / "12.5 per 100,000";
describe_figure(state, value, raw, provisional, unit, gap=False) -> "1,145", "<5 (suppressed)",
"not yet available", "no figure received", each + " (provisional)" when so marked.
Charts: plan.charts.measure_chart(measure_dict) -> plotly Figure.
A figure is due `lag_days` after its period ends (30 when not set); `today` parameters exist for
tests and default to the real date.

Kept for older callers: PERIOD (the update-round period pattern, "2026-Q3"), MEASURE_PERIOD (any
canonical measure period label).
"""

from __future__ import annotations

from plan.lazy import exports

# name -> submodule that defines it (imported on first use, so pages can import the package
# while parts of it are still being built)
_WHERE = {
    "PERIOD": "periods",
    "MEASURE_PERIOD": "periods",
    "Period": "periods",
    "parse_period": "periods",
    "Figure": "figures",
    "parse_figure": "figures",
    "Target": "targets",
    "parse_target": "targets",
    "Evidence": "evidence_rules",
    "evidence": "evidence_rules",
    "actions_with_weaker_evidence": "evidence_rules",
    "evidence_by_action": "evidence_rules",
    "list_measures": "definitions",
    "get_measure": "definitions",
    "measures_for_action": "definitions",
    "measure_history": "definitions",
    "create_measure": "definitions",
    "update_measure": "definitions",
    "link_actions": "definitions",
    "definition_choices": "definitions",
    "owed_returns": "returns",
    "submit_value": "returns",
    "submit_values": "returns",
    "read_returns_file": "returns",
    "returns_tracker": "returns",
    "upload_returns": "returns",
    "format_value": "figures",
    "describe_figure": "figures",
    "RowsRejected": "terms",
    "import_measures": "importer",
    "preview_measures": "importer",
}

__all__ = sorted(_WHERE)


__getattr__ = exports(__name__, _WHERE)
