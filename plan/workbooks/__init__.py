"""Reading councils' workbooks as they come: one place that opens a file (sheet.py) and one
header finder and column mapper (headers.py) for plans, measures and returns."""
