"""The upload corpus: what a hostile or careless user might send, through the storage every file
field uses, the public submission form and the media view."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from congress import uploads
from suggestions.models import ReplyAttachment, SuggestionPhoto
from tests.suggestions.conftest import SWorld
from tests.suggestions.factories import in_progress, submitted


def png_bytes(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red").save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps_and_rotation() -> bytes:
    image = Image.new("RGB", (60, 20), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° when shown
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def pixel_bomb() -> bytes:
    """A few KB of PNG that declares 160 megapixels (header rewritten, CRC fixed)."""
    import struct
    import zlib

    data = bytearray(png_bytes((1, 1)))
    ihdr = struct.pack(">II", 16000, 10000) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


POLYGLOT = png_bytes() + b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03" + b"\x00" * 100
HTML = b"<!doctype html><script>alert(1)</script>"

REFUSED = [
    ("x.svg", SVG),
    ("x.html", HTML),
    ("x.exe", EXE),
    ("x.html", POLYGLOT),  # a picture named as a web page: extension does not match content
    ("bomb.png", pixel_bomb()),
    ("fake.pdf", HTML),
    ("fake.docx", b"PK\x03\x04not a zip"),
    ("x.gif", b"GIF89a" + b"\x00" * 20),
]


@pytest.mark.parametrize("name, content", REFUSED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(REFUSED)])
def test_storage_refuses_hostile_files(name, content, media_root):
    with pytest.raises(ValidationError):
        uploads.SafeFileSystemStorage(location=media_root).save(f"t/{name}", ContentFile(content))
    assert not list(media_root.rglob("*.*")) if media_root.exists() else True


def test_photo_is_reencoded_without_exif_rotated_and_renamed(media_root):
    storage = uploads.SafeFileSystemStorage(location=media_root)
    name = storage.save("t/holiday.JPG", ContentFile(jpeg_with_gps_and_rotation()))
    assert name.startswith("t/") and "holiday" not in name and name.endswith(".jpg")
    with Image.open(media_root / name) as stored:
        assert stored.size == (20, 60)  # orientation applied
        assert not stored.getexif()  # EXIF and GPS gone


def test_polyglot_png_keeps_only_the_picture(media_root):
    storage = uploads.SafeFileSystemStorage(location=media_root)
    name = storage.save("t/x.png", ContentFile(POLYGLOT))
    stored = (media_root / name).read_bytes()
    assert b"<script" not in stored and b"<html" not in stored


def test_large_photo_is_resized(media_root, settings):
    settings.PHOTO_MAX_SIDE = 100
    storage = uploads.SafeFileSystemStorage(location=media_root)
    name = storage.save("t/big.png", ContentFile(png_bytes((400, 300))))
    with Image.open(media_root / name) as stored:
        assert max(stored.size) == 100


def test_documents_keep_their_bytes(media_root):
    storage = uploads.SafeFileSystemStorage(location=media_root)
    pdf = b"%PDF-1.4\n%test\n"
    assert (media_root / storage.save("d/reply.pdf", ContentFile(pdf))).read_bytes() == pdf
    assert storage.save("d/reply.docx", ContentFile(docx_bytes())).endswith(".docx")


@pytest.fixture
def w(db):
    return SWorld()


def test_public_form_refuses_polyglot_and_bomb_with_a_message(w, client, media_root):
    for name, content in (("x.html", POLYGLOT), ("bomb.png", pixel_bomb()), ("x.svg", SVG)):
        response = client.post(
            reverse("suggestions_public:submit", args=[w.a.slug]),
            {"kind": "suggestion", "title": "路灯", "content": "坏了", "submitter_name": "张三",
             "submitter_phone": "13812345678", "consent": "on",
             "photos": SimpleUploadedFile(name, content)},
        )
        assert response.status_code == 400, name
        assert "图片" in response.content.decode()
    assert not SuggestionPhoto.objects.exists()


def _photo_suggestion(w):
    return submitted(w, photos=[SimpleUploadedFile("p.png", png_bytes())])


def test_media_view_checks_the_record_permission(w, client, media_root):
    suggestion = _photo_suggestion(w)
    photo = suggestion.photos.get()
    url = photo.image.url
    assert url.startswith("/media/") and url.endswith(".jpg")  # re-encoded: no transparency
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(w.staff_b)
    assert client.get(url).status_code == 404  # other township
    client.force_login(w.staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get("/media/suggestions/photos/nothing.png").status_code == 404


def test_attachment_downloads_and_x_accel_redirect(w, client, media_root, settings):
    from suggestions import services

    suggestion = in_progress(w)
    services.suggestion_reply(
        actor=w.handler, suggestion=suggestion, reply_class="A", text="已办理。",
        attachments=[SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n%x\n")],
    )
    attachment = ReplyAttachment.objects.get()
    client.force_login(w.staff)
    response = client.get(attachment.file.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    settings.MEDIA_X_ACCEL_REDIRECT = "/protected-media/"
    response = client.get(attachment.file.url)
    assert response["X-Accel-Redirect"] == "/protected-media/" + attachment.file.name
    assert response.content == b""
