"""Offline update returns: a workbook of one owner's (or one agency's) actions to fill in away
from the app, and reading it back.

The workbook has one visible sheet, protected, where only the update cells are unlocked (RAG and
status are drop-downs; commentary, blockers, support asked and an evidence link are free text),
and a very hidden sheet `_return` carrying the return's id and each row's ref and the action's
version when the return was made. The server keeps its own record of every return it makes
(models.IssuedReturn: who it is for, and each action's sheet row and version), and a completed
return is applied only against that record: the hidden sheet is a copy for people reading the
file, never trusted (a workbook's hidden sheet is as easy to edit as any other). So a return
applies only to the actions it was made with, as the owner it was made for, and "stale" means
the action changed since the server made the return. Reading it back:
- a row left blank is nothing to apply;
- a row whose action has been updated since the return was made is stale: it is applied only
  when the user confirms (confirm_stale), on top of the newer update;
- every other row goes through plan.updates.record_update: the same rules as the app, a
  submission key per return and row (so applying the same return twice adds nothing);
- all or nothing: one row with a problem, or a stale row not confirmed, and nothing is written.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import or_
from sqlmodel import Session, select

from models import Action, ActionDelegate, Agency, IssuedReturn, IssuedReturnAction, Person, Plan, StatusUpdate
from plan import audit
from plan.errors import InvalidInput, NotFound, PlanError, StaleVersion
from plan.excel import set_text
from plan.exports import Export, export
from plan.exports.writer import Book, Cell, Column
from plan.identity import Actor
from plan.permissions import require
from plan.text import plural
from plan.updates import record_update
from plan.users import actor_for
from plan.vocab import RAG_LABELS, DeliveryStatus, Rag
from plan.workbooks import open_workbook

SHEET = "Update return"
HIDDEN = "_return"
FIXED = ("Ref", "Action", "Due date", "RAG now", "Latest update")
EDITABLE = ("New RAG", "Delivery status", "Commentary", "Blockers", "Support asked", "Evidence link (https://)")
RAG_CHOICES = [RAG_LABELS[r] for r in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)]
STATUS_CHOICES = [s.label for s in DeliveryStatus]
OPEN = (DeliveryStatus.NOT_STARTED.value, DeliveryStatus.IN_PROGRESS.value)
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")


def _actions(session: Session, plan_id: int, owner: Person | None, agency: Agency | None) -> list[Action]:
    query = select(Action).where(Action.plan_id == plan_id, Action.delivery_status.in_(OPEN))
    if owner is not None:
        delegated = select(ActionDelegate.action_id).where(ActionDelegate.person_id == owner.id)
        query = query.where(or_(Action.owner_person_id == owner.id, Action.id.in_(delegated)))
    if agency is not None:
        query = query.where(Action.lead_agency_id == agency.id)
    return list(session.exec(query.order_by(Action.ref_sort)).all())


def return_workbook(session: Session, *, user: Actor, plan_id: int, owner_email: str | None = None,
                    agency: str | None = None) -> Export:
    """The return for one owner (their actions as owner or delegate) or one lead agency: the open
    actions (not complete, closed or deferred). Restricted actions only for a cleared user.
    Secretariat only. Raises NotAllowed, NotFound (no such person, agency or plan), InvalidInput
    (neither or both given, or no actions to return). Written through the one export path
    (plan.exports: text as text, the marking in the sheet, its header and footer and the file's
    name, the export audited); returns its Export (content, filename)."""
    require(user, "returns.manage")
    if bool(owner_email) == bool(agency):
        raise InvalidInput("Make a return either for one owner (their e-mail) or for one lead agency.")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("There is no such plan.")
    owner = agency_row = None
    if owner_email:
        owner = session.exec(select(Person).where(Person.email == owner_email.strip().lower())).first()
        if owner is None:
            raise NotFound(f"No one has the e-mail {owner_email}.")
        who = f"{owner.name} <{owner.email}>"
    else:
        agency_row = session.exec(select(Agency).where(Agency.name == (agency or "").strip())).first()
        if agency_row is None:
            raise NotFound(f"There is no agency called '{agency}'.")
        who = agency_row.name
    actions = [a for a in _actions(session, plan_id, owner, agency_row)
               if user.cleared_for_restricted or not a.restricted]
    if not actions:
        raise InvalidInput(f"{who} has no open actions in this plan to return.")
    marking = plan.protective_marking
    latest = _latest_updates(session, [a.id for a in actions if a.id is not None])
    return_id = uuid.uuid4().hex
    made = datetime.now(UTC)
    issued = IssuedReturn(return_key=return_id, plan_id=plan_id, owner_person_id=owner.id if owner else None,
                          agency_id=agency_row.id if agency_row else None, made_for=who[:600],
                          issued_by=(user.email or user.name)[:320], issued_at=made)
    session.add(issued)
    session.flush()
    widths = (8, 45, 12, 10, 45, 12, 15, 45, 30, 30, 30)
    columns = [Column(name, width) for name, width in zip((*FIXED, *EDITABLE), widths, strict=True)]

    def build(book: Book) -> str:
        sheet = book.sheet(SHEET, title=f"Update return: {who}", columns=columns, freeze_columns=2, lines=[
            f"{plan.name}. Made {made:%d %b %Y %H:%M} UTC.",
            "Fill in the shaded cells only: a new RAG (Red, Amber, Green or Blue) and status from the lists, and "
            "what has happened. Commentary is needed when the RAG is Red or Amber or changes; Blue means complete "
            "and needs an evidence link. Leave a row blank to give no update."])
        first_row = sheet.header_row + 1
        for action in actions:
            update = latest.get(action.id)  # type: ignore[arg-type]
            rag = Rag(action.rag) if action.rag in {r.value for r in Rag} else None
            fixed = [action.ref, action.title,
                     f"{action.current_due_date:%d %b %Y}" if action.current_due_date else "not set",
                     RAG_LABELS[rag] if rag else action.rag,
                     f"{update.created_at:%d %b %Y}: {update.commentary}" if update else "No update yet."]
            cells = [sheet._cell(value) for value in fixed]  # noqa: SLF001  the export path's text-safe cell
            for _ in EDITABLE:
                cell = sheet._cell(Cell("", EDITABLE_FILL))  # noqa: SLF001
                cell.protection = Protection(locked=False)
                cell.number_format = "@"  # what is typed stays text
                cells.append(cell)
            sheet.add_cells(cells, texts=fixed)  # the row's height from its wrapped words, so it prints whole
            sheet.data_rows += 1
        last = first_row + len(actions) - 1
        first_edit = get_column_letter(len(FIXED) + 1)
        status_column = get_column_letter(len(FIXED) + 2)
        rag_list = DataValidation(type="list", formula1='"' + ",".join(RAG_CHOICES) + '"', allow_blank=True,
                                  showErrorMessage=True, errorTitle="RAG", error="Choose Red, Amber, Green or Blue.")
        status_list = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                                     showErrorMessage=True, errorTitle="Status", error="Choose a status from the list.")
        rag_list.add(f"{first_edit}{first_row}:{first_edit}{last}")
        status_list.add(f"{status_column}{first_row}:{status_column}{last}")
        sheet.ws.data_validations.append(rag_list)
        sheet.ws.data_validations.append(status_list)
        protection = sheet.ws.protection
        protection.sheet = True
        protection.formatCells = protection.formatColumns = protection.formatRows = False
        protection.autoFilter = protection.sort = False  # filtering and sorting still allowed

        hidden = book.workbook.create_sheet(HIDDEN)
        hidden.sheet_state = "veryHidden"
        hidden.protection.sheet = True
        hidden.append(_texts(hidden, ["return", return_id, plan.slug, owner.email if owner else "",
                                      agency_row.name if agency_row else "", made.isoformat()]))
        hidden.append(_texts(hidden, ["row", "ref", "version"]))
        for offset, action in enumerate(actions):
            hidden.append([first_row + offset, *_texts(hidden, [action.ref]), action.version])
            session.add(IssuedReturnAction(issued_return_id=issued.id, action_id=action.id, row=first_row + offset,
                                           version=action.version))
        book.workbook.security = WorkbookProtection(lockStructure=True)  # the hidden sheet stays hidden
        refs = ", ".join(a.ref for a in actions)
        return f"update return {return_id} for {who}: {plural(len(actions), 'action')} ({refs})"

    return export(session, user=user, operation="returns.manage", kind="table", plan_id=plan_id, marking=marking,
                  plan_name=plan.name, title=f"Update return: {who}", build=build,
                  filename_stem=f"update return {who}", entity_key=return_id,
                  restricted=any(a.restricted for a in actions))


def _texts(sheet: Any, values: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet)
        set_text(cell, value)
        cells.append(cell)
    return cells


def _latest_updates(session: Session, action_ids: list[int]) -> dict[int, StatusUpdate]:
    latest: dict[int, StatusUpdate] = {}
    if not action_ids:
        return latest
    for update in session.exec(select(StatusUpdate).where(StatusUpdate.action_id.in_(action_ids))
                               .order_by(StatusUpdate.created_at, StatusUpdate.id)).all():
        latest[update.action_id] = update
    return latest


# ---------------------------------------------------------------- reading a completed return


@dataclass
class ReturnRow:
    row: int
    ref: str
    title: str = ""
    state: str = "ok"  # ok, blank, stale, problem, already applied
    problems: list[str] = field(default_factory=list)
    newer_update: str = ""  # for a stale row: what was said since the return was made
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class ReturnReport:
    return_id: str
    plan_slug: str
    made_for: str
    rows: list[ReturnRow]
    dry_run: bool
    applied: bool = False

    def rows_in(self, state: str) -> list[ReturnRow]:
        return [r for r in self.rows if r.state == state]

    def summary(self) -> str:
        counts = {state: len(self.rows_in(state)) for state in ("ok", "stale", "problem", "blank", "already applied")}
        verb = "Applied" if self.applied else "Would apply" if not counts["problem"] else "Cannot apply"
        return (f"{verb}: {plural(counts['ok'], 'update')} for {self.made_for}; {counts['stale']} made against an "
                f"older state of the action; {counts['problem']} with problems; {counts['blank']} left blank; "
                f"{counts['already applied']} already applied.")


class ReturnRejected(InvalidInput):
    """Rows with problems, or stale rows not confirmed: nothing was written."""

    def __init__(self, report: ReturnReport) -> None:
        self.report = report
        lines = [f"row {r.row} ({r.ref}): {' '.join(r.problems)}" for r in report.rows_in("problem")]
        stale = report.rows_in("stale")
        if stale:
            lines.append("updated since the return was made (confirm to apply on top): "
                         + ", ".join(r.ref for r in stale))
        super().__init__("Nothing was applied.\n" + "\n".join(lines))


KEYS = ("rag", "delivery_status", "commentary", "blockers", "support_asked", "evidence_url")


@dataclass
class _Completed:
    """A completed return as the workbook has it: its id, what its hidden sheet claims (ref to
    (row, version)), and the visible sheet to read the typed cells from."""

    return_id: str
    claimed: dict[str, tuple[int, int]]
    sheet: Any

    def row(self, number: int, ref: str) -> ReturnRow:
        """What was typed on sheet row `number`, which the server wrote for action `ref`."""
        shown = self.sheet.value(number, 1)
        row = ReturnRow(row=number, ref=ref)
        if str(shown or "").strip() != ref:
            row.state, row.problems = "problem", [f"the row shows ref '{shown}' where the return put {ref}: rows "
                                                  "were moved or changed; use the return as it was made."]
        first = len(FIXED) + 1
        for offset, key in enumerate(KEYS):
            value = self.sheet.value(number, first + offset)
            row.values[key] = "" if value is None else str(value).strip()
        return row


def _read(content: bytes, filename: str) -> _Completed:
    book = open_workbook(content, filename)  # the one reader of uploads, within its caps
    if HIDDEN not in book.sheet_names or SHEET not in book.sheet_names:
        raise InvalidInput(f"{filename} is not an update return made by this app (it has no return sheet); "
                           "make the return in the app and fill that in.")
    hidden, sheet = book.sheet(HIDDEN), book.sheet(SHEET)
    head = [str(v or "") for v in hidden.value_row(1)]
    claimed: dict[str, tuple[int, int]] = {}
    for line, cells in hidden.rows:
        if line < 3 or not cells or cells[0] is None:
            continue
        cells = list(cells) + [None] * 3
        try:
            claimed[str(cells[1])] = (int(cells[0]), int(cells[2]))
        except (TypeError, ValueError):
            claimed[str(cells[1])] = (0, 0)  # not what the server wrote: reported below
    return _Completed(return_id=head[1] if len(head) > 1 else "", claimed=claimed, sheet=sheet)


def _issued(session: Session, return_id: str, filename: str) -> IssuedReturn:
    issued = session.exec(select(IssuedReturn).where(IssuedReturn.return_key == return_id[:32])).first() \
        if return_id else None
    if issued is None:
        raise InvalidInput(f"{filename} is not an update return this app made (the app has no record of it), or "
                           "it was made before the app kept a record of returns. Make the return in the app again "
                           "and fill that in.")
    return issued


def _made_for(session: Session, user: Actor, issued: IssuedReturn) -> tuple[Actor, str]:
    """Who the updates are made as: the owner the return was made for (their rights apply), or, for a
    lead agency's return, the secretariat applying it. Raises InvalidInput (the owner has left)."""
    if issued.owner_person_id is None:
        return user, issued.made_for
    person = session.get(Person, issued.owner_person_id)
    if person is None or not person.active:
        raise InvalidInput(f"This return was made for {issued.made_for}, whose account is no longer active, so "
                           "nothing can be applied as them. Make a new return for whoever updates these actions now.")
    return actor_for(person), f"{person.name} <{person.email}>"


def _rows(session: Session, completed: _Completed, issued: IssuedReturn) -> list[ReturnRow]:
    """One row per action the server issued, read from the row the server wrote it on, with the
    version the server recorded; a hidden sheet that disagrees with the record is a problem."""
    records = session.exec(select(IssuedReturnAction, Action.ref)
                           .join(Action, Action.id == IssuedReturnAction.action_id)
                           .where(IssuedReturnAction.issued_return_id == issued.id)
                           .order_by(IssuedReturnAction.row)).all()
    claimed = dict(completed.claimed)
    rows = []
    for record, ref in records:
        row = completed.row(record.row, ref)
        row.values["version"] = str(record.version)
        if claimed.pop(ref, None) != (record.row, record.version) and row.state != "problem":
            row.state, row.problems = "problem", [
                f"the return's hidden record of {ref} was changed after the app made it; use the return as it was "
                "made (or make a new one)."]
        rows.append(row)
    for ref, (number, _) in claimed.items():  # rows added to the hidden sheet: never issued
        rows.append(ReturnRow(row=number, ref=ref, title="", state="problem", problems=[
            f"this return was not made for action {ref}: the return was changed after the app made it."]))
    return rows


def apply_return(session: Session, *, user: Actor, content: bytes, filename: str = "return.xlsx",
                 confirm_stale: bool = False, dry_run: bool = False) -> ReturnReport:
    """Apply a completed return (or with dry_run, check it: each row ok, blank, stale or with its
    problems). Secretariat only. Bound to the server's record of the return (IssuedReturn): only
    the actions it was made with, each update made as the owner it was made for (so the owner's
    rights apply; as the secretariat for an agency's return), stale when the action's version
    differs from the one recorded. All or nothing: raises ReturnRejected (problems, or stale rows
    without confirm_stale), NotAllowed, InvalidInput (not a return this app made, or its owner
    has left)."""
    require(user, "returns.manage")
    completed = _read(content, filename)
    issued = _issued(session, completed.return_id, filename)
    plan = session.get(Plan, issued.plan_id)
    if plan is None:
        raise InvalidInput("The plan this return was made for is no longer in this database.")
    acting, made_for = _made_for(session, user, issued)
    rows = _rows(session, completed, issued)
    report = ReturnReport(return_id=issued.return_key, plan_slug=plan.slug, made_for=made_for, rows=rows,
                          dry_run=dry_run)
    outer = session.begin_nested()
    try:
        for row in rows:
            if row.values:  # a row the server issued (rows it never issued are only reported)
                _apply_row(session, user=user, acting=acting, plan_id=plan.id,  # type: ignore[arg-type]
                           return_id=issued.return_key, row=row, confirm_stale=confirm_stale)
        blocked = report.rows_in("problem") or (report.rows_in("stale") and not confirm_stale)
        if blocked or dry_run:
            outer.rollback()
            if blocked and not dry_run:
                raise ReturnRejected(report)
            return report
        applied = [r.ref for r in report.rows_in("ok")] + [r.ref for r in report.rows_in("stale")]
        if applied:
            audit.record(session, actor=user, event="returns.import", plan_id=plan.id, entity="return",
                         entity_key=issued.return_key,
                         after={"for": made_for, "applied": applied,
                                "stale_confirmed": [r.ref for r in report.rows_in("stale")]})
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    report.applied = True
    return report


def read_return(session: Session, *, user: Actor, content: bytes, filename: str = "return.xlsx") -> ReturnReport:
    """The dry run of apply_return: what each row would do, nothing written."""
    return apply_return(session, user=user, content=content, filename=filename, dry_run=True)


def _apply_row(session: Session, *, user: Actor, acting: Actor, plan_id: int, return_id: str, row: ReturnRow,
               confirm_stale: bool) -> None:
    action = session.exec(select(Action).where(Action.plan_id == plan_id, Action.ref == row.ref)).first()
    if action is None:
        row.state, row.problems = "problem", [f"there is no action {row.ref} in the plan any more."]
        return
    cleared = user.cleared_for_restricted and acting.cleared_for_restricted
    row.title = action.title if cleared or not action.restricted else "Restricted"
    if action.restricted and not user.cleared_for_restricted:
        row.state, row.problems = "problem", ["this action is restricted: only someone cleared may apply its update."]
        return
    if row.state == "problem":
        return
    values = row.values
    if not any(values[k] for k in KEYS):
        row.state = "blank"
        return
    key = "return-" + hashlib.sha256(f"{return_id}|{row.ref}".encode()).hexdigest()[:40]
    if session.exec(select(StatusUpdate.id).where(StatusUpdate.submission_key == key)).first() is not None:
        row.state = "already applied"
        return
    version = int(values["version"])
    stale = action.version != version
    if stale:
        row.state = "stale"
        newer = session.exec(select(StatusUpdate).where(StatusUpdate.action_id == action.id)
                             .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())).first()  # type: ignore[attr-defined]
        if newer is not None and (cleared or not action.restricted):
            row.newer_update = (f"{newer.created_at:%d %b %Y} by {newer.author_name or 'someone'}: "
                                f"{RAG_LABELS.get(Rag(newer.rag), newer.rag)}. {newer.commentary}")
    savepoint = session.begin_nested()
    try:
        record_update(session, user=acting, plan_id=plan_id, ref=row.ref, rag=values["rag"],
                      delivery_status=values["delivery_status"] or _default_status(values["rag"], action),
                      commentary=values["commentary"], blockers=values["blockers"],
                      support_asked=values["support_asked"], evidence_url=values["evidence_url"],
                      expected_version=None if stale else version, submission_key=key)
        savepoint.commit()
    except PlanError as err:
        savepoint.rollback()
        row.state = "problem"
        problems: Any = getattr(err, "problems", None)
        row.problems = list(problems.values()) if isinstance(problems, dict) else [str(err)]
        if isinstance(err, StaleVersion):
            row.problems = [str(err)]


def _default_status(rag: str, action: Action) -> str:
    """No status chosen: Blue means complete; otherwise in progress (or the action's own)."""
    if rag.strip().lower() in ("blue", "b", "complete"):
        return DeliveryStatus.COMPLETE.value
    return action.delivery_status if action.delivery_status != DeliveryStatus.NOT_STARTED.value \
        else DeliveryStatus.IN_PROGRESS.value


def return_choices(session: Session, *, user: Actor, plan_id: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Who a return can be made for: ([(email, name)] of people who own or are delegates for an
    open action, [lead agency names of open actions]). Secretariat only."""
    require(user, "returns.manage")
    open_actions = select(Action.id).where(Action.plan_id == plan_id, Action.delivery_status.in_(OPEN))
    owners = select(Action.owner_person_id).where(Action.id.in_(open_actions))
    delegates = select(ActionDelegate.person_id).where(ActionDelegate.action_id.in_(open_actions))
    people = session.exec(select(Person).where(or_(Person.id.in_(owners), Person.id.in_(delegates)))
                          .order_by(Person.name)).all()
    agencies = session.exec(select(Agency.name).where(Agency.id.in_(
        select(Action.lead_agency_id).where(Action.id.in_(open_actions)))).order_by(Agency.name)).all()
    return [(p.email, p.name) for p in people], list(agencies)
