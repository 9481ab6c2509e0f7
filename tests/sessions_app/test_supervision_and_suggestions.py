"""Supervision activities (duty records, findings → suggestions), session suggestions, and
promoting a suggestion to a 民生实事 candidate."""

import datetime

import pytest
from django.urls import reverse

from deputies.models import DutyKind, DutyRecord
from sessions_app import services
from sessions_app.models import LivelihoodProject, SupervisionActivity, SupervisionFinding
from suggestions.models import Channel, Suggestion
from suggestions.services import suggestion_create_for_deputies
from tests.factories import DepartmentFactory

from .factories import Hall, mark_present

pytestmark = pytest.mark.django_db


def make_activity(hall, **kwargs):
    activity = SupervisionActivity.objects.create(
        township=hall.township, kind=kwargs.pop("kind", SupervisionActivity.Kind.LAW_CHECK),
        title="食品安全法执法检查", planned_date=datetime.date(2026, 5, 10), held_on=datetime.date(2026, 5, 10),
        plan="检查方案", status=SupervisionActivity.Status.DONE, **kwargs,
    )
    activity.participants.set(hall.roster[:4])
    return activity


def test_each_participant_gets_one_duty_record(hall):
    activity = make_activity(hall)
    assert services.supervision_record_duties(actor=hall.staff, activity=activity) == 4
    assert services.supervision_record_duties(actor=hall.staff, activity=activity) == 0
    records = DutyRecord.objects.filter(source_key=f"supervision:{activity.pk}")
    assert records.count() == 4 and set(records.values_list("kind", flat=True)) == {DutyKind.LAW_ENFORCEMENT_CHECK}
    activity.participants.add(hall.roster[5])
    assert services.supervision_record_duties(actor=hall.staff, activity=activity) == 1


def test_planned_activity_gives_no_duty_record_yet(hall):
    activity = make_activity(hall)
    SupervisionActivity.objects.filter(pk=activity.pk).update(status="planned", held_on=None)
    activity.refresh_from_db()
    assert services.supervision_record_duties(actor=hall.staff, activity=activity) == 0


def test_work_review_needs_satisfaction_counts(hall):
    from django.core.exceptions import ValidationError

    activity = make_activity(hall, kind=SupervisionActivity.Kind.WORK_REVIEW)
    with pytest.raises(ValidationError) as exc:
        activity.full_clean()
    assert "满意度测评" in str(exc.value)


def test_finding_becomes_a_suggestion_in_one_step(hall, django_capture_on_commit_callbacks):
    department = DepartmentFactory(township=hall.township)
    activity = make_activity(hall)
    finding = SupervisionFinding.objects.create(activity=activity, content="部分商户未公示健康证", department=department)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = services.finding_to_suggestion(actor=hall.staff, finding=finding)
    assert suggestion.channel == Channel.SUPERVISION
    assert suggestion.lead_deputy in hall.roster[:4]
    assert suggestion.proposed_department == department
    finding.refresh_from_db()
    assert finding.suggestion_ref == suggestion.code
    with pytest.raises(services.ActionRefused, match="已经转为建议"):
        services.finding_to_suggestion(actor=hall.staff, finding=finding)
    assert Suggestion.objects.count() == 1


def test_session_suggestion_enters_the_workflow_claimed(client, hall):
    mark_present(hall.session, hall.roster[:8])
    services.session_open(actor=hall.staff, session=hall.session)
    client.force_login(hall.staff)
    url = reverse("sessions_portal:session_suggestion_new", args=[hall.session.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": "suggestion", "title": "", "content": "x"})
    assert bad.status_code == 400 and "请选择提出建议的代表" in bad.content.decode()
    response = client.post(url, {
        "deputies": [hall.roster[0].pk, hall.roster[1].pk], "kind": "suggestion",
        "title": "建议加快镇区污水管网建设", "content": "镇区部分路段雨污混流,建议加快改造。",
    })
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.channel == Channel.SESSION
    assert suggestion.lead_deputy == hall.roster[0]
    assert list(suggestion.cosigners.all()) == [hall.roster[1]]
    client.force_login(hall.deputy_users()[0])
    assert client.get(url).status_code == 403


def test_promote_a_suggestion_to_a_livelihood_candidate(client, hall):
    department = DepartmentFactory(township=hall.township)
    suggestion = suggestion_create_for_deputies(
        actor=hall.staff, deputies=hall.roster[:1], channel=Channel.SESSION, kind="suggestion", category=None,
        title="建设居家养老服务站", content="多个村老人多,建议建设居家养老服务站。",
    )
    client.force_login(hall.staff)
    url = reverse("sessions_portal:project_from_suggestion", args=[hall.session.pk])
    bad = client.post(url, {"suggestion": suggestion.pk, "department": department.pk, "budget": "-1"})
    assert bad.status_code == 400 and "预算不能为负数" in bad.content.decode()
    client.post(url, {"suggestion": suggestion.pk, "department": department.pk, "budget": "45"})
    project = LivelihoodProject.objects.get()
    assert project.source_suggestion == suggestion and project.title == "建设居家养老服务站"
    assert project.entry_order == 1
    client.force_login(hall.deputy_users()[0])
    assert client.get(url).status_code == 403
