"""A deputy checks in by the venue code and votes on a 360 px phone, in headless Chromium."""

import pytest

from sessions_app import checkin, services
from sessions_app.models import Attendance, Ballot, BallotReceipt, Vote
from tests.browser import no_horizontal_overflow, phone_page

from .factories import Hall, VoteFactory, mark_present

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deputy_checks_in_and_votes_on_a_phone(live_server):
    hall = Hall(size=3, accounts=1)
    mark_present(hall.session, hall.roster[1:])
    user = hall.deputy_users()[0]
    with phone_page() as page:
        page.goto(f"{live_server.url}{checkin.checkin_path(hall.session.pk)}")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw-for-tests-1")
        page.click("button[type=submit]")
        page.get_by_role("button", name="确认签到").click()
        assert page.get_by_text("签到成功").is_visible()
        assert no_horizontal_overflow(page)
        assert Attendance.objects.filter(deputy__user=user, status="present").exists()
        services.session_open(actor=hall.staff, session=hall.session)
        vote = VoteFactory(session=hall.session, ballot_kind=Vote.BallotKind.SECRET)
        services.vote_open(actor=hall.staff, vote=vote)
        page.goto(f"{live_server.url}/portal/sessions/votes/{vote.pk}/")
        assert no_horizontal_overflow(page)
        page.get_by_label("赞成").check()
        page.get_by_role("button", name="提交表决").click()
        assert page.locator("[data-testid=voted]").is_visible()
        # A secret vote keeps only the receipt while open; the choice waits in the sealed box
        # and becomes an unlinkable ballot row when the vote closes.
        assert BallotReceipt.objects.filter(vote=vote, deputy__user=user).count() == 1
        assert Ballot.objects.filter(vote=vote).count() == 0
        services.vote_close(actor=hall.staff, vote=vote)
        assert list(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == ["yes"]
