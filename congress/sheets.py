"""Read the tables offices keep on their shared drive — .xlsx, old .xls and CSV (UTF-8 with or
without BOM, GBK/GB18030) — into rows of text, safely, and write the error report back.

What offices' files look like and what this module does about it:

* a title and a 填报单位 row above the header → the header is the first of the top
  ``HEADER_SCAN_ROWS`` rows holding the spec's anchor column (e.g. 姓名);
* columns in any order, with aliases (手机/联系电话), and columns nobody asked for (备注, 序号)
  → matched by header text; the others are listed as ignored;
* blank rows, 合计/小计 rows, a 制表人/填表人 footer and the template's marked example row →
  skipped, and listed;
* full-width digits and spaces → NFKC-normalised;
* number cells (1969.1 typed as "1969.10") → rendered with the cell's own number format, and
  marked when the format cannot tell (``RawRow.general_numbers``).

Limits (issue 12): the upload size, the decompressed size of an .xlsx (a shared-strings bomb is
refused before openpyxl reads it), the number of data rows, and a run of empty rows (a sheet
declaring millions of empty rows stops being read after ``MAX_EMPTY_RUN``). openpyxl reads in
read-only (streaming) mode. A broken file is a :class:`SheetError` with a Chinese message, never
a 500.
"""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from .exceptions import ApplicationError
from .exports import safe_row

MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_ROWS = 3000
MAX_EMPTY_RUN = 500
HEADER_SCAN_ROWS = 15

XLS_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = b"PK\x03\x04"

SUMMARY_WORDS = ("合计", "小计", "总计", "共计")
FOOTER_WORDS = ("制表人", "制表", "填表人", "填表", "审核人", "审核", "负责人", "填报人", "填报日期")
EXAMPLE_MARK = "示例"


class SheetError(ApplicationError):
    """The upload cannot be read as the expected table; the message (Chinese) says why."""


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 12


@dataclass
class RawRow:
    number: int  # the row number in the sheet, as the user sees it
    values: dict[str, str]  # column key → normalised text
    cells: list[str] = field(default_factory=list)  # the whole row as read, for the report
    general_numbers: list[str] = field(default_factory=list)  # keys read from "General" numbers

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "values": self.values,
            "cells": self.cells,
            "general_numbers": self.general_numbers,
        }

    @classmethod
    def from_json(cls, data: dict) -> "RawRow":
        return cls(
            number=int(data["number"]),
            values=dict(data["values"]),
            cells=list(data.get("cells", [])),
            general_numbers=list(data.get("general_numbers", [])),
        )


@dataclass
class SkippedRow:
    number: int
    reason: str
    cells: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"number": self.number, "reason": self.reason, "cells": self.cells}

    @classmethod
    def from_json(cls, data: dict) -> "SkippedRow":
        return cls(number=int(data["number"]), reason=data["reason"], cells=list(data["cells"]))


@dataclass
class Sheet:
    """What was read: the header as written, the rows, what was skipped and ignored."""

    header: list[str]
    header_number: int
    rows: list[RawRow]
    skipped: list[SkippedRow]
    ignored_columns: list[str]
    file_kind: str

    def to_json(self) -> dict:
        return {
            "header": self.header,
            "header_number": self.header_number,
            "rows": [r.to_json() for r in self.rows],
            "skipped": [s.to_json() for s in self.skipped],
            "ignored_columns": self.ignored_columns,
            "file_kind": self.file_kind,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Sheet":
        return cls(
            header=list(data["header"]),
            header_number=int(data["header_number"]),
            rows=[RawRow.from_json(r) for r in data["rows"]],
            skipped=[SkippedRow.from_json(s) for s in data["skipped"]],
            ignored_columns=list(data["ignored_columns"]),
            file_kind=data["file_kind"],
        )


# --- Cells -----------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Full-width digits, letters and spaces to their ASCII forms; trimmed."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()


def _decimals_shown(number_format: str) -> int | None:
    """Decimal places a number format shows ("0.00" → 2), None for General or unknown."""
    fmt = (number_format or "").split(";")[0]
    if not fmt or fmt.lower() == "general":
        return None
    m = re.search(r"[0#]\.([0#]+)", fmt)
    if m:
        return len(m.group(1))
    if re.search(r"[0#]", fmt):
        return 0
    return None


def cell_text(value, number_format: str = "") -> tuple[str, bool]:
    """The text of one cell and whether it is a number whose format cannot tell its written
    decimals (``True`` for 1969.1 in a General cell: 1969.1 or 1969.10?)."""
    if value is None:
        return "", False
    if isinstance(value, datetime.datetime):
        return value.date().isoformat(), False
    if isinstance(value, datetime.date):
        return value.isoformat(), False
    if isinstance(value, bool):
        return ("是" if value else "否"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        decimals = _decimals_shown(number_format)
        if decimals is not None:
            return f"{value:.{decimals}f}", False
        if value.is_integer():
            return str(int(value)), False
        return repr(value), True
    text = normalise_text(str(value))
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # neutralised by congress.exports.safe_cell in our own error report
    return text, False


# --- Formats ---------------------------------------------------------------------------------


def _iter_xlsx(upload):
    """Rows of (value, number_format) from the first worksheet, streamed."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(upload) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError("文件已损坏,无法作为 Excel 工作簿读取(不是 Excel 工作簿或已损坏)。请在 Excel 或 WPS 中打开后重新保存再上传。") from exc
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SheetError(
            f"该 Excel 文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB,"
            "不像正常的名册文件,已拒绝读取。请只保留名册所在的工作表后重新保存上传。"
        )
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a malformed package
        raise SheetError("文件已损坏或格式不正确,无法读取。请在 Excel 或 WPS 中打开后另存为 .xlsx 再上传。") from exc
    try:
        if not workbook.worksheets:
            raise SheetError("该工作簿中没有工作表。")
        sheet = workbook.worksheets[0]
        try:
            for cells in sheet.iter_rows():
                yield [
                    (getattr(c, "value", None), getattr(c, "number_format", "") or "") for c in cells
                ]
        except SheetError:
            raise
        except Exception as exc:
            raise SheetError("工作表内容损坏,无法读取。请在 Excel 或 WPS 中打开后重新保存再上传。") from exc
    finally:
        workbook.close()


def _iter_xls(content: bytes):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
    except Exception as exc:
        raise SheetError("旧版 Excel(.xls)文件已损坏或格式不正确,无法读取。请另存为 .xlsx 后再上传。") from exc
    try:
        if book.nsheets == 0:
            raise SheetError("该工作簿中没有工作表。")
        sheet = book.sheet_by_index(0)
        for r in range(sheet.nrows):
            row = []
            for c, cell in enumerate(sheet.row(r)):
                value, fmt = cell.value, ""
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                    except Exception:
                        value = cell.value
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    xf = book.xf_list[sheet.cell_xf_index(r, c)]
                    fmt = book.format_map.get(xf.format_key).format_str if xf.format_key in book.format_map else ""
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(cell.value)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    value = ""
                row.append((value, fmt))
            yield row
    finally:
        book.release_resources()


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else GB18030 (a superset of GBK)."""
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("无法识别 CSV 文件的文字编码。请用 Excel 或 WPS 另存为 .xlsx 后再上传。")


def _iter_csv(content: bytes):
    text = decode_csv(content)
    if "\x00" in text:
        raise SheetError("CSV 文件中含有无法识别的字符,请另存为 .xlsx 后再上传。")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        for cells in csv.reader(io.StringIO(text), dialect):
            yield [(c, "@") for c in cells]
    except csv.Error as exc:
        raise SheetError("CSV 文件格式不正确,无法读取。") from exc


def _rows_of(upload, name: str):
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise SheetError(
            f"文件过大({size / 1024 / 1024:.1f} MB),文件不能超过 {MAX_BYTES // 1024 // 1024} MB。"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    lower = (name or "").lower()
    if head.startswith(XLS_MAGIC):
        return "xls", _iter_xls(upload.read(MAX_BYTES + 1))
    if head.startswith(ZIP_MAGIC):
        return "xlsx", _iter_xlsx(upload)
    if lower.endswith((".csv", ".txt")):
        return "csv", _iter_csv(upload.read(MAX_BYTES + 1))
    raise SheetError("无法识别该文件:它不是 Excel 工作簿(.xlsx、.xls)或 CSV 文件。")


# --- Reading a table -------------------------------------------------------------------------


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s*()()::]", "", normalise_text(text or ""))


def _skip_reason(texts: list[str]) -> str:
    filled = [t for t in texts if t]
    first = filled[0] if filled else ""
    if any(t.replace(" ", "").startswith(SUMMARY_WORDS) for t in filled[:3]):
        return "合计/小计行"
    if first.replace(" ", "").startswith(FOOTER_WORDS):
        return "表尾(制表人等)"
    if any(EXAMPLE_MARK in t for t in filled[:2]):
        return "模板示例行"
    return ""


def read_table(upload, *, columns: list[Column], name: str = "") -> Sheet:
    """Read the first worksheet of ``upload`` against ``columns``. The header row is the first of
    the top rows holding the first required column (its header or an alias, e.g. 姓名).
    Raises :class:`SheetError`."""
    name = name or getattr(upload, "name", "")
    file_kind, rows = _rows_of(upload, name)
    try:
        return _read_rows(rows, columns=columns, file_kind=file_kind)
    except SheetError:
        raise
    except Exception as exc:  # a malformed file must be a message, never a 500
        raise SheetError("文件内容格式不正确,无法读取。请在 Excel 或 WPS 中打开后重新保存再上传。") from exc


def _read_rows(rows, *, columns, file_kind) -> Sheet:
    headers = ", ".join(c.header for c in columns)
    first = next(c for c in columns if c.required)
    anchor = first.header
    anchors = {_normalise_header(t) for t in (first.header, *first.aliases)}
    header, header_number = None, 0
    for number, cells in enumerate(rows, start=1):
        texts = [cell_text(v, f)[0] for v, f in cells]
        if anchors & {_normalise_header(t) for t in texts}:
            header, header_number = texts, number
            break
        if number >= HEADER_SCAN_ROWS:
            break
    if header is None:
        raise SheetError(
            f"没有找到表头:前{HEADER_SCAN_ROWS}行中没有“{anchor}”列。请确认第一张工作表是要导入的名册,"
            f"表头应包含:{headers.replace(', ', '、')}。"
        )
    normalised = [_normalise_header(h) for h in header]
    positions: dict[str, int] = {}
    for column in columns:
        for text in (column.header, *column.aliases):
            if _normalise_header(text) in normalised:
                positions[column.key] = normalised.index(_normalise_header(text))
                break
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise SheetError(
            f"缺少必需的列:{'、'.join(missing)}(第{header_number}行为表头)。"
            f"表头应包含:{headers.replace(', ', '、')}。"
        )
    used = set(positions.values())
    ignored = [h for i, h in enumerate(header) if h and i not in used]

    raw_rows: list[RawRow] = []
    skipped: list[SkippedRow] = []
    empty_run = 0
    for number, cells in enumerate(rows, start=header_number + 1):
        read = [cell_text(v, f) for v, f in cells]
        texts = [t for t, _ in read]
        if not any(texts):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break  # the rest of a sheet padded with empty rows is not read
            continue
        empty_run = 0
        values = {key: (texts[i] if i < len(texts) else "") for key, i in positions.items()}
        general = [key for key, i in positions.items() if i < len(read) and read[i][1]]
        reason = _skip_reason(texts)
        if reason:
            skipped.append(SkippedRow(number=number, reason=reason, cells=texts))
            continue
        if not any(values.values()):
            continue
        raw_rows.append(RawRow(number=number, values=values, cells=texts, general_numbers=general))
        if len(raw_rows) > MAX_ROWS:
            raise SheetError(f"数据行超过 {MAX_ROWS} 行,请分批导入。")
    if not raw_rows:
        raise SheetError("表头下面没有任何可导入的数据行。")
    return Sheet(
        header=header,
        header_number=header_number,
        rows=raw_rows,
        skipped=skipped,
        ignored_columns=ignored,
        file_kind=file_kind,
    )


# --- The error report ------------------------------------------------------------------------


def error_report(header: list[str], rows: list[tuple[int, list[str], str]]) -> bytes:
    """An .xlsx with the original header, then each refused row as it was read, its row number
    in the uploaded file and the reason: the office fixes the rows and uploads them again."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "错误行"
    ws.append(safe_row(["原行号", *header, "错误原因"]))
    for number, cells, reason in rows:
        ws.append(safe_row([number, *cells, reason]))  # the office's own text, never a formula
    ws.freeze_panes = "B2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
