"""Who sees a citizen's full phone number (docs/security.md, "Privacy by role"), and that every
reveal is audited."""

import pytest
from django.urls import reverse

from congress.models import PhoneReveal
from suggestions import privacy
from tests.suggestions import factories as f
from tests.suggestions.conftest import SWorld

PHONE = "13812345678"


@pytest.fixture
def w(db):
    return SWorld()


def test_privacy_table(w):
    s = f.in_progress(w)  # claimed by deputy1, dispatched to dept (handler) with dept2 co-handling
    allowed = {"staff": w.staff, "chair": w.chair, "lead deputy": w.deputy1.user, "lead handler": w.handler}
    refused = {"other deputy of the township": w.deputy3.user, "co-handler": w.handler2,
               "county viewer": w.viewer, "other township's staff": w.staff_b, "other deputy": w.deputy_b.user}
    for who, user in allowed.items():
        assert privacy.may_see_citizen_phone(user, s), who
    for who, user in refused.items():
        assert not privacy.may_see_citizen_phone(user, s), who


def test_routed_deputy_sees_before_claim_others_do_not(w):
    s = f.submitted(w)  # routed to the district's deputies 1 and 2
    assert privacy.may_see_citizen_phone(w.deputy2.user, s)
    assert not privacy.may_see_citizen_phone(w.deputy3.user, s)


def test_handler_needs_the_citizens_consent(w):
    s = f.in_progress(w)
    type(s).objects.filter(pk=s.pk).update(channel="phone", consent_at=None)  # taken by phone, no consent
    s.refresh_from_db()
    assert not privacy.may_see_citizen_phone(w.handler, s)
    assert privacy.may_see_citizen_phone(w.staff, s)


def test_detail_page_masks_and_reveal_is_audited(w, client):
    s = f.in_progress(w)
    client.force_login(w.handler)
    page = client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    assert PHONE not in page and "138****5678" in page and "显示完整号码" in page
    response = client.post(reverse("suggestions_portal:reveal_phone", args=[s.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    reveal = PhoneReveal.objects.get()
    assert reveal.user == w.handler and reveal.subject == f"suggestion:{s.pk}"


def test_deputy_not_on_the_item_sees_masked_and_cannot_reveal(w, client):
    s = f.in_progress(w)
    client.force_login(w.deputy3.user)
    page = client.get(reverse("suggestions_portal:detail", args=[s.pk]))
    if page.status_code == 200:
        assert PHONE not in page.content.decode() and "显示完整号码" not in page.content.decode()
    assert client.post(reverse("suggestions_portal:reveal_phone", args=[s.pk])).status_code in (403, 404)
    assert not PhoneReveal.objects.exists()


def test_county_viewer_never_sees_it_admin_included(w, client):
    s = f.in_progress(w)
    client.force_login(w.viewer)
    admin_page = client.get(reverse("admin:suggestions_suggestion_change", args=[s.pk]))
    assert admin_page.status_code == 200 and PHONE not in admin_page.content.decode()
    assert client.post(reverse("suggestions_portal:reveal_phone", args=[s.pk])).status_code == 403
    assert not PhoneReveal.objects.exists()
