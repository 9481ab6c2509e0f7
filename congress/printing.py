"""Print-ready output: A4 page setup for every xlsx and the 公文 layout for every docx.

Offices print what they export. :func:`xlsx_print_setup` gives a worksheet A4 paper, landscape
when the columns are wide, fit to one page wide, the header rows repeated on each page, the title
in the page header and page numbers with the date in the footer. :func:`gongwen_document` and
:func:`apply_gongwen_layout` give a docx the layout of GB/T 9704-2012 (党政机关公文格式): A4,
margins 37/35/28/26 mm, a 小标宋 title at 二号 (22 pt), a 仿宋 body at 三号 (16 pt) with CJK
fonts set through the ``w:eastAsia`` attribute, and page numbers "— 1 —" at the foot.

These helpers change layout only, never cell values, so they compose with any cell cleaning
(formula neutralising) an exporter applies.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

# --- xlsx ------------------------------------------------------------------------------------

# Width (in Excel character units) that still prints readably on portrait A4 at 100 %.
PORTRAIT_MAX_WIDTH = 95
DEFAULT_COLUMN_WIDTH = 8.43


def _sheet_width(ws, columns: int | None) -> float:
    count = columns or getattr(ws, "max_column", 0) or 0
    total = 0.0
    for index in range(1, count + 1):
        dimension = ws.column_dimensions.get(get_column_letter(index))
        total += (dimension.width if dimension and dimension.width else DEFAULT_COLUMN_WIDTH)
    return total


def xlsx_print_setup(ws, *, title: str = "", header_rows: int = 1, columns: int | None = None,
                     landscape: bool | None = None, date: datetime.date | None = None) -> None:
    """Set A4 page setup on one worksheet (regular or write-only).

    ``header_rows`` is how many rows from the top repeat on every printed page (title and
    column headers); ``columns`` the number of columns when the sheet has no cells yet (a
    write-only sheet: call this after setting column widths, before the first row);
    ``landscape`` forces the orientation instead of judging it by the columns' width.
    """
    date = date or timezone.localdate()
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    wide = _sheet_width(ws, columns) > PORTRAIT_MAX_WIDTH if landscape is None else landscape
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE if wide else Worksheet.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    if title:
        ws.oddHeader.center.text = title.replace("&", "&&")
        ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = "第 &P 页,共 &N 页"
    ws.oddFooter.right.text = f"导出日期:{date:%Y-%m-%d}"
    ws.oddFooter.center.size = ws.oddFooter.right.size = 9


def xlsx_print_setup_workbook(wb, *, header_rows: int = 1, date=None) -> None:
    """:func:`xlsx_print_setup` on every sheet of a regular workbook, titled by sheet name."""
    for ws in wb.worksheets:
        xlsx_print_setup(ws, title=ws.title, header_rows=header_rows, date=date)


# --- docx ------------------------------------------------------------------------------------

def gongwen_fonts() -> dict[str, str]:
    """The CJK font names (override per deployment with ``DOCX_FONTS``)."""
    fonts = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading": "黑体", "kai": "楷体_GB2312",
             "latin": "Times New Roman"}
    fonts.update(getattr(settings, "DOCX_FONTS", {}) or {})
    return fonts


TITLE_PT = 22  # 二号
BODY_PT = 16  # 三号
LINE_PT = 28  # fixed line spacing: 22 lines on a page
PAGE_NUMBER_PT = 14  # 四号


def set_run_font(run, east_asia: str, size_pt: float | None = None, *, bold: bool | None = None,
                 latin: str | None = None) -> None:
    """Set a run's font; CJK text follows ``w:eastAsia``, so set it explicitly."""
    run.font.name = latin or gongwen_fonts()["latin"]
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size_pt:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold


def _style_font(style, east_asia: str, size_pt: float) -> None:
    style.font.name = gongwen_fonts()["latin"]
    style.font.size = Pt(size_pt)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    # Theme fonts (the default template's headings) would win over the names set here.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _add_page_number(section) -> None:
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    if "PAGE" in paragraph._p.xml:
        return
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fonts = gongwen_fonts()

    def text(value):
        set_run_font(paragraph.add_run(value), "宋体", PAGE_NUMBER_PT, latin="宋体")

    def field(instruction):
        run = paragraph.add_run()
        set_run_font(run, "宋体", PAGE_NUMBER_PT, latin=fonts["latin"])
        for kind, value in (("begin", None), ("instr", instruction), ("separate", None), ("end", None)):
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = value
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
            if kind == "separate":
                placeholder = OxmlElement("w:t")
                placeholder.text = "1"
                run._r.append(placeholder)

    text("— ")
    field(" PAGE ")
    text(" —")


def _page_setup(section, *, landscape: bool) -> None:
    short, long = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    if landscape:  # the binding edge stays on the left: turn the margins with the page
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)


def apply_gongwen_layout(document, *, landscape: bool | None = None, body_pt: float = BODY_PT):
    """Give an existing document the 公文 layout: A4 with 公文 margins on every section (each
    keeps its orientation unless ``landscape`` is given), the 仿宋 body font (``body_pt``: a
    smaller size for documents that are mostly wide tables), black 小标宋/黑体 headings, page
    numbers. Safe to call more than once."""
    fonts = gongwen_fonts()
    _style_font(document.styles["Normal"], fonts["body"], body_pt)
    for name, font, size in (("Title", fonts["title"], TITLE_PT), ("Heading 1", fonts["title"], TITLE_PT),
                             ("Heading 2", fonts["heading"], BODY_PT), ("Heading 3", fonts["kai"], BODY_PT)):
        if name in [st.name for st in document.styles]:
            style = document.styles[name]
            _style_font(style, font, size)
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = False
    for section in document.sections:
        wide = section.orientation == WD_ORIENT.LANDSCAPE if landscape is None else landscape
        _page_setup(section, landscape=wide)
        _add_page_number(section)
    return document


def gongwen_document(*, landscape: bool = False):
    """A new python-docx Document with the 公文 layout."""
    document = Document()
    apply_gongwen_layout(document, landscape=landscape)
    fmt = document.styles["Normal"].paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    return document


def add_title(document, text: str):
    """The document title: 二号小标宋, centred, a blank line after it."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(35)
    paragraph.paragraph_format.space_after = Pt(LINE_PT)
    set_run_font(paragraph.add_run(text), gongwen_fonts()["title"], TITLE_PT)
    return paragraph


def add_paragraph(document, text: str = "", *, indent: bool = True, align=None, font: str = "body",
                  bold: bool = False, size_pt: float = BODY_PT):
    """A body paragraph in 三号仿宋, first line indented by two characters."""
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size_pt * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        set_run_font(paragraph.add_run(text), gongwen_fonts()[font], size_pt, bold=bold)
    return paragraph


def add_heading(document, text: str):
    """A first-level heading (一、…) in 三号黑体."""
    return add_paragraph(document, text, font="heading")


def add_signature(document, office: str, date: datetime.date):
    """The issuing office and date (成文日期) at the right, four characters from the edge."""
    add_paragraph(document)
    for line in (office, f"{date.year}年{date.month}月{date.day}日"):
        paragraph = add_paragraph(document, line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Pt(BODY_PT * 4)
    return paragraph


def docx_bytes(document) -> bytes:
    import io

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str):
    """A download of a docx with a UTF-8 file name (Chinese names survive every browser)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
