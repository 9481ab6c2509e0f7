"""Rotating check-in codes for the venue screen.

The code is the session id signed with ``django.core.signing`` and stamped with the start of
the current time window (one minute by default), so it is the same for everybody during that
minute and changes when the minute turns. It is accepted for ``SESSION_CHECKIN_MAX_AGE_SECONDS``
after its window started (its own minute plus the next, for a slow phone), then refused as
expired. A forged or altered code fails the signature; a code of another session is refused
by comparing the session id inside it.
"""

import time

from django.core import signing
from django.urls import reverse

from congress.exceptions import ApplicationError

from . import conf

SALT = "sessions_app.checkin"


class CheckinCodeError(ApplicationError):
    """A check-in code that cannot be accepted; ``message`` is shown to the deputy."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


class WindowSigner(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is the start of the current window."""

    def timestamp(self):
        return signing.b62_encode(current_window() * window_seconds())


def window_seconds() -> int:
    return int(conf.get("SESSION_CHECKIN_WINDOW_SECONDS"))


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // window_seconds())


def make_code(session_id: int) -> str:
    return WindowSigner(salt=SALT).sign_object({"s": session_id, "w": current_window()}, compress=False)


def checkin_path(session_id: int) -> str:
    return reverse("sessions_portal:checkin") + "?c=" + make_code(session_id)


def seconds_left() -> int:
    now = time.time()
    return int(window_seconds() - (now % window_seconds()))


def read_code(code: str, *, session_id: int | None = None) -> int:
    """The session id inside a valid, unexpired code; ``CheckinCodeError`` otherwise."""
    if not code:
        raise CheckinCodeError("没有读到签到码,请用手机扫描会场大屏幕上的二维码。", "missing")
    try:
        payload = WindowSigner(salt=SALT).unsign_object(
            code, max_age=int(conf.get("SESSION_CHECKIN_MAX_AGE_SECONDS"))
        )
    except signing.SignatureExpired:
        raise CheckinCodeError(
            "签到码已过期(二维码每分钟更新一次),请重新扫描会场大屏幕上的最新二维码。", "expired"
        ) from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise CheckinCodeError("签到码无效,请扫描会场大屏幕上的二维码,不要使用截图或转发的链接。", "forged") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise CheckinCodeError("签到码无效,请扫描会场大屏幕上的二维码。", "forged")
    if session_id is not None and payload["s"] != session_id:
        raise CheckinCodeError("该签到码不属于本次会议,请扫描本次会议会场的二维码。", "other_session")
    return payload["s"]
