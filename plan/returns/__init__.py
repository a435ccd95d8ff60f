"""Offline update returns: a protected workbook of an owner's or agency's actions to fill in away
from the app, read back (ok / problems / stale) and applied through the same rules as the app."""

from plan.returns.offline import (
    ReturnRejected,
    ReturnReport,
    ReturnRow,
    apply_return,
    read_return,
    return_choices,
    return_workbook,
)

__all__ = ["ReturnRejected", "ReturnReport", "ReturnRow", "apply_return", "read_return", "return_choices",
           "return_workbook"]
