"""Portal and public pages: who may see what, tenancy, query counts, no phone numbers."""

import re

import pytest
from django.urls import reverse

from congress.roles import Role
from sessions_app import services
from sessions_app.models import AgendaItem, LivelihoodProject, Vote
from tests.factories import county_viewer_of, staff_of

from .factories import CongressSessionFactory, Hall, LivelihoodProjectFactory, VoteFactory, mark_present

pytestmark = pytest.mark.django_db
PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")  # not inside a hex token


def test_session_list_and_detail_for_township_members_only(client, hall):
    other = Hall(size=1, accounts=1)
    detail = reverse("sessions_portal:session_detail", args=[hall.session.pk])
    client.force_login(hall.deputy_users()[0])
    listing = client.get(reverse("sessions_portal:session_list")).content.decode()
    assert hall.session.short_title in listing
    assert client.get(detail).status_code == 200
    client.force_login(other.deputy_users()[0])
    assert client.get(detail).status_code == 404  # another township's session does not exist for them
    assert hall.township.name not in client.get(reverse("sessions_portal:session_list")).content.decode()


def test_session_list_query_count_does_not_grow(client, django_assert_num_queries, hall):
    user = hall.deputy_users()[0]
    client.force_login(user)
    url = reverse("sessions_portal:session_list")
    client.get(url)
    with django_assert_num_queries(7) as small:
        client.get(url)
    for number in range(hall.session.number + 1, hall.session.number + 16):  # never an existing number
        CongressSessionFactory(township=hall.township, term=hall.term, number=number)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_attendance_page_query_count_does_not_grow(client, django_assert_num_queries):
    hall = Hall(size=5, accounts=0)
    client.force_login(hall.staff)
    url = reverse("sessions_portal:attendance", args=[hall.session.pk])
    client.get(url, HTTP_HX_REQUEST="true")
    mark_present(hall.session, hall.roster[:3])
    with django_assert_num_queries(5) as small:
        client.get(url, HTTP_HX_REQUEST="true")
    from .factories import make_roster

    mark_present(hall.session, make_roster(hall.township, 40))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url, HTTP_HX_REQUEST="true")


def test_open_and_close_session_from_the_portal(client):
    hall = Hall(size=3, accounts=3)
    client.force_login(hall.staff)
    url = reverse("sessions_portal:session_open", args=[hall.session.pk])
    page = client.post(url, follow=True).content.decode()
    assert "不足法定人数" in page and "还差2名" in page
    mark_present(hall.session, hall.roster[:2])
    page = client.post(url, follow=True).content.decode()
    assert "会议已开幕" in page
    client.force_login(hall.deputy_users()[0])
    assert client.post(reverse("sessions_portal:session_close", args=[hall.session.pk])).status_code == 403


def test_county_viewer_reads_but_cannot_write(client, hall):
    viewer = county_viewer_of(hall.township.county)
    client.force_login(viewer)
    assert client.get(reverse("sessions_portal:session_detail", args=[hall.session.pk])).status_code == 200
    assert client.get(reverse("sessions_portal:attendance", args=[hall.session.pk])).status_code == 200
    assert client.post(reverse("sessions_portal:session_open", args=[hall.session.pk])).status_code == 403


def test_deputy_votes_from_the_portal_and_sees_the_verdict(client):
    hall = Hall(size=3, accounts=3)
    mark_present(hall.session, hall.roster)
    services.session_open(actor=hall.staff, session=hall.session)
    vote = VoteFactory(session=hall.session, ballot_kind=Vote.BallotKind.SECRET)
    url = reverse("sessions_portal:vote_detail", args=[vote.pk])
    client.force_login(hall.deputy_users()[0])
    assert "表决尚未开始" in client.post(url, {"choice": "yes"}).content.decode()
    services.vote_open(actor=hall.staff, vote=vote)
    page = client.get(url).content.decode()
    assert "无记名投票" in page and "提交表决" in page
    assert 'data-testid="result"' not in page  # no running count for deputies
    bad = client.post(url, {})
    assert bad.status_code == 400 and "请选择赞成、反对或弃权" in bad.content.decode()
    client.post(url, {"choice": "yes"})
    assert "您已表决" in client.get(url).content.decode()
    again = client.post(url, {"choice": "no"})
    assert "只能表决一次" in again.content.decode()
    for user in hall.deputy_users()[1:]:
        client.force_login(user)
        client.post(url, {"choice": "yes"})
    client.force_login(hall.deputy_users()[0])
    assert client.post(reverse("sessions_portal:vote_close", args=[vote.pk])).status_code == 403
    client.force_login(hall.staff)
    client.post(reverse("sessions_portal:vote_close", args=[vote.pk]))
    client.force_login(hall.deputy_users()[0])
    page = client.get(url).content.decode()
    assert 'data-testid="verdict">通过<' in page.replace("\n", "")
    after = client.post(url, {"choice": "no"})
    assert "已经结束" in after.content.decode() or "只能表决一次" in after.content.decode()


def test_staff_enter_paper_counts(client):
    hall = Hall(size=3, accounts=0)
    mark_present(hall.session, hall.roster)
    services.session_open(actor=hall.staff, session=hall.session)
    vote = VoteFactory(session=hall.session, method=Vote.Method.PAPER)
    services.vote_open(actor=hall.staff, vote=vote)
    client.force_login(hall.staff)
    url = reverse("sessions_portal:vote_paper", args=[vote.pk])
    bad = client.post(url, {"yes": "3", "no": "1", "abstain": "0"})
    assert bad.status_code == 400 and "多于出席代表" in bad.content.decode()
    assert 'value="3"' in bad.content.decode()  # what was typed is kept
    client.post(url, {"yes": "1", "no": "2", "abstain": "0"})
    vote.refresh_from_db()
    assert vote.status == "closed" and vote.passed is False


def test_public_page_shows_published_resolutions_and_selected_projects_without_phones(client, hall):
    from congress.models import Department

    AgendaItem.objects.create(
        session=hall.session, order=1, kind="resolution", title="关于政府工作报告的决议",
        resolution_title="关于政府工作报告的决议", resolution_text="大会批准政府工作报告。联系电话13812345678",
        resolution_published=True,
    )
    AgendaItem.objects.create(session=hall.session, order=2, kind="budget", title="预算", resolution_text="未公布内容")
    project = LivelihoodProjectFactory(session=hall.session, title="村道硬化工程")
    Department.objects.filter(pk=project.department_id).update(contact_phone="13900001111")
    LivelihoodProject.objects.filter(pk=project.pk).update(selected=True, rank=1)
    LivelihoodProjectFactory(session=hall.session, title="未入选项目")
    url = reverse("sessions_public:congress_home", args=[hall.township.slug])
    assert url in client.get(reverse("public:township", args=[hall.township.slug])).content.decode()
    html = client.get(url).content.decode()
    assert "关于政府工作报告的决议" in html and "村道硬化工程" in html
    assert "未公布内容" not in html and "未入选项目" not in html
    assert "13900001111" not in html
    assert "13812345678" not in html and "138****5678" in html
    assert not PHONE.search(html)
    detail = client.get(project.get_public_url()).content.decode()
    assert not PHONE.search(detail)
    # A project that was not selected has no public page.
    other = LivelihoodProject.objects.get(title="未入选项目")
    assert client.get(reverse("sessions_public:project_detail", args=[hall.township.slug, other.pk])).status_code == 404
