"""xlsx for every dashboard table (openpyxl) and the docx statistical annex (python-docx)."""

import datetime
import io
import re
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from congress.printing import xlsx_print_setup
from congress.exports import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, (datetime.date, int, float)):
        return value
    return str(value)


def xlsx_bytes(title: str, headers: list[str], rows, subtitle: str = "") -> bytes:
    """One sheet: a title line, bold headers, the rows; streamed (write-only) so that tens of
    thousands of rows stay quick."""
    rows = [[_cell(v) for v in row] for row in rows]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\\/?*\[\]:]", " ", title)[:31])
    for index, header in enumerate(headers, start=1):
        sample = [len(str(r[index - 1])) for r in rows[:200] if index - 1 < len(r)]
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
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
