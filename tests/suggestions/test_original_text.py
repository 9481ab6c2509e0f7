"""The citizen's own words are kept as submitted; refinements and corrections are versions."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from suggestions import services
from suggestions.models import Suggestion, SuggestionRevision
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db

TITLE = "路灯坏了  "
CONTENT = "上坪村村口路灯坏了三个月,\r\n晚上看不见路😟"


def _original(s):
    return Suggestion.objects.values_list("original_title", "original_content", "submitter_name",
                                          "submitter_phone").get(pk=s.pk)


def test_original_is_byte_identical_after_refine_and_staff_edit(w, client):
    s = f.submitted(w, title=TITLE, content=CONTENT)
    kept = _original(s)
    assert kept == (TITLE.strip(), CONTENT.strip(), "张三", "13812345678")
    photos = list(s.photos.values_list("image", flat=True))
    s = services.suggestion_claim(actor=w.deputy1.user, suggestion=s)
    s = services.suggestion_present(actor=w.deputy1.user, suggestion=s, title="修复上坪村路灯", content="建议尽快修复")
    services.suggestion_revise(actor=w.staff, suggestion=s, title="修复上坪村村口路灯", note="标题更准确")
    w.staff.is_staff = True
    w.staff.save()
    client.force_login(w.staff)
    client.post(reverse("admin:suggestions_suggestion_act", args=[s.pk, "revise"]),
                {"seen_state": "presented", "title": "修复路灯(再次更正)", "content": "建议尽快修复路灯"})
    assert _original(s) == kept
    assert list(s.photos.values_list("image", flat=True)) == photos
    s.refresh_from_db()
    assert (s.title, s.content) == ("修复路灯(再次更正)", "建议尽快修复路灯")
    versions = list(s.revisions.values_list("kind", "title", "author"))
    assert versions == [
        (SuggestionRevision.Kind.REFINE, "修复上坪村路灯", w.deputy1.user.pk),
        (SuggestionRevision.Kind.CORRECT, "修复上坪村村口路灯", w.staff.pk),
        (SuggestionRevision.Kind.CORRECT, "修复路灯(再次更正)", w.staff.pk),
    ]
    assert s.events.filter(action="revise", is_public=False).count() == 2


def test_original_shown_beside_the_version_everywhere(w, client):
    s = f.dispatched(w, title="路灯坏了", content="上坪村村口路灯坏了三个月")
    for user in (w.staff, w.handler, w.deputy1.user):
        client.force_login(user)
        page = client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
        assert "群众原文" in page and "上坪村村口路灯坏了三个月" in page and "建议尽快修复" in page, user
    w.staff.is_staff = True
    w.staff.save()
    client.force_login(w.staff)
    page = client.get(reverse("admin:suggestions_suggestion_change", args=[s.pk])).content.decode()
    assert "群众原文" in page and "上坪村村口路灯坏了三个月" in page and "代表完善" in page


def test_unchanged_text_makes_no_version_and_revise_needs_staff(w):
    from django.core.exceptions import PermissionDenied

    s = f.claimed(w)
    s = services.suggestion_present(actor=w.deputy1.user, suggestion=s, title=s.title, content=s.content)
    assert not s.revisions.exists() and not s.is_revised
    with pytest.raises(PermissionDenied):
        services.suggestion_revise(actor=w.handler, suggestion=s, title="改标题")


def test_data_migration_keeps_existing_text_as_original(w):
    s = f.submitted(w)
    Suggestion.objects.filter(pk=s.pk).update(original_title="", original_content="")
    migration = importlib.import_module("suggestions.migrations.0005_keep_original_text")
    migration.copy_original(apps, None)
    s.refresh_from_db()
    assert (s.original_title, s.original_content) == (s.title, s.content)
