"""The specified authorities of the Serious Violence Duty, and which one each agency is."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from models import Agency
from plan import audit
from plan.errors import InvalidInput, NotFound
from plan.identity import Actor
from plan.permissions import require
from plan.text import clean

# The bodies the Police, Crime, Sentencing and Courts Act 2022 (Part 2) names for an area, in the
# words partnerships use for them.
SPECIFIED_AUTHORITIES: dict[str, str] = {
    "police": "Police (the chief officer of police)",
    "fire_and_rescue": "Fire and rescue authority",
    "integrated_care_board": "Integrated care board (health)",
    "local_authority": "Local authority (district and county councils)",
    "youth_offending_team": "Youth offending team (youth justice service)",
    "probation": "Probation service",
}


def parse_authority(value: Any) -> str | None:
    """An authority's code from its code or its words (case-insensitive); blank or 'none': None.
    Raises InvalidInput naming the choices."""
    text = " ".join(clean(value or "", multiline=False).split()).casefold()
    if text in ("", "none", "no", "not a specified authority"):
        return None
    for code, words in SPECIFIED_AUTHORITIES.items():
        if text in (code, code.replace("_", " "), words.casefold()):
            return code
    raise InvalidInput(f"'{value}' is not a specified authority; choose one of: "
                       f"{', '.join(SPECIFIED_AUTHORITIES)}, or none.")


def set_specified_authority(session: Session, *, user: Actor, agency: str, authority: str | None) -> dict[str, Any]:
    """Say which specified authority an agency is (or none). Secretariat only. Raises NotAllowed,
    NotFound, InvalidInput."""
    require(user, "agency.manage")
    name = " ".join(clean(agency, multiline=False).split())
    row = session.exec(select(Agency).where(Agency.name == name)).first()
    if row is None:
        raise NotFound(f"There is no agency '{name}'; add it on the Owners and agencies page first.")
    code = parse_authority(authority)
    before = row.specified_authority
    if before != code:
        row.specified_authority = code
        session.add(row)
        audit.record(session, actor=user, event="agency.specified_authority", entity="agency", entity_key=row.name,
                     before={"specified_authority": before}, after={"specified_authority": code})
    return {"agency": row.name, "specified_authority": code, "changed": before != code}
