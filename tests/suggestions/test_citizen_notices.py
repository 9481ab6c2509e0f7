"""The citizen's SMS: written only for a consenting, named citizen with a phone, at most once per
item, kind (and handling cycle for replies), and sent through the outbox by template."""

import pytest

from congress.models import Delivery
from congress.notices.sms import LocmemSmsBackend
from suggestions.citizen_notices import citizen_notice_add

from .factories import submitted


def test_accepted_once_with_the_code(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = submitted(w)  # the submission writes it
        assert citizen_notice_add(suggestion=s, kind="accepted") is None  # already written
    [sms] = LocmemSmsBackend.outbox
    assert sms.phone == "13812345678" and sms.template == "accepted" and s.code in sms.text
    assert Delivery.objects.get(template="accepted").status == "sent"


def test_replied_carries_a_rating_link_per_cycle(w, settings):
    settings.SITE_URL = "https://rd.example.cn"
    s = submitted(w)
    row = citizen_notice_add(suggestion=s, kind="replied")
    assert row.params["link"] == f"https://rd.example.cn/r/{s.code}/"  # short: one SMS
    assert citizen_notice_add(suggestion=s, kind="replied") is None
    s.rehandle_count = 1
    assert citizen_notice_add(suggestion=s, kind="replied") is not None


def test_rejected_says_why(w):
    s = submitted(w)
    s.rejection_reason = "属于法院诉讼程序"
    assert citizen_notice_add(suggestion=s, kind="rejected").params["reason"] == "属于法院诉讼程序"


def test_anonymous_or_without_consent_is_never_told(w):
    anonymous = submitted(w, is_anonymous=True, submitter_phone="", submitter_name="")
    assert citizen_notice_add(suggestion=anonymous, kind="accepted") is None
    assert not Delivery.objects.filter(channel="sms").exists()
    s = submitted(w)
    s.consent_at = None
    assert citizen_notice_add(suggestion=s, kind="closed") is None
    assert list(Delivery.objects.filter(channel="sms").values_list("template", flat=True)) == ["accepted"]
    with pytest.raises(ValueError):
        citizen_notice_add(suggestion=s, kind="chase")


# --- wired into the suggestion services ----------------------------------------------------------

from suggestions import services  # noqa: E402

from .factories import claimed, dispatched  # noqa: E402


def _citizen_sms(phone="13812345678"):
    return [m.template for m in LocmemSmsBackend.outbox if m.phone == phone]


def test_the_loop_tells_the_citizen_once_per_step(w, django_capture_on_commit_callbacks, fixed_today):
    import datetime

    from congress.outbox import outbox_sweep

    with django_capture_on_commit_callbacks(execute=True):
        s = dispatched(w)
        services.suggestion_sign(actor=w.handler, suggestion=s)
        services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已更换灯具。")
        s.refresh_from_db()
        services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating="satisfied")
        services.suggestion_close(actor=w.staff, suggestion=s)
    assert _citizen_sms() == ["accepted", "replied", "closed"]
    replied = next(m for m in LocmemSmsBackend.outbox if m.template == "replied")
    assert f"/r/{s.code}/" in replied.text
    outbox_sweep()  # a second run of the sender: nothing new
    assert _citizen_sms() == ["accepted", "replied", "closed"]


def test_rejection_and_direct_answer_are_told(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = claimed(w)
        services.suggestion_answer_directly(actor=w.deputy1.user, suggestion=s, answer="已协调村委会修复。")
        other = services.suggestion_present(
            actor=w.deputy1.user, suggestion=claimed(w, submitter_phone="13900001111"),
            title="修复", content="建议修复")
        services.suggestion_reject(actor=w.staff, suggestion=other, reason="属于法院诉讼程序")
    assert _citizen_sms() == ["accepted", "closed"]
    assert _citizen_sms("13900001111") == ["accepted", "rejected"]
    rejected = next(m for m in LocmemSmsBackend.outbox if m.template == "rejected")
    assert "原因:属于法院诉讼程序" in rejected.text


def test_anonymous_submitter_gets_nothing(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(w, is_anonymous=True, submitter_phone="", submitter_name="")
    assert LocmemSmsBackend.outbox == []


def test_history_built_backdated_tells_no_citizen(w, django_capture_on_commit_callbacks):
    """The demo builds past years through the services: no citizen is texted about them."""
    import datetime

    from django.utils import timezone

    moment = timezone.make_aware(datetime.datetime(2025, 3, 3, 10, 0))
    with django_capture_on_commit_callbacks(execute=True), services.backdated(moment):
        s = claimed(w)
        services.suggestion_answer_directly(actor=w.deputy1.user, suggestion=s, answer="已协调。")
    assert LocmemSmsBackend.outbox == []
    assert not Delivery.objects.filter(channel="sms").exists()
