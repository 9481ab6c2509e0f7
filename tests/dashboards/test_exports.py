import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from congress.models import User

pytestmark = pytest.mark.django_db


def _xlsx_rows(response):
    wb = load_workbook(io.BytesIO(response.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_overview_exports_as_xlsx_with_the_same_figures(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    page = client.get(reverse("dashboards:county"))
    export = client.get(reverse("dashboards:county"), {"export": "overview"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _xlsx_rows(export)
    header = rows[1]
    liuhe = next(r for r in rows if r[0] == "柳河镇")
    shown = next(r for r in page.context["overview"].rows if r["township"].slug == "liuhe")
    assert liuhe[header.index("已交办")] == shown["dispatched"]
    assert liuhe[header.index("联络站(点)")] == shown["stations"]


def test_every_chart_and_record_list_exports(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    charts = client.get(reverse("dashboards:county")).context["charts"]
    for chart in charts:
        response = client.get(reverse("dashboards:county"), {"export": f"chart-{chart['id']}"})
        assert response.status_code == 200
        assert _xlsx_rows(response)[1] == chart["headers"]
    listing = client.get(reverse("dashboards:records", args=["stations"]))
    response = client.get(reverse("dashboards:records", args=["stations"]), {"export": "xlsx"})
    rows = _xlsx_rows(response)
    assert rows[1] == listing.context["headers"]
    assert len(rows) - 2 == listing.context["total"] > 0
