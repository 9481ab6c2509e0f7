"""Validators and small formatting helpers shared by every app."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

# C0 controls except tab/newline/carriage return, DEL, C1 controls and the bidirectional
# overrides that disguise text (U+202A–U+202E, U+2066–U+2069).
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@deconstructible
class ControlCharacterValidator:
    """Refuse text with control characters (a NUL, a bell, a bidi override...) with a Chinese
    message. Every form ``CharField`` runs it (installed in ``congress.apps``)."""

    message = "输入内容含有不可见的控制字符(%(char)s),请删除后重新输入。"
    code = "control_characters"

    def __call__(self, value):
        if not isinstance(value, str):
            return
        match = CONTROL_CHARACTERS_RE.search(value)
        if match:
            raise ValidationError(
                self.message, code=self.code, params={"char": f"U+{ord(match.group()):04X}"}
            )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)


control_character_validator = ControlCharacterValidator()

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
