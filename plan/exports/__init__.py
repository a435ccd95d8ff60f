"""Every file the app writes: one path that writes text as text, carries the protective marking in
the file and its name, and records who exported what.

What the rest may call:
  Export(content: bytes, filename, mime, rows)       what a download button or the CLI is given
  export(session, *, user, operation, kind, plan_id, marking, plan_name, title, build,
         filename_stem, restricted=False, on=None) -> Export
        build(book: Book) -> str writes the sheets and returns the audit detail (what went out).
        Checks `operation` (plan.permissions), records one audit event in the caller's
        transaction: kind "board_paper" -> export.board_paper, "audit" -> audit.export,
        "table" -> export.table.
  Book / Sheet / Column: the writer (openpyxl write-only). Every str is written as text (never a
        formula), A4 landscape, one page wide, header row repeated, frozen, filtered, wrapped,
        header and footer carrying the marking, the plan and page numbers.
  table_export(session, *, user, operation, plan_id, marking, plan_name, title, columns, rows,
               filename_stem, detail) -> Export          any one-table download
  board_paper(session, *, user, plan_id, board=None, meeting_id=None, as_of=None, purpose=None,
              recommendations=None, author=None, file_format="xlsx", progress=None) -> Export
  restricted_annex(session, *, user, plan_id, board=None, meeting_id=None, as_of=None,
                   file_format="xlsx") -> Export       a file of its own, never a sheet of the paper
  paper_defaults(...) -> {"purpose", "recommendations"}              (plan/exports/paper/)
  minutes(session, *, user, plan_id, meeting_id, file_format="xlsx") -> Export   a meeting's minutes
  meeting_invite(session, *, user, plan_id, meeting_id) -> Export   the meeting as a calendar invite (.ics)
  actions_list(session, *, user, plan_id, filters) -> Export   the Actions page's list, as filtered
  action_history(session, *, user, plan_id, ref) -> Export     one action's updates and changes
  save_private(path, content)                           a file written 0600 (every CLI export)
  filename(marking, stem, day) -> "OFFICIAL-SENSITIVE board-paper 2026-11-29.xlsx"
  text_export(session, *, user, operation, plan_id, marking, body, filename_stem, suffix, mime,
              detail) -> Export      a text file (a plan's YAML), the marking its first comment line
"""

from __future__ import annotations

from plan.lazy import exports

_WHERE = {
    "Export": "path",
    "export": "path",
    "table_export": "path",
    "text_export": "path",
    "filename": "path",
    "XLSX_MIME": "path",
    "Book": "writer",
    "Sheet": "writer",
    "Column": "writer",
    "board_paper": "paper",
    "restricted_annex": "paper",
    "paper_defaults": "paper",
    "save_private": "path",
    "minutes": "meeting_minutes",
    "meeting_invite": "calendar_invite",
    "actions_list": "action_lists",
    "action_history": "action_lists",
}

__all__ = sorted(_WHERE)


__getattr__ = exports(__name__, _WHERE)
