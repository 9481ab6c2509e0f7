"""SMS through a mainland provider, by template.

Every backend has one method, ``send(phone, template, params) -> message id``: ``template`` is a
:class:`~congress.notices.catalog.NoticeKind` value, ``params`` a dict with that template's
parameters. It returns the provider's message id (Alibaba ``BizId``, Tencent ``SerialNo``) and
raises :class:`~congress.notices.errors.TemporaryDeliveryError` (retry later) or
:class:`~congress.notices.errors.PermanentDeliveryError` (give up), mapped from the provider's
error codes.

``SMS_BACKEND`` picks the backend: the console backend (development, demo) logs the Chinese text;
the locmem backend keeps messages in memory (tests); :class:`AliyunSmsBackend` and
:class:`TencentSmsBackend` call the providers' official SDKs. Credentials come from the
environment; the endpoint is a setting, so tests point it at a local fake.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .catalog import get_template
from .errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError

logger = logging.getLogger("congress.sms")


def normalise_phone(phone: str) -> str:
    """A mainland mobile number as 11 digits (accepts +86/86 prefixes, spaces and dashes)."""
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) != 11 or not digits.startswith("1"):
        raise PermanentDeliveryError(f"手机号码格式不正确:{phone}", code="invalid_phone")
    return digits


def _split_endpoint(url: str) -> tuple[str, str]:
    """``https://host[:port]`` → (scheme, host[:port]); a bare host means https."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"短信服务地址格式不正确:{url}")
    return parts.scheme, parts.netloc


class BaseSmsBackend:
    provider = ""

    def send(self, phone: str, template: str, params: dict) -> str:  # pragma: no cover
        raise NotImplementedError

    def template_code(self, template: str) -> str:
        """The provider's code for an approved template, from ``SMS_TEMPLATE_CODES``."""
        codes = getattr(settings, "SMS_TEMPLATE_CODES", {}) or {}
        code = codes.get(str(template), "")
        if not code:
            raise PermanentDeliveryError(
                f"未配置短信模板编号:{template}(设置 SMS_TEMPLATE_CODES)",
                code="template_not_configured",
                provider=self.provider,
            )
        return code


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes the Chinese text of each message to the log instead of sending it."""

    provider = "console"

    def send(self, phone: str, template: str, params: dict) -> str:
        text = get_template(template).render(params, sign_name=settings.SMS_SIGN_NAME)
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        logger.info("SMS to %s [%s %s]: %s", normalise_phone(phone), template, message_id, text)
        return message_id


@dataclass(frozen=True)
class SentSms:
    phone: str
    template: str
    params: dict
    text: str
    message_id: str


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in the class attribute ``outbox`` (tests reset it)."""

    provider = "locmem"
    outbox: list[SentSms] = []

    def send(self, phone: str, template: str, params: dict) -> str:
        tpl = get_template(template)
        message = SentSms(
            phone=normalise_phone(phone),
            template=str(template),
            params=tpl.clean(params),
            text=tpl.render(params, sign_name=settings.SMS_SIGN_NAME),
            message_id=f"locmem-{len(type(self).outbox) + 1}",
        )
        type(self).outbox.append(message)
        return message.message_id


def classify(provider: str, code: str, message: str, table: dict[str, bool],
             permanent_prefixes) -> DeliveryError:
    """Turn a provider error code into a typed error: an explicit entry wins, then the
    permanent prefixes; any other code counts as temporary (the outbox retries it a limited
    number of times)."""
    permanent = table[code] if code in table else code.startswith(tuple(permanent_prefixes))
    cls = PermanentDeliveryError if permanent else TemporaryDeliveryError
    return cls(message or code, code=code, provider=provider)


# Alibaba Cloud SMS error codes (https://help.aliyun.com/document_detail/101346.html):
# ``isv.*`` are the caller's errors (permanent), ``isp.*`` the platform's (temporary); the ones
# below are explicit because their prefix misleads or they have none.
ALIYUN_ERRORS: dict[str, bool] = {
    "isv.BUSINESS_LIMIT_CONTROL": False,  # per-number minute/hour/day flow control
    "isv.DAY_LIMIT_CONTROL": False,
    "isv.OUT_OF_SERVICE": True,  # account suspended (arrears)
    "isv.AMOUNT_NOT_ENOUGH": True,
    "isp.RAM_PERMISSION_DENY": True,
    "Throttling": False,
    "Throttling.User": False,
    "Throttling.Api": False,
    "ServiceUnavailable": False,
    "InternalError": False,
    "SignatureDoesNotMatch": True,
    "IncompleteSignature": True,
    "InvalidAccessKeyId.NotFound": True,
    "InvalidAccessKeyId.Inactive": True,
    "MissingAccessKeyId": True,
    "Forbidden.RAM": True,
    "InvalidTimeStamp.Expired": False,  # clock skew: worth a retry once the clock is fixed
    "SignatureNonceUsed": False,
}


class AliyunSmsBackend(BaseSmsBackend):
    """Alibaba Cloud SMS (短信服务 Dysmsapi 2017-05-25, ``SendSms``) through the official SDK,
    which signs each request with ACS3-HMAC-SHA256."""

    provider = "aliyun"

    def __init__(self):
        self.access_key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.access_key_secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        if not (self.access_key_id and self.access_key_secret):
            raise ImproperlyConfigured(
                "阿里云短信需要环境变量 ALIBABA_CLOUD_ACCESS_KEY_ID 和 ALIBABA_CLOUD_ACCESS_KEY_SECRET。"
            )
        self.scheme, self.endpoint = _split_endpoint(settings.SMS_ALIYUN_ENDPOINT)
        self.timeout_ms = int(settings.SMS_TIMEOUT_SECONDS * 1000)

    def _client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        return Client(
            Config(
                access_key_id=self.access_key_id,
                access_key_secret=self.access_key_secret,
                endpoint=self.endpoint,
                protocol=self.scheme,
                region_id="cn-hangzhou",
                connect_timeout=self.timeout_ms,
                read_timeout=self.timeout_ms,
            )
        )

    def send(self, phone: str, template: str, params: dict) -> str:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from darabonba.runtime import RuntimeOptions
        from Tea.exceptions import TeaException

        tpl = get_template(template)
        request = SendSmsRequest(
            phone_numbers=normalise_phone(phone),
            sign_name=settings.SMS_SIGN_NAME,
            template_code=self.template_code(template),
            template_param=json.dumps(tpl.clean(params), ensure_ascii=False),
        )
        runtime = RuntimeOptions(
            autoretry=False, connect_timeout=self.timeout_ms, read_timeout=self.timeout_ms
        )
        try:
            body = self._client().send_sms_with_options(request, runtime).body
        except TeaException as exc:
            raise self._error(str(exc.code or ""), str(exc.message or "")) from exc
        except Exception as exc:  # network: refused, reset, timeout, TLS
            raise TemporaryDeliveryError(
                f"无法连接阿里云短信服务:{exc}", code="network", provider=self.provider
            ) from exc
        if body.code != "OK":
            raise self._error(body.code or "", body.message or "")
        return body.biz_id or ""

    def _error(self, code: str, message: str) -> DeliveryError:
        return classify(self.provider, code, message, ALIYUN_ERRORS, ["isv."])


# Tencent Cloud SMS error codes (https://cloud.tencent.com/document/product/382/55981).
TENCENT_ERRORS: dict[str, bool] = {
    "FailedOperation.InsufficientBalanceInSmsPackage": True,
    "FailedOperation.PhoneNumberInBlacklist": True,
    "FailedOperation.TemplateIncorrectOrUnapproved": True,
    "FailedOperation.SignatureIncorrectOrUnapproved": True,
    "FailedOperation.ContainSensitiveWord": True,
    "FailedOperation.FailResolvePacket": False,
    "FailedOperation.JsonParseFail": True,
    "RequestLimitExceeded": False,
}


class TencentSmsBackend(BaseSmsBackend):
    """Tencent Cloud SMS (API 2021-01-11, ``SendSms``) through the official SDK, which signs
    each request with TC3-HMAC-SHA256."""

    provider = "tencent"

    def __init__(self):
        self.secret_id = settings.SMS_TENCENT_SECRET_ID
        self.secret_key = settings.SMS_TENCENT_SECRET_KEY
        self.app_id = settings.SMS_TENCENT_SDK_APP_ID
        if not (self.secret_id and self.secret_key and self.app_id):
            raise ImproperlyConfigured(
                "腾讯云短信需要环境变量 TENCENTCLOUD_SECRET_ID、TENCENTCLOUD_SECRET_KEY 和 "
                "SMS_TENCENT_SDK_APP_ID。"
            )
        self.scheme, self.endpoint = _split_endpoint(settings.SMS_TENCENT_ENDPOINT)
        self.region = settings.SMS_TENCENT_REGION
        self.timeout = int(settings.SMS_TIMEOUT_SECONDS)

    def _client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http_profile = HttpProfile(
            protocol=self.scheme, endpoint=self.endpoint, reqTimeout=self.timeout
        )
        profile = ClientProfile(signMethod="TC3-HMAC-SHA256", httpProfile=http_profile)
        return sms_client.SmsClient(
            credential.Credential(self.secret_id, self.secret_key), self.region, profile
        )

    def send(self, phone: str, template: str, params: dict) -> str:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        tpl = get_template(template)
        cleaned = tpl.clean(params)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{normalise_phone(phone)}"]
        request.SmsSdkAppId = self.app_id
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = self.template_code(template)
        request.TemplateParamSet = [cleaned[name] for name in tpl.param_names]
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or ""
            if code in ("ClientNetworkError", "ServerNetworkError"):
                raise TemporaryDeliveryError(
                    f"无法连接腾讯云短信服务:{exc.get_message()}", code=code, provider=self.provider
                ) from exc
            raise self._error(code, exc.get_message() or "") from exc
        except Exception as exc:
            raise TemporaryDeliveryError(
                f"无法连接腾讯云短信服务:{exc}", code="network", provider=self.provider
            ) from exc
        status = (response.SendStatusSet or [None])[0]
        if status is None:
            raise TemporaryDeliveryError("腾讯云短信未返回发送状态", code="empty", provider=self.provider)
        if status.Code != "Ok":
            raise self._error(status.Code or "", status.Message or "")
        return status.SerialNo or ""

    def _error(self, code: str, message: str) -> DeliveryError:
        # InternalError*, LimitExceeded*, RequestLimitExceeded, ResourceUnavailable*: temporary.
        return classify(
            self.provider, code, message, TENCENT_ERRORS,
            ["AuthFailure", "InvalidParameter", "MissingParameter", "UnauthorizedOperation",
             "UnsupportedOperation", "FailedOperation"],
        )


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
