"""The citizen's SMS: written only for a consenting, named citizen with a phone, at most once per
item, kind (and handling cycle for replies), and sent through the outbox by template."""

import pytest

from congress.models import Delivery
from congress.notices.sms import LocmemSmsBackend
from suggestions.citizen_notices import citizen_notice_add

from .factories import submitted


def test_accepted_once_with_the_code(w, django_capture_on_commit_callbacks):
    s = submitted(w)
    with django_capture_on_commit_callbacks(execute=True):
        assert citizen_notice_add(suggestion=s, kind="accepted") is not None
        assert citizen_notice_add(suggestion=s, kind="accepted") is None  # already written
    [sms] = LocmemSmsBackend.outbox
    assert sms.phone == "13812345678" and sms.template == "accepted" and s.code in sms.text
    assert Delivery.objects.get(template="accepted").status == "sent"


def test_replied_carries_a_rating_link_per_cycle(w, settings):
    settings.SITE_URL = "https://rd.example.cn"
    s = submitted(w)
    row = citizen_notice_add(suggestion=s, kind="replied")
    assert row.params["link"] == f"https://rd.example.cn/track/?code={s.code}"
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
    s = submitted(w)
    s.consent_at = None
    assert citizen_notice_add(suggestion=s, kind="closed") is None
    assert not Delivery.objects.filter(channel="sms").exists()
    with pytest.raises(ValueError):
        citizen_notice_add(suggestion=s, kind="chase")
