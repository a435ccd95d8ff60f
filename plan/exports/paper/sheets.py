"""The board paper's sheets after the cover: matters arising, exceptions, the detail by theme,
measures, and what changed since the last meeting. A sheet with nothing to show is left out (the
cover says so): an empty sheet prints as a page with a title and nothing under it."""

from __future__ import annotations

from datetime import date
from typing import Any

from plan import measures
from plan.actions import RESTRICTED_TEXT, RESTRICTED_TITLE
from plan.exports.paper.context import PaperContext, masked
from plan.exports.writer import BOLD, Book, Cell, Column, rag_cell, rag_fill
from plan.reports.rules import DIRECTION_WORDS, better, label
from plan.text import plural

RULES_IN_WORDS = {  # the exceptions rules as the paper says them
    "exceptions_red": "Red", "exceptions_every_amber": "every Amber", "exceptions_worsened": "worse since the last "
    "meeting", "exceptions_no_update": "no update in the round or for a long time",
    "exceptions_support_asked": "support asked of the group",
    "exceptions_suggested_worse": "the rules suggest a worse RAG than the owner's",
    "exceptions_due_moved": "due date moved since the last meeting"}


def _day(value: Any) -> str:
    return f"{value:%d %b %Y}" if isinstance(value, date) else str(value or "")


def _due(row: dict[str, Any]) -> str:
    """Due date, and the baseline when it has moved (e.g. '31 Mar 2027 (baseline 31 Dec 2026)')."""
    due, baseline = row.get("due"), row.get("baseline_due")
    if due is None:
        return "No date"
    text = f"{due:%d %b %Y}"
    return f"{text} (baseline {baseline:%d %b %Y})" if baseline and baseline != due else text


def _latest(row: dict[str, Any]) -> str:
    when = row.get("last_update_at")
    text = row.get("commentary") or ""
    if when is None:
        return "No update yet"
    return f"{when:%d %b %Y}: {text}" if text else f"{when:%d %b %Y}: (no commentary)"


def rules_sentence(c: PaperContext) -> str:
    """Which rules put an action on this paper's exceptions list (the plan's settings)."""
    on = []
    for name, words in RULES_IN_WORDS.items():
        if getattr(c.rules, name):
            on.append(words)
        if name == "exceptions_worsened" and c.rules.exceptions_overdue:
            on.append(f"overdue by more than {plural(c.rules.exceptions_overdue_days, 'day')}")
    if not on:
        return "Every exceptions rule is off in Plan settings: no action is listed."
    return "An action is here when any of the plan's rules picks it out: " + "; ".join(on) + \
        " (Plan settings). Worst first."


def matters_arising(book: Book, c: PaperContext) -> bool:
    """Decisions recorded at the last meeting and its follow-ups (open, or done since), first:
    committees take matters arising before new business."""
    if not (c.decisions or c.follow_ups):
        return False
    columns = [Column("What", 12), Column("Ref", 7), Column("Action", 34), Column("Decided or asked", 48),
               Column("Owner", 18), Column("Due", 12), Column("Now", 28)]
    sheet = book.sheet("Matters arising", title=f"Matters arising from the meeting of {c.since:%d %B %Y}"
                       if c.since else "Matters arising", columns=columns, freeze_columns=0,
                       lines=["Decisions the last meeting recorded, then the follow-ups it and earlier meetings "
                              "asked for: open, or done since."])
    for d in c.decisions:
        hidden = d["ref"] in c.restricted_refs
        agreed = f"Agreed RAG {d['agreed_label']}. " if d.get("agreed_rag") else ""
        sheet.row(["Decision", d["ref"], RESTRICTED_TITLE if hidden else d["title"],
                   RESTRICTED_TEXT if hidden else (agreed + (d["decision"] or d["challenge"] or "")).strip(), "",
                   "", rag_cell(d["agreed_rag"], d["agreed_label"]) if d.get("agreed_rag") else ""])
    for f in c.follow_ups:
        hidden = f["ref"] in c.restricted_refs
        now = (f"Done {f['done_at']:%d %b %Y}" + (f": {f['done_note']}" if f["done_note"] and not hidden else "")
               if f["done"] else Cell("Overdue", rag_fill("red"), BOLD) if f["overdue"] else "Open")
        sheet.row(["Follow-up", f["ref"], RESTRICTED_TITLE if hidden else (f["title"] or ""),
                   RESTRICTED_TEXT if hidden else f["text"], f["owner"] or "", f["due"], now])
    sheet.finish()
    return True


EXCEPTION_COLUMNS = [Column("Ref", 7), Column("Action", 34), Column("Lead", 16), Column("RAG", 9),
                     Column("Why it is on the list", 34), Column("Suggested RAG and why", 30),
                     Column("Latest update", 44), Column("Blockers and support asked", 30)]


def _suggestion(row: dict[str, Any]) -> Any:
    """The suggested RAG only where it is worse than the owner's, with the rules' reason in words
    (unless the row's "why" already gives it)."""
    rag = row.get("suggested_rag")
    if not rag or not better(row["rag"], rag):
        return ""
    if "optimistic" in (row.get("codes") or []):
        return rag_cell(rag, label(rag))
    why = (row.get("suggested_reason") or "").removeprefix(f"{label(rag)} suggested: ")
    return rag_cell(rag, f"{label(rag)}: {why}" if why else label(rag))


def _asks(row: dict[str, Any]) -> str:
    parts = [f"Blockers: {row['blockers']}" if row.get("blockers") else "",
             f"Support asked: {row['support_asked']}" if row.get("support_asked") else ""]
    return "\n".join(p for p in parts if p)


def exception_values(row: dict[str, Any]) -> list[Any]:
    return [row["ref"], row["title"], row.get("owner") or "", rag_cell(row["rag"], row["rag_label"]),
            "\n".join(row.get("reasons") or []), _suggestion(row), _latest(row), _asks(row)]


def exceptions(book: Book, c: PaperContext) -> None:
    n = len(c.exceptions)
    sheet = book.sheet("Exceptions", title=f"Exceptions: {n} {'action' if n == 1 else 'actions'} for the group "
                       "to challenge", columns=EXCEPTION_COLUMNS, lines=[rules_sentence(c)])
    for row in c.exceptions:
        sheet.row(exception_values(masked(row)))
    if not c.exceptions:
        sheet.note("No action meets the plan's exceptions rules.")
    sheet.finish()


ACTION_COLUMNS = [Column("Ref", 7), Column("Action", 40), Column("Lead", 18), Column("Agency", 18),
                  Column("Due (baseline if moved)", 15), Column("RAG", 9), Column("Previous RAG", 9),
                  Column("Direction", 10), Column("Latest update", 58)]


def action_values(c: PaperContext, row: dict[str, Any]) -> list[Any]:
    before, travel = c.previous(row)
    return [row["ref"], row["title"], row.get("owner") or "", row.get("lead_agency") or "", _due(row),
            rag_cell(row["rag"], row["rag_label"]),
            rag_cell(before, label(before)) if before else "", travel, _latest(row)]


def theme_sheets(book: Book, c: PaperContext) -> list[str]:
    since = f"Previous RAG and direction: since the last meeting ({c.since:%d %b %Y})." if c.since else \
        "No earlier closed meeting: no previous RAG to compare with."
    written = []
    for theme in c.themes:
        rows = c.by_theme[theme]
        if not rows:
            continue
        sheet = book.sheet(theme, title=f"{theme}: {len(rows)} {'action' if len(rows) == 1 else 'actions'}",
                           columns=ACTION_COLUMNS, lines=[since])
        for row in rows:
            sheet.row(action_values(c, masked(row)))
        sheet.finish()
        written.append(theme)
    return written


def measures_sheet(book: Book, c: PaperContext) -> bool:
    if not c.measures:
        return False
    columns = [Column("Ref", 8), Column("Measure", 36), Column("Latest period", 14), Column("Latest value", 13),
               Column("Target", 13), Column("Evidence RAG", 10), Column("Direction", 10), Column("Why", 42),
               Column("Actions", 12)]
    sheet = book.sheet("Measures", title="Measures: latest figures against target", columns=columns)
    for m in c.measures:
        if m["restricted"]:
            sheet.row([m["ref"], RESTRICTED_TITLE.replace("action", "measure"), "", "", "", "", "", "", ""])
            continue
        latest = m.get("latest")
        value = measures.format_value(latest["value"], m["unit"]) if latest else "No figure yet"
        target = measures.format_value(m["target"], m["unit"]) if m.get("target") is not None else (
            m.get("target_text") or "")
        evidence = m.get("evidence") or {}
        sheet.row([m["ref"], m["name"], latest["label"] if latest else "", value, target,
                   rag_cell(m["evidence_rag"], label(m["evidence_rag"])) if m.get("evidence_rag") else "No RAG",
                   DIRECTION_WORDS.get(m.get("direction_of_travel"), ""), evidence.get("reason") or "",
                   ", ".join(r for r in m["actions"] if r in c.refs and r not in c.restricted_refs)])
    sheet.finish()
    return True


def changes_sheet(book: Book, c: PaperContext) -> bool:
    ch = c.changes
    if ch is None or not any(ch[k] for k in ("transitions", "completed", "new_actions", "retired",
                                             "retired_from_plan", "due_dates_moved", "updates_not_made")):
        return False
    columns = [Column("Change", 18), Column("Ref", 7), Column("Action", 44), Column("From", 13), Column("To", 13),
               Column("Detail", 40)]
    sheet = book.sheet("Changes", title=f"Changes from {c.since:%d %b %Y} to {c.day:%d %b %Y}", columns=columns)

    def title(r: dict[str, Any]) -> str:
        return RESTRICTED_TITLE if r.get("restricted") else r["title"]

    for t in ch["transitions"]:
        sheet.row(["RAG moved", t["ref"], title(t), rag_cell(t["from_rag"], t["from_label"]),
                   rag_cell(t["to_rag"], t["to_label"]), DIRECTION_WORDS.get(t["direction"], t["direction"])])
    for r in ch["completed"]:
        sheet.row(["Completed", r["ref"], title(r), "", "", ""])
    for r in ch["new_actions"]:
        sheet.row(["New action", r["ref"], title(r), "", "", ""])
    for r in ch["retired"]:
        sheet.row(["Closed or deferred", r["ref"], title(r), "", "", ""])
    for r in ch.get("retired_from_plan", []):
        sheet.row(["Retired from the plan", r["ref"], title(r), "", f"{r['retired_on']:%d %b %Y}",
                   RESTRICTED_TEXT if r.get("restricted") else r["reason"]])
    for r in ch["due_dates_moved"]:
        sheet.row(["Due date moved", r["ref"], title(r), _day(r["from"]), _day(r["to"]),
                   f"approved {r['decided_on']:%d %b %Y}" if r.get("decided_on") else ""])
    for r in ch["updates_not_made"]:
        last = r.get("last_update_at")
        sheet.row(["No update since", r["ref"], title(r), "", "",
                   f"last update {last:%d %b %Y}" if last else "never updated"])
    sheet.finish()
    return True


def annex_sheet(book: Book, c: PaperContext) -> int:
    """Every restricted action's detail (the annex file's one sheet); how many."""
    columns = [Column("Theme", 12), Column("Ref", 7), Column("Action", 36), Column("Lead", 16),
               Column("Due (baseline if moved)", 14), Column("RAG", 9), Column("Previous RAG", 9),
               Column("Latest update", 44), Column("Blockers", 26), Column("Support asked", 26),
               Column("Why an exception", 30)]
    why = {r["ref"]: "\n".join(r["reasons"]) for r in c.exceptions}
    rows = [(theme, r) for theme in c.themes for r in c.by_theme[theme] if r["restricted"]]
    sheet = book.sheet("Restricted annex", title=f"Restricted annex: {len(rows)} restricted "
                       f"{'action' if len(rows) == 1 else 'actions'}", columns=columns, lines=[
                           f"{c.plan.protective_marking}: RESTRICTED DETAIL, for readers cleared for restricted "
                           "items only. Do not circulate with the board paper."])
    for theme, r in rows:
        before, _ = c.previous(r)
        sheet.row([theme, r["ref"], r["title"], r.get("owner") or "", _due(r), rag_cell(r["rag"], r["rag_label"]),
                   rag_cell(before, label(before)) if before else "", _latest(r), r.get("blockers") or "",
                   r.get("support_asked") or "", why.get(r["ref"], "")])
    if not rows:
        sheet.note("The paper holds no restricted action.")
    sheet.finish()
    return len(rows)
