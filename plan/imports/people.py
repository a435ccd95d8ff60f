"""Who a plan's lead cell names: an officer, a role, an organisation, or several of them.

Councils write "LBW / MPS" (two organisations: the first leads), "Head of Community Safety" (a
role), and several named people one per line (the first leads, the rest are named partners).
A cell is taken as organisations only when every part of it reads as one (an acronym such as
LBB or MPS, or words such as Council, Police, NHS, Trust, Service), and never when it names a
role (Head of, Manager, Officer, Lead, Coordinator ...)."""

from __future__ import annotations

import re

_ROLE = re.compile(r"\b(head|manager|officer|lead|leader|coordinator|co ordinator|director|chair|inspector|"
                   r"sergeant|sgt|di|dci|supt|superintendent|nurse|analyst|advisor|adviser|commissioner|chief|"
                   r"deputy|assistant|principal|senior|practitioner|worker|consultant|mr|mrs|ms|dr|cllr|"
                   r"councillor)\b", re.I)
_ORGANISATION = re.compile(r"\b(council|police|met|nhs|trust|icb|ccg|probation|services?|partnership|board|team|"
                           r"unit|department|directorate|schools?|college|academy|fire|health|housing|authority|"
                           r"office|pcc|opcc|mopac|vru|charity|group|network|forum|providers?|agency|centre|hub|"
                           r"social care|education|community safety|yos|yot|dwp|jobcentre|university|hospital|ltd|"
                           r"limited|cic|association|society|borough|county|constabulary|government|ministry|"
                           r"commissioning|voluntary sector|vcs|vcse|all partners|partners)\b", re.I)
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}s?")
_SPLIT = re.compile(r"\s*/\s*|\s*;\s*|\s*\+\s*|\s*\n\s*")


def parts_of(text: str, *, commas: bool = False) -> list[str]:
    """'LBW / MPS' -> ['LBW', 'MPS']. 'and' and '&' stay (agencies are named with them); commas
    divide only where asked and the cell has no semicolon ('Police, ICB, YOT')."""
    pieces = _SPLIT.split(text)
    if commas and ";" not in text:
        pieces = [q for p in pieces for q in p.split(",")]
    return [p.strip(" .") for p in pieces if p.strip(" .")]


def is_organisation(part: str) -> bool:
    if _ROLE.search(part) or "@" in part:
        return False
    return bool(_ACRONYM.fullmatch(part) or _ORGANISATION.search(part))


def organisations(text: str) -> list[str] | None:
    """The organisations a cell names, lead first; None when it is not (only) organisations."""
    found = parts_of(text)
    if found and all(is_organisation(p) for p in found):
        return list(dict.fromkeys(found))
    return None


def people(text: str) -> list[str]:
    """Several people in one cell, one per line (or between '/' or ';'): the lead first."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) > 1:
        return lines
    one = lines[0] if lines else ""
    pieces = [p.strip() for p in re.split(r"\s*[/;]\s*", one) if p.strip()]
    return pieces if len(pieces) > 1 else ([one] if one else [])
