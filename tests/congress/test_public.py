import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_public_home_lists_townships(client, demo_county):
    html = client.get(reverse("public:home")).content.decode()
    assert "柳河镇" in html and "桃源乡" in html
    assert "22 个选区" in html


def test_township_page(client, demo_county):
    response = client.get(reverse("public:township", kwargs={"slug": "liuhe"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "柳河镇人民代表大会" in html
    assert "第22选区" in html


def test_unknown_township_is_404_in_chinese(client):
    response = client.get("/t/no-such-place/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_unknown_admin_object_does_not_crash(client):
    from tests.factories import TownshipFactory, staff_of

    client.force_login(staff_of(TownshipFactory()))
    response = client.get("/admin/congress/village/999999/change/")
    assert response.status_code in (302, 404)
    assert client.get("/admin/congress/nosuchmodel/").status_code == 404
