"""congress.printing: A4 page setup for xlsx (regular and write-only sheets) and the 公文 docx
layout, read back from the saved files."""

import datetime
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import Workbook, load_workbook

from congress.printing import (
    add_title,
    apply_gongwen_layout,
    docx_bytes,
    gongwen_document,
    xlsx_print_setup,
    xlsx_print_setup_workbook,
)

DAY = datetime.date(2026, 12, 1)


def _saved(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_wide_write_only_sheet_prints_landscape_one_page_wide_with_titles():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("全县概览")
    for index in range(1, 15):
        ws.column_dimensions[chr(64 + index)].width = 14
    xlsx_print_setup(ws, title="全县概览 2026年", header_rows=3, columns=14, date=DAY)
    ws.append(["全县概览"])
    ws.append(["2026年"])
    ws.append([f"列{i}" for i in range(14)])
    for row in range(200):
        ws.append(list(range(14)))
    ws = _saved(wb)["全县概览"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$3"
    assert "全县概览 2026年" in ws.oddHeader.center.text
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "2026-12-01" in ws.oddFooter.right.text


def test_narrow_sheet_stays_portrait_and_every_sheet_of_a_workbook_is_set():
    wb = Workbook()
    wb.active.title = "名册"
    wb.active.append(["姓名", "性别"])
    other = wb.create_sheet("说明")
    other.append(["一"])
    xlsx_print_setup_workbook(wb, header_rows=1, date=DAY)
    saved = _saved(wb)
    for ws in saved.worksheets:
        assert ws.page_setup.orientation == "portrait"
        assert ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$1:$1"
        assert ws.title in ws.oddHeader.center.text


def test_gongwen_layout_keeps_a_landscape_section_and_numbers_pages():
    document = Document()
    document.sections[0].orientation = WD_ORIENT.LANDSCAPE
    document.add_paragraph("表")
    apply_gongwen_layout(document)
    apply_gongwen_layout(document)  # twice: still one page number
    section = Document(io.BytesIO(docx_bytes(document))).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert [round(section.page_width.mm), round(section.page_height.mm)] == [297, 210]
    assert section.footer._element.xml.count("PAGE") == 1


def test_new_document_title_and_body_fonts():
    document = gongwen_document()
    add_title(document, "关于某事的通知")
    reread = Document(io.BytesIO(docx_bytes(document)))
    run = reread.paragraphs[0].runs[0]
    assert run.font.size.pt == 22
    east_asia = run._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asia == "方正小标宋简体"
    assert reread.styles["Normal"].font.size.pt == 16


def test_headings_of_an_existing_document_become_black_cjk_fonts():
    document = Document()
    document.add_heading("统计附件", level=1)
    document.add_heading("一、主要工作数据", level=2)
    apply_gongwen_layout(document, body_pt=12)
    reread = Document(io.BytesIO(docx_bytes(document)))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    heading = reread.styles["Heading 2"]
    fonts = heading.element.rPr.rFonts
    assert fonts.get(f"{w}eastAsia") == "黑体" and fonts.get(f"{w}eastAsiaTheme") is None
    assert str(heading.font.color.rgb) == "000000"
    assert reread.styles["Normal"].font.size.pt == 12
