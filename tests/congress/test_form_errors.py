"""Forms show an error summary at the top and focus the first field in error (public and portal)."""

import re

import pytest
from django.urls import reverse

from tests.factories import TownshipFactory, staff_of

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    match = re.search(r'data-testid="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_public_submit_form_lists_every_error_above_the_fields_and_focuses_the_first(client):
    TownshipFactory(slug="jia")
    response = client.post(reverse("suggestions_public:submit", args=["jia"]),
                           {"kind": "suggestion", "title": "", "content": "", "submitter_phone": "12345"})
    html = response.content.decode()
    assert response.status_code == 400
    summary = _summary(html)
    assert html.index('data-testid="error-summary"') < html.index('name="title"')
    assert 'href="#id_title"' in summary and 'href="#id_content"' in summary
    assert "请阅读并同意隐私声明后再提交" in summary
    assert len(re.findall(r"\bautofocus\b", html)) == 1
    assert re.search(r'<(?:input|textarea)[^>]*name="title"[^>]*autofocus', html)


def test_valid_first_field_is_not_focused_the_first_wrong_one_is(client):
    TownshipFactory(slug="jia")
    html = client.post(reverse("suggestions_public:submit", args=["jia"]),
                       {"kind": "suggestion", "title": "路灯", "content": "不亮", "submitter_phone": "12345",
                        "consent": "on"}).content.decode()
    assert re.search(r'<input[^>]*name="submitter_phone"[^>]*autofocus', html)
    assert not re.search(r'name="title"[^>]*autofocus', html)


def test_portal_form_shows_the_same_summary(client):
    township = TownshipFactory(slug="jia")
    client.force_login(staff_of(township))
    html = client.post(reverse("suggestions_portal:enter"), {"title": ""}).content.decode()
    assert "请修改以下" in _summary(html)


def test_a_page_without_errors_has_no_summary(client):
    TownshipFactory(slug="jia")
    html = client.get(reverse("suggestions_public:submit", args=["jia"])).content.decode()
    assert 'data-testid="error-summary"' not in html and "autofocus" not in html
