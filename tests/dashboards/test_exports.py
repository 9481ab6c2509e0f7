import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from congress.models import Township, User
from suggestions.models import Kind, State, Suggestion

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


def test_docx_annex_contains_the_sentences(client, demo):
    client.force_login(User.objects.get(username="liuhe_staff"))
    township = Township.objects.get(slug="liuhe")
    year = timezone.localdate().year
    suggestions = Suggestion.objects.filter(
        township=township, submitted_at__year=year,
        kind__in=[Kind.SUGGESTION, Kind.CRITICISM, Kind.OPINION])
    total, closed = suggestions.count(), suggestions.filter(state=State.CLOSED).count()
    response = client.get(reverse("dashboards:annex", args=["liuhe"]), {"year": year})
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"{township.name}人大主席团{year}年工作报告统计附件" in text
    if not total:
        assert "全年未收到代表建议。" in text
    elif total == closed:
        assert f"全年共收到代表建议{total}件,已全部办理完毕。" in text
    else:
        assert f"全年共收到代表建议{total}件,已办理完毕{closed}件" in text
    assert "共开展接待和走访活动" in text and "协调解决问题" in text


def test_annex_sentences_read_like_the_offices_write_them():
    from dashboards.annex import AnnexFigures, annex_sentences

    figures = AnnexFigures(
        township=Township(name="柳河镇"), year=2020, suggestions=7, suggestions_closed=7,
        receptions=15, visits=6, resolved=12, disputes=4, disputes_mediated=4, petitions=3,
        petitions_closed=3, sessions=2, presidium_meetings=4, trainings=63, activities=73,
        deputies=115, deputies_in_station=115,
    )
    sentences = annex_sentences(figures)
    assert "全年共收到代表建议7件,已全部办理完毕。" in sentences
    assert "共开展接待和走访活动21次,协调解决问题12件。" in sentences
    assert "排查发现矛盾纠纷4件,成功调解4件。" in sentences
    assert "受理群众信访件3件,办结3件,办结率100%。" in sentences
    assert "115名代表全部编入代表联络站(点)开展活动。" in sentences
    partial = annex_sentences(AnnexFigures(**{**figures.__dict__, "suggestions_closed": 5}))
    assert "全年共收到代表建议7件,已办理完毕5件,办结率71.4%。" in partial
