"""The four printable documents open in LibreOffice (the office suite townships use besides Word)
with the right names and dates: each docx is converted by ``soffice --headless`` to PDF and to
plain text, and the text LibreOffice read is checked. Skips without LibreOffice, fails under
``REQUIRE_SERVICES=1`` (CI installs ``libreoffice-writer-nogui``)."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from suggestions import services

from .factories import dispatched, submitted

BINARY = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture
def soffice(tmp_path):
    if BINARY is None:
        from tests.conftest import _missing

        _missing("LibreOffice is not installed")
    profile = tmp_path / "profile"  # a private profile: parallel runs do not share a lock

    def convert(documents: dict[str, bytes], target: str) -> dict[str, bytes]:
        """Convert every document in one LibreOffice start (each start costs seconds)."""
        sources = []
        for name, content in documents.items():
            sources.append(tmp_path / f"{name}.docx")
            sources[-1].write_bytes(content)
        subprocess.run(
            [BINARY, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
             "--outdir", str(tmp_path), *map(str, sources)],
            check=True, timeout=180, capture_output=True,
        )
        return {name: (tmp_path / f"{name}.{target.split(':')[0]}").read_bytes() for name in documents}

    return convert


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _doc(client, s, kind) -> bytes:
    response = client.get(reverse("suggestions_portal:document", args=[s.pk, kind]))
    assert response.status_code == 200, response.content[:300]
    return response.content


def test_the_four_documents_open_in_libreoffice_with_names_and_dates(client, w, soffice):
    today = _cn(timezone.localdate())
    s = dispatched(w)
    client.force_login(w.staff)
    dispatch = _doc(client, s, "dispatch")
    client.force_login(w.chair)
    supervision = _doc(client, s, "supervision")
    services.suggestion_sign(actor=w.handler, suggestion=s)
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已更换灯具,恢复照明。")
    client.force_login(w.deputy1.user)
    reply = _doc(client, s, "reply")

    citizen = submitted(w)
    public = client.__class__()
    public.post(reverse("suggestions_public:track"), {"code": citizen.code, "phone_last4": "5678"})
    receipt = public.get(reverse("suggestions_public:receipt"))
    assert receipt.status_code == 200

    expected = {
        "dispatch": (dispatch, ["代表建议交办单", s.code, "社会事务办", w.deputy1.name, today, _cn(s.deadline)]),
        "supervision": (supervision, ["关于督促办理代表建议的函", "社会事务办", s.code, _cn(s.deadline),
                                      "甲镇人民代表大会主席团"]),
        "reply": (reply, [f"{w.deputy1.name}代表", "已更换灯具", "A类", "社会事务办", today]),
        "receipt": (receipt.content, ["群众意见建议受理回执", citizen.code, "张三", "138****5678", today]),
    }
    documents = {name: content for name, (content, _) in expected.items()}
    for name, pdf in soffice(documents, "pdf").items():
        assert pdf.startswith(b"%PDF"), name
    for name, text in soffice(documents, "txt:Text (encoded):UTF8").items():
        text = text.decode("utf-8-sig")
        for word in expected[name][1]:
            assert word in text, (name, word)
