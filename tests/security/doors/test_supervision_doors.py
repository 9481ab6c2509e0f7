"""催办 and 督办 through both doors (portal and admin), POSTed by every demo account of both
townships, the county viewer and anonymous: only the township's office may chase; only the
supervising leader (in the demo, the chair) or the chair may issue a 督办函 on a key suggestion.
Anyone else is refused (302 to log in / 403 / 404, or the door's refusal message) and nothing is
written: no timeline row, no notice."""

import pytest
from django.db import transaction
from django.urls import reverse

from congress.models import Notification
from suggestions import services
from suggestions.models import EventKind, State, Suggestion, SuggestionEvent

from .helpers import TOWNSHIP_ROLES, TOWNSHIPS, user

pytestmark = pytest.mark.django_db

ALLOWED = {
    "chase": {"chair", "vicechair", "staff"},
    "supervise": {"chair"},  # the demo's key suggestions are supervised by the chair
}


def _key_in_handling(township):
    found = Suggestion.objects.filter(township=township, is_key=True,
                                      state__in=[State.DISPATCHED, State.IN_PROGRESS]).first()
    if found is not None:
        return found
    s = Suggestion.objects.filter(township=township, state=State.PRESENTED).first()
    chair = user(f"{township.slug}_chair")
    department = township.departments.filter(is_active=True).first()
    return services.suggestion_dispatch(actor=user(f"{township.slug}_staff"), suggestion=s,
                                        lead_department=department, is_key=True, supervisor=chair)


def _accounts(own):
    other = next(t for t in TOWNSHIPS if t != own)
    yield from ((f"{own}_{role}", role) for role in TOWNSHIP_ROLES)
    yield from ((f"{other}_{role}", None) for role in TOWNSHIP_ROLES)
    yield "county_viewer", None
    yield None, None


@pytest.mark.parametrize("own", TOWNSHIPS)
@pytest.mark.parametrize("action", ["chase", "supervise"])
def test_only_the_right_people_chase_and_supervise(demo, client, own, action):
    from congress.models import Township

    township = Township.objects.get(slug=own)
    s = _key_in_handling(township)
    assert s.supervisor == user(f"{own}_chair")
    doors = [reverse("suggestions_portal:act", args=[s.pk, action]),
             reverse("admin:suggestions_suggestion_act", args=[s.pk, action])]
    failures = []
    for username, role in _accounts(own):
        for url in doors:
            with transaction.atomic():
                if username is None:
                    client.logout()
                else:
                    client.force_login(user(username))
                events = SuggestionEvent.objects.filter(suggestion=s, action=action).count()
                notices = Notification.objects.count()
                response = client.post(url, {"seen_state": s.state, "message": "请加快", "note": "请加快"})
                wrote = SuggestionEvent.objects.filter(suggestion=s, action=action).count() - events
                told = Notification.objects.count() - notices
                label = f"{username} POST {url}: {response.status_code}"
                if response.status_code >= 500:
                    failures.append(label)
                allowed = role in ALLOWED[action] and ("/admin/" not in url or user(username).is_staff)
                if allowed and not (wrote == 1 and told >= 1):
                    failures.append(f"{label}: should have {action}d (events +{wrote}, notices +{told})")
                if not allowed and (wrote or told):
                    failures.append(f"{label}: refused account wrote {wrote} events, {told} notices")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)
    assert EventKind.CHASE in EventKind.values and EventKind.SUPERVISE in EventKind.values
