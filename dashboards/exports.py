"""xlsx for every dashboard table (openpyxl) and the docx statistical annex (python-docx)."""

import io
from urllib.parse import quote

from django.http import HttpResponse

from congress.exports import xlsx_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def xlsx_bytes(title: str, headers: list[str], rows, subtitle: str = "") -> bytes:
    """One sheet: a title line, bold headers, the rows; streamed (write-only) so that tens of
    thousands of rows stay quick. The same writer builds the long exports of the worker
    (:func:`congress.exports.xlsx_table`)."""
    buffer = io.BytesIO()
    xlsx_table(buffer, title=title, headers=headers, rows=rows, subtitle=subtitle)
    return buffer.getvalue()


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
