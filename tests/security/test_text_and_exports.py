"""One text cleaner for every form; every exported cell is inert."""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from congress.exports import safe_cell
from dashboards.exports import xlsx_bytes
from suggestions.models import Suggestion
from tests.suggestions.conftest import SWorld


@pytest.mark.parametrize("text", ["路灯\x07坏了", "a\x1bb", "a\x7fb", "a\u202eb", "a\x85b"])
def test_every_form_char_field_refuses_control_characters(text):
    with pytest.raises(ValidationError) as error:
        forms.CharField().clean(text)
    assert "控制字符" in error.value.messages[0]


def test_tabs_and_newlines_are_ordinary_text():
    assert forms.CharField().clean("第一行\r\n第二行\t完") == "第一行\r\n第二行\t完"


def test_nul_refused_by_forms():
    with pytest.raises(ValidationError):
        forms.CharField().clean("a\x00b")


@pytest.fixture
def w(db):
    return SWorld()


def test_public_title_with_control_character_is_refused_and_nothing_stored(w, client):
    before = Suggestion.objects.count()
    response = client.post(
        reverse("suggestions_public:submit", args=[w.a.slug]),
        {"kind": "suggestion", "title": "路灯\x07坏了", "content": "坏了", "submitter_name": "张三",
         "submitter_phone": "13812345678", "consent": "on"},
    )
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert Suggestion.objects.count() == before


@pytest.mark.parametrize("value, shown", [
    ("=HYPERLINK(\"http://evil\",\"点我\")", "'=HYPERLINK(\"http://evil\",\"点我\")"),
    ("+1+1", "'+1+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("路灯\x07坏了", "路灯坏了"), ("普通标题", "普通标题"), (-2, -2), (None, None),
])
def test_safe_cell(value, shown):
    assert safe_cell(value) == shown


def test_xlsx_export_has_no_live_formula():
    content = xlsx_bytes("记录", ["标题"], [["=HYPERLINK(\"http://evil\",\"点我\")"], ["路灯\x07坏了"]])
    sheet = load_workbook(io.BytesIO(content)).active
    values = [row[0].value for row in sheet.iter_rows(min_row=3)]
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    assert values == ["'=HYPERLINK(\"http://evil\",\"点我\")", "路灯坏了"]
    assert all(cell.data_type == "s" for cell in cells)
