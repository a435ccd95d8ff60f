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
