"""The fixed words of the domain: RAG ratings, delivery statuses, agency kinds, roles."""

from __future__ import annotations

from enum import StrEnum

from plan.errors import InvalidInput


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"  # complete
    NOT_ASSESSED = "not_assessed"

    @property
    def label(self) -> str:
        return RAG_LABELS[self]


RAG_LABELS = {
    Rag.RED: "Red",
    Rag.AMBER: "Amber",
    Rag.GREEN: "Green",
    Rag.BLUE: "Blue",
    Rag.NOT_ASSESSED: "Not yet assessed",
}

# Red reads red and Amber reads amber at a glance, and all five stay apart under protanopia,
# deuteranopia and tritanopia: they differ in lightness as well as hue (dark red, light amber,
# mid teal-green, blue, pale grey; the smallest CIEDE2000 difference between two of them under a
# simulated colour-vision deficiency is 20). The word is always shown beside the colour: RAG is
# never colour alone. Each text colour is at least 4.5:1 on its colour (WCAG AA), checked by
# tests/unit/test_rag_colours.py.
RAG_COLOURS = {
    Rag.RED: "#B0101E",  # white text 7.2:1
    Rag.AMBER: "#FFB000",  # black text 11.5:1
    Rag.GREEN: "#0F9977",  # black text 5.8:1
    Rag.BLUE: "#1D4ED8",  # white text 6.7:1
    Rag.NOT_ASSESSED: "#D9D9D9",  # black text 14.9:1
}
RAG_TEXT_COLOURS = {
    Rag.RED: "#FFFFFF",
    Rag.AMBER: "#000000",
    Rag.GREEN: "#000000",
    Rag.BLUE: "#FFFFFF",
    Rag.NOT_ASSESSED: "#000000",
}
RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_ASSESSED]

DEFAULT_RAG_MEANINGS = {
    Rag.RED: "Off track: the action will not be delivered by its due date without intervention.",
    Rag.AMBER: "At risk: some slippage or issues, which the owner expects to resolve.",
    Rag.GREEN: "On track to be delivered by its due date.",
    Rag.BLUE: "Complete: delivered, with evidence.",
    Rag.NOT_ASSESSED: "No update has been given yet.",
}


class DeliveryStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    CLOSED = "closed"
    DEFERRED = "deferred"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Finished actions are never overdue.
FINISHED_STATUSES = (DeliveryStatus.COMPLETE, DeliveryStatus.CLOSED)


class AgencyKind(StrEnum):
    COUNCIL = "council"
    POLICE = "police"
    NHS = "nhs"
    EDUCATION = "education"
    VOLUNTARY = "voluntary"
    NEIGHBOURING_AREA = "neighbouring_area"
    OTHER = "other"


class Role(StrEnum):
    ADMIN = "admin"  # the plan secretariat
    CHAIR = "chair"
    OWNER = "owner"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"


class Direction(StrEnum):
    UP = "up"  # higher is better
    DOWN = "down"  # lower is better
    MONITOR = "monitor"  # tracked, no direction of good


# What councils' spreadsheets write for a rating.
_RAG_ALIASES = {
    "r": "red",
    "a": "amber",
    "g": "green",
    "b": "blue",
    "complete": "blue",
    "not_yet_assessed": "not_assessed",
    "none": "not_assessed",
    "": "not_assessed",
}


def parse_choice(enum: type[StrEnum], value: object, field: str) -> StrEnum:
    """Accept a value case-insensitively, with spaces or hyphens for underscores."""
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if enum is Rag:
        text = _RAG_ALIASES.get(text, text)
    try:
        return enum(text)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise InvalidInput(f"{field}: '{value}' is not one of: {choices}.") from None
