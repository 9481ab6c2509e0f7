"""Hypothesis fuzz of every public page's query parameters and of the public forms: no 5xx, and a
refused submission stores nothing (modest example counts to keep the suite quick)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suggestions.models import Suggestion, SuggestionPhoto
from tests.suggestions.conftest import SWorld

PUBLIC_NAMESPACES = {"public", "suggestions_public", "stations_public", "deputies_public", "sessions_public"}
# Every query parameter a view reads (grep request.GET), plus junk names.
PARAM_NAMES = ["year", "page", "export", "station", "unread", "township", "q", "next", "live",
               "format", "county", "code", "c", "quarter", "state__exact", "x"]
FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

text = st.text(st.characters(codec="utf-8"), max_size=40)
values = st.one_of(text, st.integers(-10**12, 10**12).map(str), st.sampled_from(["", "²", "%00", "NaN", "1e9", "-1", "..%2f"]))


@pytest.fixture
def w(db):
    return SWorld()


def _public_urls(w):
    from liaison_stations.models import Station

    station = Station.objects.filter(township=w.a).first()
    kwargs = {"slug": w.a.slug, "township": w.a.slug, "pk": station.pk if station else 1, "number": 1,
              "code": "ABCDEFGH"}
    urls = []

    def walk(resolver, ns=None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or ns)
            elif isinstance(entry, URLPattern) and ns in PUBLIC_NAMESPACES and entry.name:
                needed = {k: kwargs[k] for k in entry.pattern.regex.groupindex}
                urls.append(reverse(f"{ns}:{entry.name}", kwargs=needed))

    walk(get_resolver())
    return urls


@FUZZ
@given(params=st.dictionaries(st.sampled_from(PARAM_NAMES), values, max_size=4))
def test_public_pages_survive_any_query(w, client, params):
    for url in _public_urls(w):
        response = client.get(url, params)
        assert response.status_code < 500, (url, params)


submit_data = st.fixed_dictionaries({
    "kind": st.one_of(st.sampled_from(["suggestion", "opinion", "complaint"]), text),
    "title": text, "content": text, "submitter_name": text,
    "submitter_phone": st.one_of(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), text),
    "consent": st.sampled_from(["on", "", "0"]),
    "is_anonymous": st.sampled_from(["", "on"]),
    "village": st.one_of(st.just(""), st.integers(-5, 10**6).map(str), text),
    "station": st.one_of(st.just(""), st.integers(-5, 10**6).map(str), text),
})


@FUZZ
@given(data=submit_data)
def test_public_submit_never_fails_and_never_half_stores(w, client, data):
    before = Suggestion.objects.count(), SuggestionPhoto.objects.count()
    response = client.post(reverse("suggestions_public:submit", args=[w.a.slug]), data,
                           REMOTE_ADDR=f"10.1.{len(data['title']) % 250}.{len(data['content']) % 250}")
    assert response.status_code < 500
    after = Suggestion.objects.count(), SuggestionPhoto.objects.count()
    if response.status_code == 302:
        assert after[0] == before[0] + 1
    else:
        assert after == before


@FUZZ
@given(code=text, last4=text)
def test_track_never_fails(w, client, code, last4):
    response = client.post(reverse("suggestions_public:track"), {"code": code, "phone_last4": last4},
                           REMOTE_ADDR=f"10.2.{len(code) % 250}.{len(last4) % 250}")
    assert response.status_code < 500
