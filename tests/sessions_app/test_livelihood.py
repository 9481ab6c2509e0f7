"""民生实事代表票决: approval by more than half of all deputies, ranking with ties, quota."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from sessions_app import selectors, services
from sessions_app.models import LivelihoodProject, Vote

from .factories import Hall, LivelihoodProjectFactory, mark_present


def row(pk, yes, no=0, budget=100, order=None):
    project = SimpleNamespace(pk=pk, budget=Decimal(budget), entry_order=order or pk, title=f"项目{pk}")
    return selectors.RankedProject(project, yes, no, 0, False)


def ranked(rows, total=63, quota=3):
    return [(r.project.pk, r.rank, r.selected) for r in selectors.rank_livelihood_projects(rows, total=total, quota=quota)]


def test_only_projects_approved_by_more_than_half_of_all_are_ranked():
    result = ranked([row(1, 40), row(2, 31), row(3, 32)], total=63)
    assert result == [(1, 1, True), (3, 2, True), (2, None, False)]


def test_ties_fewer_no_then_lower_budget_then_entry_order():
    rows = [
        row(1, 50, no=5, budget=100),
        row(2, 50, no=3, budget=300),  # fewer 反对 wins the tie on 赞成
        row(3, 50, no=5, budget=80),  # same 赞成 and 反对: lower budget first
        row(4, 50, no=5, budget=100, order=9),  # all equal with 1 but entered later
        row(5, 60),
    ]
    assert ranked(rows, quota=3) == [(5, 1, True), (2, 2, True), (3, 3, True), (1, 4, False), (4, 5, False)]


def test_quota_limits_the_selection():
    rows = [row(i, 40 + i) for i in range(1, 7)]
    result = ranked(rows, quota=4)
    assert [pk for pk, rank, selected in result if selected] == [6, 5, 4, 3]


@pytest.mark.django_db
def test_full_livelihood_vote_with_more_candidates_than_quota(client):
    hall = Hall(size=6, accounts=6)
    hall.session.livelihood_quota = 2
    hall.session.save()
    projects = [LivelihoodProjectFactory(session=hall.session, entry_order=i, budget=100 - i) for i in range(1, 5)]
    mark_present(hall.session, hall.roster)
    services.session_open(actor=hall.staff, session=hall.session)
    services.livelihood_voting_open(actor=hall.staff, session=hall.session)
    assert Vote.objects.filter(session=hall.session, status="open").count() == 4
    # Each deputy votes on all four projects from the portal.
    ballots = {
        0: ["yes", "yes", "yes", "no"], 1: ["yes", "yes", "no", "yes"], 2: ["yes", "no", "yes", "yes"],
        3: ["yes", "yes", "yes", "no"], 4: ["no", "abstain", "yes", "no"], 5: ["yes", "no", "abstain", "yes"],
    }
    url = reverse("sessions_portal:livelihood_ballot", args=[hall.session.pk])
    for i, choices in ballots.items():
        client.force_login(hall.roster[i].user)
        data = {f"p{p.pk}": c for p, c in zip(projects, choices)}
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:500]
    # A second ballot is refused and changes nothing.
    client.force_login(hall.roster[0].user)
    client.post(url, {f"p{p.pk}": "no" for p in projects})
    services.livelihood_voting_finalize(actor=hall.staff, session=hall.session)
    projects = list(LivelihoodProject.objects.filter(session=hall.session).order_by("entry_order"))
    # yes counts: p1 5, p2 3, p3 4, p4 3 of 6 deputies: more than half means at least 4.
    assert [p.selected for p in projects] == [True, False, True, False]
    assert [p.rank for p in projects] == [1, None, 2, None]
    page = client.get(url).content.decode()
    assert "入选" in page and "未过半数" in page


@pytest.mark.django_db
def test_livelihood_ballot_is_all_or_nothing():
    hall = Hall(size=3, accounts=3)
    hall.session.livelihood_quota = 1
    hall.session.save()
    p1, p2 = LivelihoodProjectFactory(session=hall.session), LivelihoodProjectFactory(session=hall.session)
    mark_present(hall.session, hall.roster)
    services.session_open(actor=hall.staff, session=hall.session)
    services.livelihood_voting_open(actor=hall.staff, session=hall.session)
    user = hall.roster[0].user
    p1.refresh_from_db(), p2.refresh_from_db()
    services.vote_cast(actor=user, vote=p2.vote, choice="yes")
    with pytest.raises(services.ActionRefused, match=p2.title):
        services.livelihood_cast(actor=user, session=hall.session, choices={p1.pk: "yes", p2.pk: "no"})
    assert p1.vote.receipts.count() == 0  # nothing saved half-way


@pytest.mark.django_db
def test_progress_and_inspection_give_duty_records_and_show_publicly(client):
    from deputies.models import DutyRecord

    hall = Hall(size=3, accounts=0)
    project = LivelihoodProjectFactory(session=hall.session)
    LivelihoodProject.objects.filter(pk=project.pk).update(selected=True, rank=1)
    project.refresh_from_db()
    services.project_progress_add(
        actor=hall.staff, project=project, kind="inspection", date=hall.session.start_date,
        content="代表视察施工现场,进度符合计划", percent=40, inspectors=hall.roster[:2], completion="in_progress",
    )
    assert DutyRecord.objects.filter(source_key__startswith="livelihood_inspection:").count() == 2
    project.refresh_from_db()
    assert project.completion == "in_progress"
    page = client.get(project.get_public_url()).content.decode()
    assert "代表视察施工现场" in page and "推进中" in page


@pytest.mark.django_db
def test_department_handler_reports_progress_on_its_own_projects(client):
    from congress.roles import Role
    from tests.factories import UserFactory

    hall = Hall(size=2, accounts=0)
    project = LivelihoodProjectFactory(session=hall.session)
    LivelihoodProject.objects.filter(pk=project.pk).update(selected=True, rank=1)
    handler = UserFactory(township=hall.township, county=hall.township.county, role=Role.HANDLER, department=project.department)
    stranger = UserFactory(
        township=hall.township, county=hall.township.county, role=Role.HANDLER,
        department=LivelihoodProjectFactory(session=hall.session).department,
    )
    url = reverse("sessions_portal:project_progress_new", args=[project.pk])
    client.force_login(handler)
    assert project.title in client.get(reverse("sessions_portal:my_projects")).content.decode()
    bad = client.post(url, {"date": "2026-05-01", "percent": "150", "content": "", "completion": "in_progress"})
    assert bad.status_code == 400 and "进度应在0到100之间" in bad.content.decode()
    client.post(url, {"date": "2026-05-01", "percent": "30", "content": "已完成招标", "completion": "in_progress"})
    project.refresh_from_db()
    assert project.completion == "in_progress" and project.progress.get().content == "已完成招标"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.project_progress_add(actor=handler, project=project, kind="inspection", date=hall.session.start_date,
                                      content="x", inspectors=hall.roster[:1])
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    assert project.title not in client.get(reverse("sessions_portal:my_projects")).content.decode()
