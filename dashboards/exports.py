"""xlsx for every dashboard table (openpyxl) and the docx statistical annex (python-docx)."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.date, int, float, str)):
        return value
    return str(value)


def xlsx_bytes(title: str, headers: list[str], rows, subtitle: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    if subtitle:
        ws.append([subtitle])
    ws.append(headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3E3E3")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(_cell(r[index - 1]))) for r in rows[:200]] if rows else [len(str(header))])
        ws.column_dimensions[get_column_letter(index)].width = min(max(8, width * 1.6 + 2), 60)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
