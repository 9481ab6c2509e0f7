"""回访: a citizen who has not rated a reply is invited once by SMS, N working days after it —
never twice (a second sweep, a retried task, two sweeps at once), never for a rated, anonymous,
non-consenting or backdated item, never after the rating window."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congress.models import Delivery
from congress.notices.sms import LocmemSmsBackend
from congress.workdays import WorkCalendar
from suggestions import services
from suggestions.callbacks import TIMELINE_NOTE, callback_sweep
from suggestions.citizen_notices import MAY_BE_TOLD, citizen_may_be_told
from suggestions.models import CitizenCallback, DeadlineSettings, EventKind, Suggestion
from suggestions.tasks import callback_sweep_task
from tests.concurrency import run_at_once
from tests.suggestions import factories as f

PHONE = "13812345678"


def _day(s, workdays):
    """``workdays`` Chinese working days after the item's reply."""
    replied_on = timezone.localdate(s.replied_at)
    return WorkCalendar([replied_on.year, replied_on.year + 1]).add_workdays(replied_on, workdays)


def _revisits():
    """(template, address) of every revisit SMS written to the outbox."""
    return sorted(Delivery.objects.filter(template="revisit").values_list("template", "address"))


def _callback_events(s):
    return list(s.events.filter(action=EventKind.CALLBACK).values_list("is_public", "note"))


@pytest.mark.django_db
def test_invited_once_after_n_workdays_and_never_again(w, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://rd.example.cn"
    settings.SMS_SIGN_NAME = "柳河镇人大"
    s = f.replied(w)
    assert callback_sweep(today=_day(s, 4)) == {"claimed": 0, "sms": 0}  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert callback_sweep(today=_day(s, 5)) == {"claimed": 1, "sms": 1}
    assert _revisits() == [("revisit", PHONE)]
    [sms] = [m for m in LocmemSmsBackend.outbox if m.template == "revisit"]
    assert sms.text == f"【柳河镇人大】您反映的问题已答复,诚邀您评价办理结果:https://rd.example.cn/r/{s.code}/"
    assert len(sms.text) <= 70  # one SMS, signature included
    assert _callback_events(s) == [(False, TIMELINE_NOTE)]  # internal: not on the citizen's timeline
    # Beat firing twice, a retried task, the next day: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert callback_sweep(today=_day(s, 5)) == {"claimed": 0, "sms": 0}
        callback_sweep_task.apply(args=[_day(s, 6).isoformat()], retries=1).get()
    assert _revisits() == [("revisit", PHONE)]
    assert len([m for m in LocmemSmsBackend.outbox if m.template == "revisit"]) == 1
    assert _callback_events(s) == [(False, TIMELINE_NOTE)]
    assert CitizenCallback.objects.get().suggestion_id == s.pk


@pytest.mark.django_db
def test_a_rated_item_gets_nothing(w):
    s = f.replied(w)
    services.suggestion_citizen_rate(suggestion=s, rating="satisfied")
    assert callback_sweep(today=_day(s, 5))["claimed"] == 0
    assert _revisits() == [] and not CitizenCallback.objects.exists()


@pytest.mark.django_db
def test_anonymous_or_without_consent_or_phone_gets_nothing(w):
    anonymous = f.replied(w, is_anonymous=True, submitter_phone="", submitter_name="")
    no_consent = f.replied(w, submitter_phone="13900001111")
    Suggestion.objects.filter(pk=no_consent.pk).update(channel="phone", consent_at=None)
    assert callback_sweep(today=_day(anonymous, 5))["claimed"] == 0
    assert _revisits() == [] and not CitizenCallback.objects.exists()


@pytest.mark.django_db
def test_the_query_rule_is_the_python_rule(w):
    """MAY_BE_TOLD (the sweep's query) and citizen_may_be_told (every other citizen SMS) agree."""
    f.submitted(w)
    f.submitted(w, is_anonymous=True, submitter_phone="", submitter_name="")
    no_consent = f.submitted(w, submitter_phone="13900001111")
    Suggestion.objects.filter(pk=no_consent.pk).update(channel="phone", consent_at=None)
    no_phone = services.suggestion_create_by_staff(actor=w.staff, channel="letter", kind="suggestion",
                                                   title="来信", content="修路", submitter_name="李四")
    # An anonymous row that still has a phone (not what the form writes, but the rule must hold).
    odd = f.submitted(w, submitter_phone="13900002222")
    Suggestion.objects.filter(pk=odd.pk).update(is_anonymous=True)
    told = set(Suggestion.objects.filter(MAY_BE_TOLD).values_list("pk", flat=True))
    assert told == {s.pk for s in Suggestion.objects.all() if citizen_may_be_told(s)}
    assert no_phone.pk not in told and len(told) == 1


@pytest.mark.django_db
def test_backdated_history_is_never_called_back(w):
    """The demo builds its history through the services under backdated(): no citizen was told
    of those replies, so none is invited to rate them either."""
    moment = timezone.now() - datetime.timedelta(days=8)
    with services.backdated(moment):
        s = f.replied(w)
    assert Suggestion.objects.get(pk=s.pk).citizen_rating == ""
    assert callback_sweep(today=_day(s, 5))["claimed"] == 0
    assert not Delivery.objects.filter(channel="sms").exists()


@pytest.mark.django_db
def test_not_after_the_rating_window_and_not_when_turned_off(w):
    s = f.replied(w)
    assert callback_sweep(today=_day(s, 21))["claimed"] == 0  # the tracking page would refuse it
    DeadlineSettings.objects.create(township=w.a, callback_workdays=0)
    assert callback_sweep(today=_day(s, 10))["claimed"] == 0
    assert _revisits() == []


@pytest.mark.django_db
def test_each_township_sets_its_own_number_of_workdays(w):
    DeadlineSettings.objects.create(township=w.a, callback_workdays=2)
    s = f.replied(w)
    assert callback_sweep(today=_day(s, 1))["claimed"] == 0
    assert callback_sweep(today=_day(s, 2))["claimed"] == 1


@pytest.mark.django_db
def test_a_deputy_rating_does_not_replace_the_citizen_s_but_re_handling_waits(w):
    rated_by_deputy = f.replied(w)
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=rated_by_deputy, rating="basic")
    rehandled = f.replied(w, submitter_phone="13900001111")
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=rehandled, rating="unsatisfied", comment="没修好")
    assert Suggestion.objects.get(pk=rehandled.pk).state == "in_progress"
    assert callback_sweep(today=_day(rated_by_deputy, 5))["claimed"] == 1
    assert _revisits() == [("revisit", PHONE)]


@pytest.mark.django_db
def test_the_link_leads_to_the_citizen_s_own_rating(w, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = f.replied(w)
        callback_sweep(today=_day(s, 5))
    [sms] = [m for m in LocmemSmsBackend.outbox if m.template == "revisit"]
    path = sms.text[sms.text.index("/r/"):]
    page = client.get(path, follow=True)
    assert page.redirect_chain[-1][0] == f"/track/?code={s.code}"
    assert f'value="{s.code}"' in page.content.decode()  # the code is filled in
    client.post(reverse("suggestions_public:track"), {"code": s.code, "phone_last4": PHONE[-4:]})
    tracking = client.get(reverse("suggestions_public:track")).content.decode()
    assert 'name="rating"' in tracking  # the rating form is offered
    assert TIMELINE_NOTE not in tracking  # the 回访 row is internal: staff see it, the citizen does not
    client.force_login(w.staff)
    assert TIMELINE_NOTE in client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    client.logout()
    client.post(reverse("suggestions_public:track"), {"code": s.code, "phone_last4": PHONE[-4:]})
    client.post(reverse("suggestions_public:track"), {"rating": "satisfied", "comment": "路灯亮了"})
    s.refresh_from_db()
    assert (s.citizen_rating, s.rating) == ("satisfied", "")  # the citizen's rating, not the deputy's
    assert s.events.filter(action=EventKind.CITIZEN_RATE).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_invite_once(w):
    s = f.replied(w)
    today = _day(s, 5)
    results = run_at_once(lambda: callback_sweep(today=today))
    assert sorted(r["claimed"] for r in results) == [0, 1]
    assert _revisits() == [("revisit", PHONE)]
    assert _callback_events(s) == [(False, TIMELINE_NOTE)]


def test_beat_runs_the_sweep_daily_in_office_hours(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["suggestions-callback-sweep"]
    assert entry["task"] == callback_sweep_task.name == "suggestions.callback_sweep"
    assert entry["schedule"].hour == {10} and entry["schedule"].minute == {0}
    assert entry["schedule"].day_of_week == set(range(7))
