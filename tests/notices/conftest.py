import socket

import pytest

from .fakes import FakeAliyunSms, FakeTencentSms

LOCAL = {"127.0.0.1", "localhost", "::1"}


class NetworkBlocked(OSError):
    pass


@pytest.fixture(autouse=True)
def no_real_network(monkeypatch):
    """Every test here runs with the network cut to loopback: a DNS lookup or a connection to
    any other host fails, so a misconfigured endpoint can never reach a real provider."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    attempts = []

    def getaddrinfo(host, *args, **kwargs):
        if str(host) not in LOCAL:
            attempts.append(host)
            raise NetworkBlocked(f"network blocked in tests: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        if isinstance(address, tuple) and str(address[0]) not in LOCAL:
            attempts.append(address[0])
            raise NetworkBlocked(f"network blocked in tests: {address[0]}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture
def aliyun(settings):
    fake = FakeAliyunSms("LTAI-test-key", "test-secret-ali").start()
    settings.SMS_BACKEND = "congress.notices.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = fake.access_key_id
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = fake.access_key_secret
    settings.SMS_ALIYUN_ENDPOINT = fake.url
    settings.SMS_SIGN_NAME = "某某镇人大"
    settings.SMS_TEMPLATE_CODES = {"accepted": "SMS_100001", "rejected": "SMS_100002",
                                   "replied": "SMS_100003", "generic": "SMS_100009"}
    settings.SMS_TIMEOUT_SECONDS = 5
    yield fake
    fake.stop()


@pytest.fixture
def tencent(settings):
    fake = FakeTencentSms("AKID-test", "test-secret-tc", "1400000001").start()
    settings.SMS_BACKEND = "congress.notices.sms.TencentSmsBackend"
    settings.SMS_TENCENT_SECRET_ID = fake.secret_id
    settings.SMS_TENCENT_SECRET_KEY = fake.secret_key
    settings.SMS_TENCENT_SDK_APP_ID = fake.app_id
    settings.SMS_TENCENT_ENDPOINT = fake.url
    settings.SMS_SIGN_NAME = "某某镇人大"
    settings.SMS_TEMPLATE_CODES = {"accepted": "2001", "rejected": "2002", "replied": "2003",
                                   "generic": "2009"}
    settings.SMS_TIMEOUT_SECONDS = 5
    yield fake
    fake.stop()


@pytest.fixture
def wecom(settings):
    from .fakes import FakeWecom

    fake = FakeWecom("ww-corp", "app-secret", 1000002, {"zhangsan", "lisi"}).start()
    settings.WECOM_BACKEND = "congress.notices.wecom.WecomApiBackend"
    settings.WECOM_CORP_ID = fake.corp_id
    settings.WECOM_SECRET = fake.secret
    settings.WECOM_AGENT_ID = str(fake.agent_id)
    settings.WECOM_API_BASE = fake.url
    settings.WECOM_TIMEOUT_SECONDS = 5
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "wecom-tests"}}
    from django.core.cache import cache

    cache.clear()
    yield fake
    fake.stop()
