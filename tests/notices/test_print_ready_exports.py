"""Every exporter's output carries the print setup (A4, one page wide, repeated headers) or the
公文 layout; the helpers themselves are tested in test_printing.py."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.factories import TownshipFactory


def _sheets(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets


def _assert_print_ready(ws, *, landscape: bool, title_rows: str):
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == title_rows
    assert "&P" in ws.oddFooter.center.text


def test_dashboard_table_wide_county_overview_fits_one_page_wide():
    from dashboards.exports import xlsx_bytes

    headers = [f"指标{i}" for i in range(16)]
    [ws] = _sheets(xlsx_bytes("各乡镇工作情况(2026年)", headers, [[1] * 16], subtitle="全县"))
    _assert_print_ready(ws, landscape=True, title_rows="$1:$3")
    [ws] = _sheets(xlsx_bytes("代表履职", ["日期", "类别"], [["2026-01-01", "视察"]]))
    _assert_print_ready(ws, landscape=False, title_rows="$1:$2")


def test_roster_and_its_template():
    from deputies.roster_excel import roster_workbook, template_workbook

    for content in (template_workbook(), roster_workbook([], show_phone=lambda d: False)):
        ws = _sheets(content)[0]  # the template also has a hidden sheet of choices
        _assert_print_ready(ws, landscape=True, title_rows="$1:$1")


@pytest.mark.django_db
def test_duty_summary_and_annex():
    from dashboards.annex import annex_docx
    from deputies.admin.duty_records import _summary_workbook

    township = TownshipFactory()
    [ws] = _sheets(_summary_workbook(township, 2026, []))
    _assert_print_ready(ws, landscape=True, title_rows="$1:$2")
    document = Document(io.BytesIO(annex_docx(township, 2026)))
    section = document.sections[0]
    assert [round(section.top_margin.mm), round(section.left_margin.mm)] == [37, 28]
    assert "PAGE" in section.footer._element.xml
