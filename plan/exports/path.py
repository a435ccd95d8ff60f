"""The one export path: build the workbook with the marking-carrying, text-safe writer, name the
file with the marking, and record who exported what (in the caller's transaction)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from plan.db import READ_ONLY, session_scope
from plan.errors import InvalidInput
from plan.exports.pdf import PDF_MIME, to_pdf
from plan.exports.writer import Book, Column
from plan.identity import Actor
from plan.permissions import require

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("board_paper", "audit", "table", "returns", "minutes", "review")
FORMATS = ("xlsx", "pdf")


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    mime: str = XLSX_MIME
    rows: int = 0


def filename(marking: str, stem: str, day: date | None = None) -> str:
    """'OFFICIAL-SENSITIVE board-paper HWBB 2026-11-29.xlsx': the marking first, then what and when;
    only letters, digits, spaces, dots, dashes and underscores."""
    day = day or datetime.now(UTC).date()
    words = f"{marking} {stem} {day.isoformat()}"
    safe = re.sub(r"[^A-Za-z0-9 ._-]+", "-", words)
    return re.sub(r"\s+", " ", safe).strip(" .") + ".xlsx"


def export(session: Session, *, user: Actor, operation: str, kind: str, plan_id: int | None, marking: str,
           plan_name: str, title: str, build: Callable[[Book], str], filename_stem: str,
           entity_key: str = "", restricted: bool = False, day: date | None = None, period: str = "",
           banner: str | None = None, file_format: str = "xlsx") -> Export:
    """Check `operation`, write the workbook (build returns the audit detail: what went out), and
    record one audit event naming who exported what: in the caller's transaction, or, when the
    caller reads in a read scope (a page), in a short write transaction of its own after the file
    is written, so a long export never holds the write lock and no save waits for it. `banner`:
    what every page's header and footer and the sheet's first row say, when more than the marking
    (a restricted annex). `file_format` "pdf": the workbook as LibreOffice prints it. Raises
    NotAllowed, InvalidInput (no PDF printer); whatever build raises."""
    from plan import audit  # plan.audit exports through here too

    require(user, operation)
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    if file_format not in FORMATS:
        raise InvalidInput(f"Choose the format {' or '.join(FORMATS)}, not {file_format!r}.")
    reading = bool(session.info.get(READ_ONLY))
    if reading:  # what the file holds is read: end the read transaction before the long writing
        session.rollback()
    book = Book(marking=banner or marking, plan_name=plan_name, title=title, period=period)
    detail = build(book)
    content, mime = book.save(), XLSX_MIME
    name = filename(marking, filename_stem, day)
    if file_format == "pdf":
        content, mime, name = to_pdf(content), PDF_MIME, name.removesuffix(".xlsx") + ".pdf"
    event = ("export.board_paper" if kind == "board_paper" else "audit.export" if kind == "audit"
             else "export.returns" if kind == "returns" else "export.minutes" if kind == "minutes"
             else "export.review" if kind == "review" else "export.table")
    if reading:  # read in a read scope: the audit event in a short write transaction of its own
        with session_scope() as writing:
            audit.record(writing, actor=user, event=event, plan_id=plan_id, entity="export",
                         entity_key=entity_key or kind, detail=f"{name}: {detail}", restricted=restricted)
    else:
        audit.record(session, actor=user, event=event, plan_id=plan_id, entity="export",
                     entity_key=entity_key or kind, detail=f"{name}: {detail}", restricted=restricted)
    return Export(content=content, filename=name, mime=mime, rows=book.data_rows)


def save_private(path: Path, content: bytes) -> None:
    """Write an exported file for its owner only (0600, like a backup): every file the app writes
    carries marked material."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(content)
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT: set it


def text_export(session: Session, *, user: Actor, operation: str, plan_id: int | None, marking: str,
                body: str, filename_stem: str, suffix: str, mime: str, detail: str,
                entity_key: str = "", comment: str | None = "# ", restricted: bool = False,
                day: date | None = None, kind: str = "plan_yaml") -> Export:
    """A text file (a plan's YAML, a meeting's calendar invite) through the same path: checks
    `operation`, puts the marking on the file's first line as a comment (comment None: a format
    with no comments, whose body carries the marking itself: refused if it does not) and in its
    name, and records who exported what (kind "plan_yaml": export.plan_yaml; "invite":
    export.invite)."""
    from plan import audit

    require(user, operation)
    if comment is None and marking not in body:
        raise ValueError("a text export without a comment line must carry the marking in its body")
    content = body if comment is None else f"{comment}{marking}\n{body}"
    name = filename(marking, filename_stem, day).removesuffix(".xlsx") + suffix
    code = "export.invite" if kind == "invite" else "export.plan_yaml"
    if session.info.get(READ_ONLY):  # read in a read scope (a page): the event in a write of its own
        with session_scope() as writing:
            audit.record(writing, actor=user, event=code, plan_id=plan_id, entity="export",
                         entity_key=entity_key or filename_stem, detail=f"{name}: {detail}", restricted=restricted)
    else:
        audit.record(session, actor=user, event=code, plan_id=plan_id, entity="export",
                     entity_key=entity_key or filename_stem, detail=f"{name}: {detail}", restricted=restricted)
    return Export(content=content.encode("utf-8"), filename=name, mime=mime, rows=body.count("\n"))


def table_export(session: Session, *, user: Actor, operation: str, plan_id: int | None, marking: str,
                 plan_name: str, title: str, columns: Sequence[str | Column], rows: Sequence[Sequence[Any]],
                 filename_stem: str, detail: str, lines: Sequence[str] = (), kind: str = "table") -> Export:
    """Any one-table download, through the same path."""
    cols = [c if isinstance(c, Column) else Column(c, 24) for c in columns]

    def build(book: Book) -> str:
        sheet = book.sheet(title, title=title, columns=cols, lines=lines, freeze_columns=0)
        for values in rows:
            sheet.row(values)
        sheet.finish()
        return detail

    return export(session, user=user, operation=operation, kind=kind, plan_id=plan_id, marking=marking,
                  plan_name=plan_name, title=title, build=build, filename_stem=filename_stem)
