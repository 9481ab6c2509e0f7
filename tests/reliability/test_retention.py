"""Retention: after the township's number of years from closing, the submitter's name, phone,
IP and photos go; the record and the figures stay. Dry run first."""

import datetime
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from suggestions import services
from suggestions.models import Suggestion, SuggestionEvent, SuggestionPhoto
from suggestions.retention import retention_apply, retention_report
from tests.suggestions import factories as f
from tests.suggestions.conftest import SWorld

pytestmark = pytest.mark.django_db


def _jpeg():
    """A real picture: the storage re-encodes photos and refuses anything else."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="JPEG")
    return ContentFile(out.getvalue(), name="p.jpg")


@pytest.fixture
def w(db):
    return SWorld()


def _ended(w, years_ago: float, **kwargs):
    s = f.presented(w, **kwargs)
    Suggestion.objects.filter(pk=s.pk).update(submitter_ip="10.1.2.3")  # as the public view stores it
    s = services.suggestion_reject(actor=w.staff, suggestion=s, reason="属于信访渠道")
    when = timezone.now() - datetime.timedelta(days=365.25 * years_ago)
    SuggestionEvent.objects.filter(suggestion=s).update(created_at=when)
    return s


def test_dry_run_then_apply_removes_personal_data_and_keeps_the_record(w, media_root):
    old = _ended(w, 6)
    SuggestionPhoto.objects.create(suggestion=old, image=_jpeg())
    recent = _ended(w, 2)
    open_item = f.submitted(w)
    Suggestion.objects.filter(pk=open_item.pk).update(submitter_ip="10.1.2.4")
    before = {s.pk: (s.state, s.title, s.content, s.original_title, s.rejection_reason)
              for s in Suggestion.objects.all()}
    events = SuggestionEvent.objects.count()

    out = io.StringIO()
    call_command("retention", stdout=out)
    text = out.getvalue()
    assert "甲镇(保存 5 年):建议 1 件,姓名 1 个,手机号 1 个,IP 1 个,照片 1 张" in text and "试运行" in text
    old.refresh_from_db()
    assert old.submitter_name == "张三" and SuggestionPhoto.objects.count() == 1  # nothing changed yet

    call_command("retention", "--apply", stdout=io.StringIO())
    old.refresh_from_db()
    assert (old.submitter_name, old.submitter_phone, old.submitter_ip) == ("", "", None)
    assert not SuggestionPhoto.objects.filter(suggestion=old).exists()
    for s in (recent, open_item):
        s.refresh_from_db()
        assert s.submitter_name == "张三" and s.submitter_phone == "13812345678" and s.submitter_ip
    after = {s.pk: (s.state, s.title, s.content, s.original_title, s.rejection_reason)
             for s in Suggestion.objects.all()}
    assert after == before and SuggestionEvent.objects.count() == events
    assert retention_report() == [] and retention_apply() == {"suggestions": 0, "photos": 0}


def test_the_township_setting_decides(w):
    old = _ended(w, 3)
    assert retention_report() == []
    w.a.personal_data_retention_years = 2
    w.a.save(update_fields=["personal_data_retention_years"])
    assert [r["suggestions"] for r in retention_report()] == [1]
    assert retention_apply()["suggestions"] == 1
    old.refresh_from_db()
    assert old.submitter_phone == ""


def test_photo_files_are_deleted_after_commit(w, media_root, django_capture_on_commit_callbacks):
    old = _ended(w, 6)
    photo = SuggestionPhoto.objects.create(suggestion=old, image=_jpeg())
    path = photo.image.path
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply()
    assert not os.path.exists(path)
