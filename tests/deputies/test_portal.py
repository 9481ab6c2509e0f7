"""The deputy's portal pages: add a duty record in a few taps, own records only."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from deputies.ledgers import LEDGERS
from deputies.models import DutyKind, DutyRecord, VoterContact

from .factories import DutyRecordFactory, VoterContactFactory, jpeg_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_client(client, office):
    client.force_login(office.deputy.user)
    return client


def test_portal_home_offers_the_deputy_his_tiles(deputy_client):
    html = deputy_client.get(reverse("portal:home")).content.decode()
    assert reverse("deputies:record_add") in html and reverse("deputies:ledgers") in html


def test_quick_add_needs_only_a_kind_and_a_line(deputy_client, office, today):
    page = deputy_client.get(reverse("deputies:record_add"))
    form = page.context["form"]
    # Shown by default: kind, content, date (today), place, hours, photos; the rest by kind.
    always = [n for n, f in form.fields.items() if "data-shown-for" not in f.widget.attrs]
    assert always == ["kind", "content", "date", "place", "hours", "photos"]
    assert form["date"].value() == today
    # An <input type="date"> shows only an ISO value (the zh-hans format 2026/01/05 shows blank).
    assert f'type="date" name="date" value="{today.isoformat()}"' in page.content.decode()
    response = deputy_client.post(
        reverse("deputies:record_add"),
        {"kind": DutyKind.VOTER_CONTACT, "content": "走访5户", "date": today},
    )
    assert response.status_code == 302
    record = DutyRecord.objects.get()
    assert (record.deputy, record.date, record.hours, record.created_by) == (
        office.deputy,
        today,
        0,
        office.deputy.user,
    )


def test_quick_add_with_photo(deputy_client, office, today, media_root):
    response = deputy_client.post(
        reverse("deputies:record_add"),
        {
            "kind": DutyKind.RECEPTION,
            "content": "接待选民",
            "date": today,
            "photos": [jpeg_upload(), jpeg_upload("b.jpg")],
        },
    )
    assert response.status_code == 302
    assert DutyRecord.objects.get().photos.count() == 2


def test_quick_add_refuses_a_file_that_is_not_a_photo(deputy_client, today, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = deputy_client.post(
        reverse("deputies:record_add"),
        {"kind": DutyKind.TRAINING, "content": "培训", "date": today, "photos": [bad]},
    )
    assert response.status_code == 200
    assert "只能上传 JPEG、PNG 或 WebP" in response.content.decode()
    assert not DutyRecord.objects.exists()


def test_future_date_is_refused(deputy_client, today):
    import datetime

    response = deputy_client.post(
        reverse("deputies:record_add"),
        {"kind": DutyKind.TRAINING, "content": "培训", "date": today + datetime.timedelta(days=2)},
    )
    assert "日期不能晚于今天" in response.content.decode()


def test_deputy_sees_only_his_records_and_summary(deputy_client, office, today):
    DutyRecordFactory(deputy=office.deputy, content="我的记录", date=today)
    DutyRecordFactory(deputy=office.other_deputy, content="别人的记录", date=today)
    html = deputy_client.get(reverse("deputies:records")).content.decode()
    assert "我的记录" in html and "别人的记录" not in html
    assert 'data-testid="rank">1<' in html


def test_deputy_cannot_edit_or_delete_another_deputys_record(deputy_client, office, today):
    other = DutyRecordFactory(deputy=office.other_deputy, content="原内容", date=today)
    assert deputy_client.get(reverse("deputies:record_edit", args=[other.pk])).status_code == 404
    response = deputy_client.post(
        reverse("deputies:record_edit", args=[other.pk]),
        {"kind": DutyKind.TRAINING, "content": "篡改", "date": today},
    )
    assert response.status_code == 404
    assert deputy_client.post(reverse("deputies:record_delete", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.content == "原内容"


def test_deputy_edits_and_deletes_his_own_record(deputy_client, office, today):
    own = DutyRecordFactory(deputy=office.deputy, content="原内容", date=today)
    response = deputy_client.post(
        reverse("deputies:record_edit", args=[own.pk]),
        {"kind": DutyKind.TRAINING, "content": "改后", "date": today, "hours": "1.5"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.content, own.kind, str(own.hours)) == ("改后", DutyKind.TRAINING, "1.5")
    deputy_client.post(reverse("deputies:record_delete", args=[own.pk]))
    assert not DutyRecord.objects.filter(pk=own.pk).exists()


def test_record_from_another_module_is_not_editable_by_the_deputy(deputy_client, office, today):
    sourced = DutyRecordFactory(deputy=office.deputy, source_key="station_activity:3", date=today)
    assert deputy_client.get(reverse("deputies:record_edit", args=[sourced.pk])).status_code == 404


@pytest.mark.parametrize("who", ["staff", "station_admin", "viewer"])
def test_portal_pages_are_for_deputies_with_a_roster_entry(client, office, who):
    client.force_login(getattr(office, who))
    assert client.get(reverse("deputies:records")).status_code == 403
    assert client.get(reverse("deputies:record_add")).status_code == 403


def test_anonymous_is_sent_to_login(client, office):
    response = client.get(reverse("deputies:records"))
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


def test_voter_register(deputy_client, office):
    response = deputy_client.post(reverse("deputies:voters"), {"name": "张某", "phone": "1380000"})
    assert "请输入正确的11位手机号码" in response.content.decode()
    deputy_client.post(
        reverse("deputies:voters"),
        {"name": "张某", "phone": "13800005555", "village": office.districts[0].villages.get().pk},
    )
    contact = VoterContact.objects.get()
    assert contact.deputy == office.deputy
    others = VoterContactFactory(deputy=office.other_deputy)
    html = deputy_client.get(reverse("deputies:voters")).content.decode()
    assert "张某" in html and others.name not in html
    assert deputy_client.post(reverse("deputies:voter_delete", args=[others.pk])).status_code == 404
    deputy_client.post(reverse("deputies:voter_delete", args=[contact.pk]))
    assert list(VoterContact.objects.all()) == [others]


def test_profile_shows_the_deputy_his_own_phone(deputy_client, office):
    html = deputy_client.get(reverse("deputies:profile")).content.decode()
    assert office.deputy.phone in html


@pytest.mark.parametrize("ledger", [ledger.key for ledger in LEDGERS] + ["all"])
def test_every_ledger_downloads_as_xlsx_and_docx(deputy_client, office, today, ledger):
    DutyRecordFactory(
        deputy=office.deputy, kind=DutyKind.PRACTICAL_DEED, content="修复水渠", date=today
    )
    xlsx = deputy_client.get(
        reverse("deputies:ledger_download", args=[ledger, "xlsx"]), {"year": today.year}
    )
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert office.deputy.name in workbook.worksheets[0]["A2"].value
    docx = deputy_client.get(
        reverse("deputies:ledger_download", args=[ledger, "docx"]), {"year": today.year}
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert office.deputy.name in text


def test_unknown_ledger_is_404(deputy_client):
    assert (
        deputy_client.get(reverse("deputies:ledger_download", args=["nope", "xlsx"])).status_code
        == 404
    )
    assert (
        deputy_client.get(reverse("deputies:ledger_download", args=["summary", "pdf"])).status_code
        == 404
    )


def test_portal_pages_render_for_a_phone(deputy_client):
    for name in ("records", "record_add", "voters", "ledgers", "profile"):
        html = deputy_client.get(reverse(f"deputies:{name}")).content.decode()
        assert 'name="viewport"' in html
        assert re.search(r"<h1", html)
