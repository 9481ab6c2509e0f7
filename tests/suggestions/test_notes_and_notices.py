"""Internal notes stay internal; acting on an item reads its notices; notice titles read well."""

from pathlib import Path

import pytest
from django.urls import reverse

from congress.models import Notification
from suggestions import services
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db

NOTE = "请与供电所协调,费用由镇里先行垫付"


def test_dispatch_note_is_internal_only(w, client):
    s = f.presented(w)
    services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept, note=NOTE)
    event = s.events.get(action="dispatch")
    assert event.is_public and NOTE not in event.note and event.internal_note == NOTE
    assert not s.events.filter(is_public=True, note__contains=NOTE).exists()
    track = Path("suggestions/templates/suggestions/public/track.html").read_text()
    assert "internal_note" not in track
    client.force_login(w.handler)
    assert NOTE in client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()


def test_acting_marks_the_actors_notices_about_it_read(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = f.submitted(w)
        other = f.submitted(w, title="另一件")
    mine = Notification.objects.filter(recipient=w.deputy1.user)
    assert mine.filter(read_at__isnull=True).count() == 2
    services.suggestion_claim(actor=w.deputy1.user, suggestion=s)
    unread = mine.filter(read_at__isnull=True)
    assert list(unread.values_list("url", flat=True)) == [other.get_absolute_url()]
    # Someone else's notices about the same item are left alone.
    assert Notification.objects.filter(recipient=w.deputy2.user, url=s.get_absolute_url(), read_at__isnull=True).exists()


def test_notice_titles_do_not_start_with_new(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = f.dispatched(w)
    titles = list(Notification.objects.values_list("title", flat=True))
    assert titles and not [t for t in titles if t.startswith("新")]
    assert Notification.objects.filter(recipient=w.deputy1.user, title=f"群众点单待接单:{'路灯坏了'}").exists()
    assert Notification.objects.filter(recipient=w.handler, title=f"交办建议待签收:{s.title}").exists()
