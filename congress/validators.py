"""Validators and small formatting helpers shared by every app."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from .textclean import CONTROL_CHARACTERS_RE, ControlCharacterValidator, control_character_validator  # noqa: E402,F401

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

mobile_validator = RegexValidator(
    regex=MOBILE_RE,
    message="请输入正确的11位中国大陆手机号码,例如 13812345678。",
    code="invalid_mobile",
)


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a leading +86 so "+86 138-1234-5678" validates."""
    value = re.sub(r"[\s\-]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def mask_phone(value: str) -> str:
    """138****1234: the only form of a phone number a public page may show."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


# Uploads are checked in congress.uploads (the one upload door); kept importable from here.
from .uploads import PhotoValidator, document_validator, sniff_image_type  # noqa: E402,F401

photo_validator = PhotoValidator()

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一 (enough for terms and sessions)."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        prefix = "" if tens == 1 else _CN_DIGITS[tens]
        return f"{prefix}十{_CN_DIGITS[ones] if ones else ''}"
    return str(n)
