"""Validators and small formatting helpers shared by every app."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

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


# Magic numbers of the picture formats we accept; the file name is never trusted.
_IMAGE_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
}


def sniff_image_type(head: bytes) -> str | None:
    for mime, signatures in _IMAGE_SIGNATURES.items():
        for signature in signatures:
            if head.startswith(signature):
                if mime == "image/webp" and head[8:12] != b"WEBP":
                    continue
                return mime
    return None


@deconstructible
class PhotoValidator:
    """Accept JPEG, PNG or WebP by content, and at most ``PHOTO_MAX_BYTES``."""

    def __call__(self, upload):
        max_bytes = settings.PHOTO_MAX_BYTES
        if upload.size is not None and upload.size > max_bytes:
            raise ValidationError(
                "图片过大(%(size).1f MB),请上传不超过 %(max).0f MB 的图片。",
                code="photo_too_large",
                params={"size": upload.size / 1024 / 1024, "max": max_bytes / 1024 / 1024},
            )
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(16)
        upload.seek(position)
        if sniff_image_type(head) is None:
            raise ValidationError(
                "只能上传 JPEG、PNG 或 WebP 格式的图片,该文件不是有效的图片。",
                code="photo_bad_type",
            )
        try:
            from PIL import Image

            upload.seek(0)
            with Image.open(upload) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many kinds for a broken file
            raise ValidationError("图片文件已损坏,无法读取,请重新拍摄或选择。", code="photo_broken") from exc
        finally:
            upload.seek(position)

    def __eq__(self, other):
        return isinstance(other, PhotoValidator)


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
