"""The Actions page's list as filtered, and one action's history, as Excel through the one export
path (marked, text as text, audited as export.table). Restricted detail is masked as on screen."""

from __future__ import annotations

from sqlmodel import Session

from models import Plan
from plan.actions import ActionFilter, action_detail, list_actions
from plan.errors import NotFound
from plan.exports.path import Export, table_export
from plan.exports.writer import Column
from plan.identity import Actor
from plan.maintenance.actions import plan_edits
from plan.permissions import require
from plan.text import plural

MOST = 20_000  # every action of the largest plan in one file


def _plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    return plan


def _filter_words(f: ActionFilter) -> str:
    parts = [f"{name}: {', '.join(values)}" for name, values in (
        ("Themes", f.themes), ("RAG", [r.replace("_", " ") for r in f.rags]), ("Agencies", f.agencies),
        ("Boards", f.boards)) if values]
    parts += [f"Owner: {f.owner}"] if f.owner else []
    parts += ["Overdue only"] if f.overdue_only else []
    parts += [f"Search: {f.text}"] if f.text else []
    return "; ".join(parts) or "No filter: every action in the plan now"


def actions_list(session: Session, *, user: Actor, plan_id: int, filters: ActionFilter | None = None) -> Export:
    """Every action the Actions page shows for these filters (not just its page), in plan order.
    Anyone who reads the plan. Raises NotAllowed, NotFound, InvalidInput (a bad filter)."""
    require(user, "actions.export")
    plan, filters = _plan(session, plan_id), filters or ActionFilter()
    rows, total = list_actions(session, user=user, plan_id=plan_id, filters=filters, limit=MOST)
    columns = [Column("Ref", 8), Column("Title", 40), Column("Theme", 14), Column("Owner", 22),
               Column("Lead agency", 22), Column("RAG", 12), Column("Status", 13), Column("Due", 11),
               Column("Overdue", 9), Column("Latest commentary", 48), Column("Blockers", 30),
               Column("Support asked", 30)]
    table = [[r["ref"], r["title"], r["theme"], r["owner"], r["lead_agency"] or "", r["rag_label"], r["status_label"],
              r["current_due_date"], "Yes" if r["overdue"] else "", r["commentary"], r["blockers"],
              r["support_asked"]] for r in rows]
    words = _filter_words(filters)
    return table_export(session, user=user, operation="actions.export", plan_id=plan_id,
                        marking=plan.protective_marking, plan_name=plan.name, title="Actions", columns=columns,
                        rows=table, filename_stem="actions",
                        lines=[f"Filters: {words}.", f"{plural(total, 'action')}."],
                        detail=f"{plural(total, 'action')} ({words})")


def action_history(session: Session, *, user: Actor, plan_id: int, ref: str) -> Export:
    """One action's history, newest first: its status updates (with any sent back) and the
    recorded changes to it (edits, owner, due dates). Anyone who reads the plan. Raises NotAllowed,
    NotFound."""
    require(user, "actions.export")
    plan = _plan(session, plan_id)
    detail = action_detail(session, user=user, plan_id=plan_id, ref=(ref or "").strip())
    events = []
    for u in detail["updates"]:
        said = "\n".join(part for part in (u["commentary"], u["blockers"] and f"Blockers: {u['blockers']}",
                                           u["support_asked"] and f"Support asked: {u['support_asked']}",
                                           u["evidence_url"] and f"Evidence: {u['evidence_url']}") if part)
        if u["returned"]:
            said += f"\nSent back by {u['returned']['by']} on {u['returned']['at']:%d %b %Y}: {u['returned']['note']}"
        events.append((u["at"], "Status update", u["author"], f"{u['rag_label']}, {u['status_label']}", said))
    for e in plan_edits(session, user=user, plan_id=plan_id, ref=detail["ref"]):
        changed = "\n".join(f"{c['field']}: {c['before']} -> {c['after']}" for c in e["changes"])
        events.append((e["at"], e["what"], e["who"], "", changed))
    events.sort(key=lambda x: x[0], reverse=True)
    columns = [Column("When", 17), Column("What", 26), Column("Who", 22), Column("RAG and status", 20),
               Column("Details", 70)]
    table = [[f"{at:%d %b %Y %H:%M}", what, who, rating, text] for at, what, who, rating, text in events]
    return table_export(session, user=user, operation="actions.export", plan_id=plan_id,
                        marking=plan.protective_marking, plan_name=plan.name, title=f"History of {detail['ref']}",
                        columns=columns, rows=table, filename_stem=f"action {detail['ref']} history",
                        lines=[f"{detail['ref']} {detail['title']}", f"Now: {detail['rag_label']}, "
                               f"{detail['status_label']}; due {detail['current_due_date'] or 'no date'}."],
                        detail=f"history of {detail['ref']}: {plural(len(table), 'entry', 'entries')}")
