"""Reading uploaded workbooks and CSV files within caps (plan/workbooks/limits.py): every reader of
an upload opens it here. headers.py is the one header finder and column mapper (plans, measures,
returns); sheet.py gives the plan import its sheet through the same reader.

  open_workbook(content, filename) -> Workbook   .sheet_names, .sheet(name=None) -> Sheet, .sheets()
  read_sheet(content, filename, sheet=None) -> Sheet
      Sheet.rows: [(row number, values from column A)], only rows holding a value or a fill;
      Sheet.value(row, column), Sheet.percent {(row, index)}, Sheet.fills {(row, index): "FFC7CE"}
  WorkbookRefused (an InvalidInput): past a cap; the message says what to fix.
"""

from plan.workbooks.limits import LIMITS, Limits, WorkbookRefused
from plan.workbooks.reader import Sheet, Workbook, open_workbook, read_sheet

__all__ = ["LIMITS", "Limits", "Sheet", "Workbook", "WorkbookRefused", "open_workbook", "read_sheet"]
