"""The one door every uploaded file passes: checked by content against an allow-list, images
re-encoded, stored under a random name.

* Photos (every ``ImageField``): JPEG, PNG or WebP by content, at most ``PHOTO_MAX_BYTES`` and
  ``PHOTO_MAX_PIXELS`` (a picture that declares more is refused before it is decoded), then
  re-encoded with Pillow: orientation applied, EXIF/GPS and any trailing bytes dropped, longest
  side cut to ``PHOTO_MAX_SIDE``. A PNG with HTML appended comes out as a plain picture.
* Documents (every other ``FileField``): PDF, Word/Excel/PowerPoint (OOXML or the old OLE
  format), WPS, OFD — recognised by their magic bytes *and* a matching extension — or a photo as
  above; at most ``DOCUMENT_MAX_BYTES``. SVG, HTML, executables and everything else are refused.
* :class:`SafeFileSystemStorage` is the default storage, so no door (form, admin, service,
  command) can store a file without :func:`sanitize`; the stored name is random, with the
  extension of the checked content.

Files are then served only by :mod:`congress.views.media`.
"""

import io
import os
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

PHOTO_NAME_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
OOXML_EXTENSIONS = {".docx", ".xlsx", ".pptx"}
OLE_EXTENSIONS = {".doc", ".xls", ".ppt", ".wps", ".et", ".dps"}
DOCUMENT_EXTENSIONS = {".pdf", ".ofd", *OOXML_EXTENSIONS, *OLE_EXTENSIONS}
IMAGE_STORED_EXTENSIONS = {".jpg", ".png"}

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _read_head(upload, size=16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def sniff_image_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return size


def check_photo(upload) -> None:
    """Refuse what is not a JPEG/PNG/WebP picture within the byte and pixel limits."""
    from PIL import Image

    max_bytes = _limit("PHOTO_MAX_BYTES", 5 * 1024 * 1024)
    size = _size_of(upload)
    if size > max_bytes:
        raise ValidationError(
            "图片过大(%(size).1f MB),请上传不超过 %(max).0f MB 的图片。",
            code="photo_too_large",
            params={"size": size / 1024 / 1024, "max": max_bytes / 1024 / 1024},
        )
    if sniff_image_type(_read_head(upload)) is None:
        raise ValidationError(
            "只能上传 JPEG、PNG 或 WebP 格式的图片,该文件不是有效的图片。", code="photo_bad_type"
        )
    ext = os.path.splitext(getattr(upload, "name", "") or "")[1].lower()
    if ext and ext not in PHOTO_NAME_EXTENSIONS:
        raise ValidationError(
            "图片的扩展名必须是 .jpg、.jpeg、.png 或 .webp,与文件内容一致。", code="photo_bad_name"
        )
    max_pixels = _limit("PHOTO_MAX_PIXELS", 40_000_000)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise ValidationError("只能上传 JPEG、PNG 或 WebP 格式的图片。", code="photo_bad_type")
            if width * height > max_pixels:
                raise ValidationError(
                    "图片像素过多(%(w)d×%(h)d),请缩小后再上传(不超过 %(max)d 万像素)。",
                    code="photo_too_many_pixels",
                    params={"w": width, "h": height, "max": max_pixels // 10_000},
                )
            image.verify()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken or hostile file
        raise ValidationError("图片文件已损坏,无法读取,请重新拍摄或选择。", code="photo_broken") from exc
    finally:
        upload.seek(0)


def reencode_photo(upload) -> tuple[ContentFile, str]:
    """A fresh JPEG (or PNG when the picture has transparency) of a checked photo."""
    from PIL import Image, ImageOps

    check_photo(upload)
    max_side = _limit("PHOTO_MAX_SIDE", 2560)
    upload.seek(0)
    with Image.open(upload) as source:
        image = ImageOps.exif_transpose(source)
        image.thumbnail((max_side, max_side))
        has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
        out = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(out, format="PNG", optimize=True)
            ext = ".png"
        else:
            image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            ext = ".jpg"
    upload.seek(0)
    return ContentFile(out.getvalue()), ext


def check_document(upload, name: str | None = None) -> str:
    """Refuse what is not an allowed document (or photo) by extension *and* content; returns the
    kind: ``"photo"`` or ``"document"``."""
    name = name or getattr(upload, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    max_bytes = _limit("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
    size = _size_of(upload)
    if size > max_bytes:
        raise ValidationError(
            "文件过大(%(size).1f MB),请上传不超过 %(max).0f MB 的文件。",
            code="document_too_large",
            params={"size": size / 1024 / 1024, "max": max_bytes / 1024 / 1024},
        )
    head = _read_head(upload, 512)
    if sniff_image_type(head):
        if ext not in PHOTO_NAME_EXTENSIONS:
            raise ValidationError("文件扩展名与内容不符,请上传原始文件。", code="document_mismatch")
        check_photo(upload)
        return "photo"
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            "不支持该文件类型,只能上传 PDF、Word、Excel、PowerPoint、WPS、OFD 文件或 JPEG/PNG/WebP 图片。",
            code="document_bad_type",
        )
    ok = False
    if ext == ".pdf":
        ok = head.startswith(b"%PDF-")
    elif ext in OLE_EXTENSIONS:
        ok = head.startswith(_OLE_MAGIC) or (ext in {".wps", ".et", ".dps"} and head.startswith(_ZIP_MAGIC))
    elif ext in OOXML_EXTENSIONS or ext == ".ofd":
        ok = head.startswith(_ZIP_MAGIC) and _zip_has(upload, "[Content_Types].xml" if ext != ".ofd" else "OFD.xml")
    if not ok:
        raise ValidationError("文件内容与扩展名不符或已损坏,请上传原始文件。", code="document_mismatch")
    return "document"


def _zip_has(upload, member: str) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def sanitize(content, name: str) -> tuple[object, str]:
    """Check ``content`` (photo or document) and return what may be stored with its extension."""
    ext = os.path.splitext(name)[1].lower()
    if check_document(content, name) == "photo":
        return reencode_photo(content)
    return content, ext


@deconstructible
class PhotoValidator:
    """A model/form field validator: only a photo within the limits (see :func:`check_photo`)."""

    def __call__(self, upload):
        check_photo(upload)

    def __eq__(self, other):
        return isinstance(other, PhotoValidator)


@deconstructible
class DocumentValidator:
    """A model/form field validator: a document or photo (see :func:`check_document`)."""

    def __call__(self, upload):
        check_document(upload)

    def __eq__(self, other):
        return isinstance(other, DocumentValidator)


document_validator = DocumentValidator()


class SafeFileSystemStorage(FileSystemStorage):
    """Default storage: random names, and nothing stored that :func:`sanitize` refuses."""

    def _save(self, name, content):
        cleaned, ext = sanitize(content, name)
        return super()._save(os.path.join(os.path.dirname(name), f"{uuid.uuid4().hex}{ext}"), cleaned)
