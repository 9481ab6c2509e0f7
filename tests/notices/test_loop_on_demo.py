"""One citizen's item driven through the whole loop on the demo county, with the SMS and WeChat
Work providers replaced by their local fakes (signatures checked): exactly the messages a person
would expect reach exactly the people who must act, by kind and recipient, and running the sender
again (a retried task) sends nothing new."""

from collections import Counter

import pytest

from congress.models import Delivery, User
from congress.outbox import outbox_deliver, outbox_sweep
from congress.roles import PRESIDIUM_STAFF, Role
from deputies.models import Deputy
from suggestions import services
from suggestions.models import Suggestion

from .fakes import FakeWecom

CITIZEN = "13912340001"


@pytest.fixture
def wecom_for(settings):
    """A WeChat Work fake that knows the given user ids; tokens cached in a local cache."""
    fakes = []

    def start(userids):
        fake = FakeWecom("ww-demo", "demo-secret", 1000002, set(userids)).start()
        fakes.append(fake)
        settings.WECOM_BACKEND = "congress.notices.wecom.WecomApiBackend"
        settings.WECOM_CORP_ID, settings.WECOM_SECRET = fake.corp_id, fake.secret
        settings.WECOM_AGENT_ID, settings.WECOM_API_BASE = str(fake.agent_id), fake.url
        settings.WECOM_TIMEOUT_SECONDS = 5
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": "wecom-demo-loop"}}
        from django.core.cache import cache

        cache.clear()
        return fake

    yield start
    for fake in fakes:
        fake.stop()


def test_the_loop_on_the_demo_sends_exactly_the_expected_sms_and_wecom_messages(
        demo_county, aliyun, wecom_for, settings, django_capture_on_commit_callbacks):
    settings.SMS_TEMPLATE_CODES = {"accepted": "SMS_1", "rejected": "SMS_2", "replied": "SMS_3",
                                   "closed": "SMS_4", "generic": "SMS_9"}
    deputy = (Deputy.objects.on_roster().filter(user__isnull=False, user__is_active=True)
              .select_related("user", "township").order_by("pk").first())
    township = deputy.township
    department = township.departments.filter(users__role=Role.HANDLER).order_by("pk").first()
    staff = list(User.objects.filter(township=township, role__in=PRESIDIUM_STAFF, is_active=True))
    handlers = list(User.objects.filter(department=department, role=Role.HANDLER, is_active=True))
    assert staff and handlers, "the demo has staff and handlers in every township"
    chair = next(u for u in staff if u.role == Role.CHAIR)
    people = [deputy.user, *staff, *handlers]
    for n, user in enumerate(people):
        user.wecom_userid = f"wx{n:03d}"
        user.save(update_fields=["wecom_userid"])
    wecom = wecom_for(u.wecom_userid for u in people)
    Delivery.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        # 群众点单: a citizen scanned the deputy's own QR code (代表码).
        s = services.suggestion_submit_public(
            township=township, kind="suggestion", title="村口路灯不亮", content="村口三盏路灯坏了一个月。",
            submitter_name="王大妈", submitter_phone=CITIZEN, consent=True, deputy=deputy)
        services.suggestion_claim(actor=deputy.user, suggestion=s)  # 代表接单
        services.suggestion_present(actor=deputy.user, suggestion=Suggestion.objects.get(pk=s.pk))
        services.suggestion_dispatch(actor=chair, suggestion=Suggestion.objects.get(pk=s.pk),
                                     lead_department=department)  # 人大派单
        services.suggestion_sign(actor=handlers[0], suggestion=Suggestion.objects.get(pk=s.pk))
        services.suggestion_reply(actor=handlers[0], suggestion=Suggestion.objects.get(pk=s.pk),
                                  reply_class="A", text="已更换灯具,恢复照明。")  # 政府销单
        services.suggestion_evaluate(actor=deputy.user, suggestion=Suggestion.objects.get(pk=s.pk),
                                     rating="satisfied")
        services.suggestion_close(actor=chair, suggestion=Suggestion.objects.get(pk=s.pk))

    # The citizen: told it was accepted (with the code), replied (with the rating link), closed.
    texts = [r for r in aliyun.requests if r["PhoneNumbers"] == CITIZEN]
    assert [r["TemplateCode"] for r in texts] == ["SMS_1", "SMS_3", "SMS_4"]
    assert all(s.code in r["TemplateParam"] for r in texts)
    assert f"/r/{s.code}/" in texts[1]["TemplateParam"]  # the short rating link
    assert len(aliyun.requests) == 3, "nobody else is texted: no notice in the loop is urgent"

    # WeChat Work: one card per thing a person must know or do.
    got = Counter()
    for message in wecom.requests:
        for userid in message["touser"].split("|"):
            got[(userid, message["textcard"]["title"])] += 1
    expected = Counter({
        (deputy.user.wecom_userid, f"群众点单待接单:{s.title}"): 1,
        (deputy.user.wecom_userid, f"您的建议已交办{department.name}"): 1,
        (deputy.user.wecom_userid, f"建议已答复,请在规定时间内评价:{s.title}"): 1,
        (deputy.user.wecom_userid, f"建议已销单:{s.title}"): 1,
    })
    for user in staff:
        expected[(user.wecom_userid, f"代表建议待派单:{s.title}")] = 1
        expected[(user.wecom_userid, f"建议已评价(满意),可销单:{s.title}")] = 1
    for user in handlers:
        expected[(user.wecom_userid, f"交办建议待签收:{s.title}")] = 1
    assert got == expected
    assert not Delivery.objects.exclude(status="sent").filter(channel__in=["sms", "wecom"]).exists()
    for row in Delivery.objects.filter(channel__in=["sms", "wecom"]):
        assert row.provider_message_id and row.attempts == 1

    # A retried task and a second sweep send nothing new.
    assert outbox_deliver(delivery_ids=list(Delivery.objects.values_list("pk", flat=True))) == 0
    outbox_sweep()
    assert len(aliyun.requests) == 3 and sum(len(m["touser"].split("|")) for m in wecom.requests) == sum(
        expected.values())
