"""Errors a council officer can read: each says what is wrong and what to do about it."""


class PlanError(Exception):
    """Base for every refusal the services make; pages show str(err) verbatim."""


class NotFound(PlanError):
    pass


class NotAllowed(PlanError):
    pass


class InvalidInput(PlanError):
    pass


class SeedError(InvalidInput):
    """A plan file that cannot be loaded; the message names the file, line and field."""


class StaleVersion(PlanError):
    """Someone else changed the record after this user opened it."""


class BackupError(PlanError):
    pass


class InvalidFields(InvalidInput):
    """Several fields are wrong at once. Each is named (by the service's keyword), so a form shows
    every message beside its field in one go; str() lists them all."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems.values()))
