"""The database's change stamp: one cheap query whose answer changes after any write that the
pages' cached figures could show, from any app process (so caches never serve stale data)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from models import AuditEvent, StatusUpdate

# How far below the newest id a late commit can still land and be seen (see change_stamp).
WINDOW = 1_000


def change_stamp(session: Session) -> tuple[int, ...]:
    """(newest id, rows among the newest WINDOW ids) of the audit trail and of status updates.

    Every service writes an audit event in the same transaction as its change (and every status
    update is a row of its own), so a committed write moves the newest id. On PostgreSQL ids are
    handed out before commit: a transaction that took id 100 may commit after one that took 101;
    the count of rows near the top then goes up when it lands. Both columns read from the primary
    key's index: a few index pages, not a scan, whatever the plan's size."""
    stamp: list[int] = []
    for table in (AuditEvent, StatusUpdate):
        newest = select(func.coalesce(func.max(table.id), 0)).scalar_subquery()
        recent = select(func.count()).select_from(table).where(table.id > newest - WINDOW).scalar_subquery()
        row = session.exec(select(newest, recent)).one()
        stamp += [int(row[0]), int(row[1])]
    return tuple(stamp)
