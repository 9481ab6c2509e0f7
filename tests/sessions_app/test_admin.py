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
