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

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies. The word
# is always shown beside the colour: RAG is never colour alone.
RAG_COLOURS = {
    Rag.RED: "#D55E00",
    Rag.AMBER: "#E69F00",
    Rag.GREEN: "#009E73",
    Rag.BLUE: "#0072B2",
    Rag.NOT_ASSESSED: "#999999",
}
RAG_TEXT_COLOURS = {
    Rag.RED: "#FFFFFF",
    Rag.AMBER: "#000000",
    Rag.GREEN: "#FFFFFF",
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
