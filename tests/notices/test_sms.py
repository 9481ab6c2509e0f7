import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from congress.notices.catalog import TEMPLATES, NoticeKind, get_template
from congress.notices.errors import PermanentDeliveryError, TemporaryDeliveryError
from congress.notices.sms import (
    ConsoleSmsBackend,
    LocmemSmsBackend,
    get_sms_backend,
    normalise_phone,
)

pytestmark = pytest.mark.django_db


# --- the template table ----------------------------------------------------------------------

def test_every_notice_kind_has_a_template_that_fits_one_sms():
    assert set(TEMPLATES) == set(NoticeKind.values)
    for kind, template in TEMPLATES.items():
        longest = {p.name: "字" * p.max_length for p in template.params}
        text = template.render(longest, sign_name="某某镇人大")
        # 70 characters is one SMS; the longest possible values may spill into a second.
        assert len(template.render({p.name: "x" for p in template.params}, sign_name="某某镇人大")) <= 70, kind
        assert len(text) <= 134, kind


def test_template_cuts_long_params_and_refuses_missing_ones():
    tpl = get_template(NoticeKind.REJECTED)
    text = tpl.render({"code": "AB12CD34", "reason": "属于法院诉讼程序" * 10})
    assert "原因:属于法院诉讼程序" in text and "…" in text
    with pytest.raises(PermanentDeliveryError, match="缺少参数:reason"):
        tpl.render({"code": "AB12CD34"})
    with pytest.raises(PermanentDeliveryError, match="没有此类短信模板"):
        get_template("nope")
    with pytest.raises(PermanentDeliveryError, match="链接"):
        get_template(NoticeKind.REPLIED).render({"code": "K7", "link": "https://x.cn/" + "a" * 60})


def test_phone_numbers_are_normalised_or_refused():
    assert normalise_phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(PermanentDeliveryError):
        normalise_phone("12345")


# --- console and locmem ------------------------------------------------------------------------

def test_console_backend_logs_the_chinese_text(settings, caplog):
    settings.SMS_BACKEND = "congress.sms.ConsoleSmsBackend"
    settings.SMS_SIGN_NAME = "某某镇人大"
    backend = get_sms_backend()
    assert isinstance(backend, ConsoleSmsBackend)
    with caplog.at_level(logging.INFO, logger="congress.sms"):
        message_id = backend.send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert message_id.startswith("console-")
    assert "【某某镇人大】您反映的问题已受理,查询码K7Q2M9XA" in caplog.text


def test_locmem_backend_records_template_params_and_text():
    backend = get_sms_backend()
    message_id = backend.send("13800138000", NoticeKind.REPLIED,
                              {"code": "K7Q2M9XA", "link": "https://rd.example.cn/r/K7Q2M9XA"})
    [sent] = LocmemSmsBackend.outbox
    assert sent.message_id == message_id
    assert sent.template == "replied"
    assert sent.params == {"code": "K7Q2M9XA", "link": "https://rd.example.cn/r/K7Q2M9XA"}
    assert "已答复,请查看并评价:https://rd.example.cn/r/K7Q2M9XA" in sent.text


# --- Alibaba Cloud against the local fake -------------------------------------------------------

def test_aliyun_success_returns_biz_id_and_sends_signed_template(aliyun):
    message_id = get_sms_backend().send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert message_id == "900619746936498440^1"
    assert aliyun.rejected == []
    [params] = aliyun.requests
    assert params["PhoneNumbers"] == "13800138000"
    assert params["SignName"] == "某某镇人大"
    assert params["TemplateCode"] == "SMS_100001"
    assert json.loads(params["TemplateParam"]) == {"code": "K7Q2M9XA"}


def test_aliyun_wrong_secret_is_refused_by_the_signature_check(aliyun, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "wrong-secret"
    with pytest.raises(PermanentDeliveryError) as exc:
        get_sms_backend().send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert exc.value.code == "SignatureDoesNotMatch"
    assert aliyun.rejected == ["signature"] and aliyun.requests == []


@pytest.mark.parametrize(
    "code, error",
    [
        ("isv.MOBILE_NUMBER_ILLEGAL", PermanentDeliveryError),
        ("isv.SMS_TEMPLATE_ILLEGAL", PermanentDeliveryError),
        ("isv.AMOUNT_NOT_ENOUGH", PermanentDeliveryError),
        ("isv.BUSINESS_LIMIT_CONTROL", TemporaryDeliveryError),
        ("isp.SYSTEM_ERROR", TemporaryDeliveryError),
        ("isv.SOMETHING_NEW", PermanentDeliveryError),
        ("SomethingUnknown", TemporaryDeliveryError),
    ],
)
def test_aliyun_error_codes_are_mapped(aliyun, code, error):
    aliyun.error(code, "provider says no")
    with pytest.raises(error) as exc:
        get_sms_backend().send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert exc.value.code == code and exc.value.provider == "aliyun"
    assert type(exc.value) is error


def test_aliyun_http_error_status_is_mapped(aliyun):
    aliyun.error("Throttling.User", "Request was denied due to user flow control.", status=400)
    with pytest.raises(TemporaryDeliveryError) as exc:
        get_sms_backend().send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert exc.value.code == "Throttling.User"


def test_aliyun_unconfigured_template_is_permanent_and_sends_nothing(aliyun):
    with pytest.raises(PermanentDeliveryError, match="SMS_TEMPLATE_CODES"):
        get_sms_backend().send("13800138000", "closed", {"code": "K7Q2M9XA"})
    assert aliyun.requests == [] and aliyun.rejected == []


def test_aliyun_needs_credentials(settings):
    settings.SMS_BACKEND = "congress.notices.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ""
    with pytest.raises(ImproperlyConfigured, match="ALIBABA_CLOUD_ACCESS_KEY_ID"):
        get_sms_backend()


# --- Tencent Cloud against the local fake -------------------------------------------------------

def test_tencent_success_returns_serial_no_with_ordered_params(tencent):
    message_id = get_sms_backend().send(
        "13800138000", "replied", {"link": "https://rd.example.cn/r/K7", "code": "K7Q2M9XA"}
    )
    assert message_id == "2028:1"
    assert tencent.rejected == []
    [params] = tencent.requests
    assert params["PhoneNumberSet"] == ["+8613800138000"]
    assert params["SignName"] == "某某镇人大"
    assert params["TemplateId"] == "2003"
    assert params["TemplateParamSet"] == ["K7Q2M9XA", "https://rd.example.cn/r/K7"]


def test_tencent_wrong_key_is_refused_by_the_signature_check(tencent, settings):
    settings.SMS_TENCENT_SECRET_KEY = "wrong"
    with pytest.raises(PermanentDeliveryError) as exc:
        get_sms_backend().send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert exc.value.code == "AuthFailure.SignatureFailure"
    assert tencent.rejected == ["signature"]


@pytest.mark.parametrize(
    "code, per_number, error",
    [
        ("InvalidParameterValue.IncorrectPhoneNumber", True, PermanentDeliveryError),
        ("FailedOperation.TemplateIncorrectOrUnapproved", True, PermanentDeliveryError),
        ("FailedOperation.InsufficientBalanceInSmsPackage", True, PermanentDeliveryError),
        ("LimitExceeded.PhoneNumberDailyLimit", True, TemporaryDeliveryError),
        ("InternalError.Timeout", True, TemporaryDeliveryError),
        ("RequestLimitExceeded", False, TemporaryDeliveryError),
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", False, PermanentDeliveryError),
    ],
)
def test_tencent_error_codes_are_mapped(tencent, code, per_number, error):
    tencent.error(code, per_number=per_number)
    with pytest.raises(error) as exc:
        get_sms_backend().send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert exc.value.code == code and exc.value.provider == "tencent"
    assert type(exc.value) is error


# --- never the real network ---------------------------------------------------------------------

@pytest.mark.parametrize("fixture", ["aliyun", "tencent"])
def test_default_endpoints_are_blocked_so_nothing_reaches_a_provider(request, settings, fixture,
                                                                     no_real_network):
    request.getfixturevalue(fixture)
    settings.SMS_ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com"
    settings.SMS_TENCENT_ENDPOINT = "https://sms.tencentcloudapi.com"
    with pytest.raises(TemporaryDeliveryError):
        get_sms_backend().send("13800138000", "accepted", {"code": "K7Q2M9XA"})
    assert no_real_network  # the attempt was stopped by the guard, not sent


# --- the old path -------------------------------------------------------------------------------

def test_old_notification_path_sends_the_generic_template(django_user_model):
    from congress.notifications import notification_deliver, notification_send

    user = django_user_model.objects.create(username="u1", phone="13800138000", is_superuser=True)
    n = notification_send(recipient=user, title="建议即将到期", sms=True)
    assert notification_deliver(notification_id=n.pk)["sms"] is True
    [sent] = LocmemSmsBackend.outbox
    assert sent.template == "generic" and sent.params == {"title": "建议即将到期"}
