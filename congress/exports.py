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


def export_cell(value):
    """A value as an xlsx cell: :func:`safe_cell` for text, numbers and dates as they are,
    ``None`` as an empty cell, anything else as its text."""
    import datetime
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, (datetime.date, int, float)):
        return value
    return safe_cell(str(value))


def xlsx_table(target, *, title: str, headers: list[str], rows, subtitle: str = "", on_row=None) -> int:
    """Write one print-ready sheet to ``target`` (a path or a binary file): a title line, bold
    headers, the rows through :func:`export_cell`. Streamed (openpyxl write-only): rows are read
    once from any iterable and never held together, so a table of any length costs the memory
    of the first 200 rows (they set the column widths). ``on_row(n)`` is called after each row
    with the number written so far. Returns the number of rows."""
    import itertools
    import re

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .printing import xlsx_print_setup

    rows = iter(rows)
    head = [[export_cell(v) for v in row] for row in itertools.islice(rows, 200)]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\\/?*\[\]:]", " ", title)[:31])
    for index, header in enumerate(headers, start=1):
        sample = [len(str(r[index - 1])) for r in head if index - 1 < len(r)]
        width = max([len(str(header))] + sample)
        ws.column_dimensions[get_column_letter(index)].width = min(max(8, width * 1.6 + 2), 60)
    header_row = 3 if subtitle else 2
    xlsx_print_setup(ws, title=title, header_rows=header_row, columns=len(headers))
    ws.freeze_panes = f"A{header_row + 1}"
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    if subtitle:
        ws.append([subtitle])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3E3E3")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in itertools.chain(head, ([export_cell(v) for v in row] for row in rows)):
        ws.append(row)
        count += 1
        if on_row:
            on_row(count)
    wb.save(target)
    return count
