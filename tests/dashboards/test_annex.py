"""The docx annex: its sentences are the dashboard's figures for the same year, each population
named the way the offices write it (代表建议, 群众反映问题, 信访, 矛盾纠纷) and counted by hand here."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from congress.models import Township, User
from congress.figures import format_percent, percent
from suggestions.models import Channel, Kind, State, Suggestion

pytestmark = pytest.mark.django_db


def _annex_text(client, year):
    response = client.get(reverse("dashboards:annex", args=["liuhe"]), {"year": year})
    assert response["Content-Type"].endswith("wordprocessingml.document")
    return [p.text for p in Document(io.BytesIO(response.content)).paragraphs]


def _in_year(dt, year):
    return dt is not None and timezone.localtime(dt).year == year


def _population(s) -> str:
    if s.kind == Kind.PETITION:
        return "petition"
    if s.kind == Kind.DISPUTE:
        return "dispute"
    return "deputy" if s.channel in (Channel.SESSION, Channel.SUPERVISION) else "citizen"


def test_annex_total_sentence_equals_the_dashboard_cells(client, demo):
    client.force_login(User.objects.get(username="liuhe_staff"))
    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        row = client.get(reverse("dashboards:township", args=["liuhe"]), {"year": year}).context["row"]
        paragraphs = _annex_text(client, year)
        expected = (
            f"全年共收到各类建议和问题{row['received']}件,交办承办单位办理{row['dispatched']}件,"
            f"办复率{format_percent(row['reply_rate'])},按期办复率{format_percent(row['on_time_rate'])},"
            f"办结率{format_percent(row['closure_rate'])},满意率{format_percent(row['satisfaction_rate'])}"
            f"(其中满意{format_percent(row['satisfied_rate'])}),解决率{format_percent(row['resolution_rate'])}。"
        )
        assert expected in paragraphs, year
        assert any("统计口径说明" in p and "/definitions/" in p for p in paragraphs)


def test_annex_names_each_population_with_its_own_count_and_rate(client, demo):
    client.force_login(User.objects.get(username="liuhe_staff"))
    township = Township.objects.get(slug="liuhe")
    year = timezone.localdate().year - 1
    paragraphs = _annex_text(client, year)
    rows = list(Suggestion.objects.filter(township=township))
    leads = {"deputy": "全年共收到代表建议", "citizen": "收集办理群众反映问题", "petition": "受理群众信访件",
             "dispute": "排查发现矛盾纠纷"}
    for key, lead in leads.items():
        mine = [s for s in rows if _population(s) == key]
        received = sum(1 for s in mine if _in_year(s.submitted_at, year))
        dispatched = [s for s in mine if _in_year(s.dispatched_at, year)]
        closed = sum(1 for s in dispatched if s.state == State.CLOSED)
        sentence = next((p for p in paragraphs if p.startswith(lead)), None)
        assert sentence is not None, key
        assert sentence.startswith(f"{lead}{received}件"), (key, sentence)
        if dispatched:
            assert f"办结率{format_percent(percent(closed, len(dispatched)))}" in sentence, (key, sentence)
    # The real township's year (DOMAIN.md §5): 7 session suggestions all handled, 3 petitions all closed,
    # 4 disputes mediated by deputies.
    assert "全年共收到代表建议7件,已全部办理完毕,办结率100%。" in paragraphs
    assert "受理群众信访件3件,已全部办理完毕,办结率100%。" in paragraphs
    assert "排查发现矛盾纠纷4件,其中代表现场调解办结4件。" in paragraphs


def test_annex_sentences_read_like_the_offices_write_them():
    from dashboards.annex import AnnexFigures, annex_sentences
    from suggestions.figures import Figures

    def f(**counts):
        return Figures(counts)

    figures = AnnexFigures(
        township=Township(name="柳河镇"), year=2020,
        suggestions={
            "all": f(received=35, dispatched=31, replied=31, closed=31),
            "deputy": f(received=7, dispatched=7, replied=7, closed=7),
            "citizen": f(received=21, dispatched=21, closed=21, class_a=8),
            "petition": f(received=3, dispatched=3, closed=2),
            "dispute": f(received=4, answered=4),
        },
        receptions=15, visits=6, answered_on_spot=4, sessions=2, presidium_meetings=4, trainings=63,
        activities=73, deputies=115, deputies_in_station=115,
    )
    sentences = annex_sentences(figures)
    assert "全年共收到代表建议7件,已全部办理完毕,办结率100%。" in sentences
    assert "共开展接待和走访活动21次,协调解决问题12件。" in sentences
    assert "排查发现矛盾纠纷4件,其中代表现场调解办结4件。" in sentences
    assert "受理群众信访件3件;交办3件,已办理完毕2件,办结率66.7%。" in sentences
    assert "115名代表全部编入代表联络站(点)开展活动。" in sentences
    # 办结率 divides by the dispatched, never by the received.
    partial = {**figures.suggestions, "deputy": f(received=20, dispatched=12, closed=3)}
    text = annex_sentences(AnnexFigures(**{**figures.__dict__, "suggestions": partial}))
    assert "全年共收到代表建议20件;交办12件,已办理完毕3件,办结率25%。" in text
