"""Who is acting: a plain value handed to every service, never an ORM object."""

from __future__ import annotations

from dataclasses import dataclass

from plan.vocab import Role


@dataclass(frozen=True)
class Actor:
    person_id: int | None
    name: str
    email: str
    role: Role
    cleared_for_restricted: bool = False
    agency_id: int | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The CLI and the first-start loader: acts as the secretariat, sees everything."""
        return cls(None, name, "", Role.ADMIN, cleared_for_restricted=True)

    @classmethod
    def public(cls) -> Actor:
        """Someone not signed in: reads the plan, never restricted detail."""
        return cls(None, "Public", "", Role.VIEWER, cleared_for_restricted=False)
