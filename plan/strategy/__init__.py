"""The Serious Violence Duty frame of a plan: the local definition of serious violence, the
strategic needs assessment and its findings, which actions answer which findings, the specified
authorities, the core measures and the annual review.

Every service takes the session and the acting user (an `Actor`) as keywords, checks the rules in
plan.permissions ("strategy.edit": the secretariat; "strategy.view": chairs and the secretariat),
writes in the caller's transaction with an audit event, and returns plain values.

What the rest may call:
  record_definition(session, *, user, plan_id, text, agreed_on, note="") -> dict   a new version
  definitions(session, *, plan_id) -> list[dict]        every version, newest first
  save_assessment(session, *, user, plan_id, title, assessed_on, author_agency, link) -> dict
  assessment(session, *, plan_id) -> dict | None        the latest
  list_findings(session, *, user, plan_id, include_retired=False) -> list[dict]
  add_finding(session, *, user, plan_id, fields) -> dict
  edit_finding(session, *, user, plan_id, ref, changes, expected_version=None) -> dict
  retire_finding(session, *, user, plan_id, ref, reason) -> dict
  set_finding_actions(session, *, user, plan_id, ref, action_refs) -> dict
  set_action_findings(session, *, user, plan_id, action_ref, finding_refs) -> dict
  findings_for_action(session, *, user, plan_id, action_ref) -> list[dict]
  link_findings(session, user, plan_id, links: {action ref: [finding refs]}, dry_run) -> dict
        for the plan import's "Finding" column: every link checked first, nothing written on a
        dry run or on any problem (InvalidFields keyed by action ref)
  SPECIFIED_AUTHORITIES, set_specified_authority(session, *, user, agency, authority) -> dict
  coverage(session, *, user, plan_id) -> dict          findings, gaps, unanswered actions, authorities
  CORE_TEMPLATES, core_measures(session, *, plan_id) -> list[dict]
  switch_core_measure(session, *, user, plan_id, key, on) -> dict
  set_review_date(session, *, user, plan_id, day) -> dict; review_reminder(session, *, plan_id, today)
  review_export(session, *, user, plan_id, year, file_format="xlsx") -> Export
  carry_findings(session, *, user, old_plan_id, new_plan_id) -> int       the yearly refresh
"""

from __future__ import annotations

from plan.lazy import exports

_WHERE = {
    "record_definition": "frame",
    "definitions": "frame",
    "save_assessment": "frame",
    "assessment": "frame",
    "list_findings": "findings",
    "add_finding": "findings",
    "edit_finding": "findings",
    "retire_finding": "findings",
    "set_finding_actions": "findings",
    "set_action_findings": "findings",
    "findings_for_action": "findings",
    "finding_choices": "findings",
    "link_findings": "findings",
    "set_measure_findings": "measure_findings",
    "findings_of_measure": "measure_findings",
    "PRIORITIES": "findings",
    "SPECIFIED_AUTHORITIES": "authorities",
    "set_specified_authority": "authorities",
    "coverage": "gaps",
    "CORE_TEMPLATES": "core_templates",
    "core_measures": "core_templates",
    "switch_core_measure": "core_templates",
    "set_review_date": "review",
    "review_reminder": "review",
    "review_due": "review",
    "review_export": "review_book",
    "carry_findings": "carry",
}

__all__ = sorted(_WHERE)

__getattr__ = exports(__name__, _WHERE)
