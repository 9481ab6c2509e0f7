"""Cells for spreadsheets and documents the platform writes (xlsx, docx).

Text typed by citizens and users ends up in workbooks opened by staff and the county, so every
exporter passes its values through :func:`safe_cell`:

* a text starting with ``= + - @`` or a tab/carriage return is a formula (or DDE) to Excel/WPS:
  it is written with a leading apostrophe, so it shows as typed and never runs
  (OWASP "CSV/formula injection");
* control characters that XML cannot hold (they made openpyxl and python-docx fail) are dropped.

Numbers, dates and ``None`` pass unchanged, so sums and sorting keep working.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(value: str) -> str:
    """Text without characters XML cannot store (for docx paragraphs and cells)."""
    return _XML_ILLEGAL.sub("", value)


def safe_cell(value):
    if not isinstance(value, str):
        return value
    value = safe_text(value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
