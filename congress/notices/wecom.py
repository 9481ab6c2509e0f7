"""WeChat Work (企业微信) app messages for staff, deputies and handlers who have a WeChat Work
user id (``User.wecom_userid``).

``WECOM_BACKEND`` picks the backend; each has ``send(userid, title, body="", url="") -> message
id`` and raises the typed errors of :mod:`congress.notices.errors`. :class:`WecomApiBackend`
calls the server API: ``gettoken`` with the corp id and the app's secret (the token is cached
until shortly before it expires and fetched again when the server says it is invalid or
expired), then ``message/send`` with the app's agent id — a text card when there is a link.
"""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError

logger = logging.getLogger("congress.wecom")

# Global error codes (https://developer.work.weixin.qq.com/document/path/90313): True = permanent.
WECOM_ERRORS: dict[int, bool] = {
    -1: False,  # 系统繁忙
    40001: True,  # 不合法的 secret
    40013: True,  # 不合法的 CorpID
    40056: True,  # 不合法的 agentid
    44004: True,  # 文本内容为空
    45002: True,  # 消息内容超过限制
    45009: False,  # 接口调用超过限制
    45033: False,  # 接口并发调用超过限制
    48002: True,  # API 接口无权限调用
    60020: True,  # 不安全的访问 IP(企业可信 IP 未配置)
    81013: True,  # 接收人全部非法或无权限
    82001: True,  # 接收人全部为空
    301002: True,  # 无权限操作指定的应用
}
TOKEN_INVALID = {40014, 42001}  # 不合法/已过期的 access_token: fetch a new one and retry once
# Text card limits (bytes, UTF-8): title 128, description 512.
TITLE_BYTES = 128
DESCRIPTION_BYTES = 512


def _cut_bytes(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def wecom_error(code: int, message: str) -> DeliveryError:
    cls = PermanentDeliveryError if WECOM_ERRORS.get(code, False) else TemporaryDeliveryError
    return cls(message or str(code), code=str(code), provider="wecom")


class BaseWecomBackend:
    provider = "wecom"

    def send(self, userid: str, title: str, body: str = "", url: str = "") -> str:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def text(title: str, body: str = "", url: str = "") -> str:
        return "\n".join(part for part in (title, body, url) if part)


class ConsoleWecomBackend(BaseWecomBackend):
    """Writes each message to the log (development, demo)."""

    def send(self, userid: str, title: str, body: str = "", url: str = "") -> str:
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        logger.info("WeCom to %s [%s]: %s", userid, message_id, self.text(title, body, url))
        return message_id


@dataclass(frozen=True)
class SentWecom:
    userid: str
    title: str
    body: str
    url: str
    message_id: str


class LocmemWecomBackend(BaseWecomBackend):
    """Keeps messages in the class attribute ``outbox`` (tests reset it)."""

    outbox: list[SentWecom] = []

    def send(self, userid: str, title: str, body: str = "", url: str = "") -> str:
        message = SentWecom(userid, title, body, url, f"locmem-{len(type(self).outbox) + 1}")
        type(self).outbox.append(message)
        return message.message_id


class WecomApiBackend(BaseWecomBackend):
    def __init__(self):
        self.corp_id = settings.WECOM_CORP_ID
        self.agent_id = str(settings.WECOM_AGENT_ID)
        self.secret = settings.WECOM_SECRET
        if not (self.corp_id and self.agent_id and self.secret):
            raise ImproperlyConfigured(
                "企业微信需要环境变量 WECOM_CORP_ID、WECOM_AGENT_ID 和 WECOM_SECRET。"
            )
        self.base = settings.WECOM_API_BASE.rstrip("/")
        self.timeout = settings.WECOM_TIMEOUT_SECONDS

    @property
    def _token_key(self) -> str:
        return f"wecom:token:{self.corp_id}:{self.agent_id}"

    def _call(self, method: str, path: str, **kwargs) -> dict:
        import requests

        try:
            response = requests.request(method, f"{self.base}{path}", timeout=self.timeout, **kwargs)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise TemporaryDeliveryError(
                f"无法连接企业微信:{exc}", code="network", provider=self.provider
            ) from exc

    def access_token(self, *, refresh: bool = False) -> str:
        if not refresh:
            token = cache.get(self._token_key)
            if token:
                return token
        data = self._call(
            "GET", "/cgi-bin/gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
        )
        if data.get("errcode", 0) != 0:
            raise wecom_error(int(data["errcode"]), data.get("errmsg", ""))
        token = data["access_token"]
        # Keep a margin so a token never expires between the cache and the server.
        cache.set(self._token_key, token, max(int(data.get("expires_in", 7200)) - 300, 60))
        return token

    def _payload(self, userid: str, title: str, body: str, url: str) -> dict:
        payload = {"touser": userid, "agentid": int(self.agent_id), "safe": 0}
        if url:
            payload |= {
                "msgtype": "textcard",
                "textcard": {
                    "title": _cut_bytes(title, TITLE_BYTES),
                    "description": _cut_bytes(body or title, DESCRIPTION_BYTES),
                    "url": url,
                    "btntxt": "详情",
                },
            }
        else:
            payload |= {"msgtype": "text", "text": {"content": self.text(title, body)}}
        return payload

    def send(self, userid: str, title: str, body: str = "", url: str = "") -> str:
        if not userid:
            raise PermanentDeliveryError("接收人没有企业微信账号", code="no_userid",
                                         provider=self.provider)
        payload = self._payload(userid, title, body, url)
        for refresh in (False, True):
            data = self._call(
                "POST", "/cgi-bin/message/send",
                params={"access_token": self.access_token(refresh=refresh)}, json=payload,
            )
            code = int(data.get("errcode", 0))
            if code in TOKEN_INVALID and not refresh:
                continue
            break
        if code != 0:
            raise wecom_error(code, data.get("errmsg", ""))
        if userid in (data.get("invaliduser") or "").split("|"):
            raise PermanentDeliveryError(
                f"企业微信账号无效或不在应用可见范围:{userid}", code="invaliduser",
                provider=self.provider,
            )
        return str(data.get("msgid", ""))


def wecom_enabled() -> bool:
    """Whether the WeChat Work channel is offered at all (a real or development backend)."""
    return bool(getattr(settings, "WECOM_BACKEND", ""))


def get_wecom_backend() -> BaseWecomBackend:
    return import_string(settings.WECOM_BACKEND)()
