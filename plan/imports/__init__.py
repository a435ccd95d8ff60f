"""Importing an existing plan from a council's spreadsheet (XLSX or CSV): headers matched in the
words councils use, messy sheets read with warnings, a dry run, all or nothing."""

from plan.imports.parsing import FIELD_LABELS, match_heading, parse_date, parse_rag, parse_status
from plan.imports.plan_import import (
    ColumnMatch,
    ImportRejected,
    ImportReport,
    RowReport,
    import_plan,
    read_columns,
)

__all__ = ["FIELD_LABELS", "ColumnMatch", "ImportRejected", "ImportReport", "RowReport", "import_plan",
           "match_heading", "parse_date", "parse_rag", "parse_status", "read_columns"]
