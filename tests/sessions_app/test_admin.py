import pytest
from django.urls import reverse

from sessions_app.models import (
    AgendaItem,
    CongressSession,
    LivelihoodProject,
    PresidiumMeeting,
    ProjectProgress,
    SupervisionActivity,
    Vote,
)
from tests.factories import staff_of

from .factories import Hall, LivelihoodProjectFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [CongressSession, AgendaItem, Vote, LivelihoodProject, PresidiumMeeting, SupervisionActivity])
def test_changelists_open_for_staff_and_are_scoped(client, hall, model):
    other = Hall(size=1, accounts=0)
    VoteFactory(session=hall.session, title="本镇表决事项")
    VoteFactory(session=other.session, title="别镇表决事项")
    client.force_login(hall.staff)
    url = reverse(f"admin:sessions_app_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    if model is Vote:
        html = response.content.decode()
        assert "本镇表决事项" in html and "别镇表决事项" not in html


def test_other_township_staff_cannot_open_the_session(client, hall):
    client.force_login(staff_of(Hall(size=1, accounts=0).township))
    url = reverse("admin:sessions_app_congresssession_change", args=[hall.session.pk])
    assert client.get(url).status_code in (302, 403, 404)


def test_open_action_refuses_without_quorum(client, hall):
    client.force_login(hall.staff)
    url = reverse("admin:sessions_app_congresssession_changelist")
    response = client.post(url, {"action": "open_sessions", "_selected_action": [hall.session.pk]}, follow=True)
    assert "不足法定人数" in response.content.decode()
    hall.session.refresh_from_db()
    assert hall.session.status == "planned"


def test_progress_added_in_admin_goes_through_the_service(client, hall):
    project = LivelihoodProjectFactory(session=hall.session)
    LivelihoodProject.objects.filter(pk=project.pk).update(selected=True, rank=1, vote=None)
    client.force_login(hall.staff)
    url = reverse("admin:sessions_app_livelihoodproject_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200
    prefix = "progress"
    data = {
        "session": hall.session.pk, "title": project.title, "department": project.department_id,
        "budget": "50", "description": "内容", "source_note": "政府提出", "entry_order": project.entry_order,
        "completion": "in_progress", "completed_on": "",
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-kind": "inspection", f"{prefix}-0-date": "2026-05-01", f"{prefix}-0-percent": "30",
        f"{prefix}-0-content": "代表视察", f"{prefix}-0-inspectors": [hall.roster[0].pk, hall.roster[1].pk],
        f"{prefix}-0-project": project.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    progress = ProjectProgress.objects.get()
    assert progress.inspectors.count() == 2 and progress.created_by == hall.staff
    from deputies.models import DutyRecord

    assert DutyRecord.objects.filter(source_key=f"livelihood_inspection:{progress.pk}").count() == 2


def _autocomplete(client, field_name, term):
    response = client.get(reverse("admin:autocomplete"), {
        "term": term, "app_label": "sessions_app", "model_name": "vote", "field_name": field_name,
    })
    assert response.status_code == 200
    return response.json()["results"]


def test_vote_pickers_find_sessions_by_name_or_number_and_name_the_session_of_an_item(client, hall):
    from .factories import CongressSessionFactory

    second = CongressSessionFactory(township=hall.township, term=hall.term, number=hall.session.number + 1,
                                    start_date=hall.session.start_date, end_date=hall.session.end_date)
    item = AgendaItem.objects.create(session=second, order=1, kind=AgendaItem.Kind.GOVERNMENT_REPORT, title="政府工作报告")
    other = Hall(size=1, accounts=0)
    type(hall.township).objects.filter(pk=hall.township.pk).update(name="甲镇")  # no digits to match "3"
    client.force_login(hall.staff)
    from congress.validators import cn_number

    n = second.number
    for term in (f"第{cn_number(n)}次会议", str(n), f"第{hall.term.number}届第{n}次"):
        ids = [r["id"] for r in _autocomplete(client, "session", term)]
        assert ids == [str(second.pk)], term
    assert str(other.session.pk) not in [r["id"] for r in _autocomplete(client, "session", str(other.session.number))]
    results = _autocomplete(client, "agenda_item", f"第{cn_number(n)}次会议")
    assert results == [{"id": str(item.pk), "text": f"{second.short_title} · 1. 政府工作报告"}]
    vote = VoteFactory(session=second, agenda_item=item, title="票决")
    page = client.get(reverse("admin:sessions_app_vote_change", args=[vote.pk])).content.decode()
    assert f"{second.short_title} · 1. 政府工作报告" in page


def test_admin_multi_select_picker_speaks_chinese(client, hall):
    client.force_login(hall.staff)
    catalog = client.get(reverse("admin:jsi18n")).content.decode("unicode_escape")
    assert "Choose %s by selecting them" in catalog  # the key, with …
    assert "再点“选择”箭头加入右侧" in catalog  # … its Chinese text
