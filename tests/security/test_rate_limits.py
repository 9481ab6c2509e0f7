"""Rate limits: atomic counters, the client address behind trusted proxies, /track/ per address
and per code."""

import threading

import pytest
from django.db import connections
from django.test import RequestFactory
from django.urls import reverse

from congress import ratelimit
from tests.suggestions import factories as f
from tests.suggestions.conftest import SWorld


def _request(remote="10.0.0.9", forwarded=None):
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_client_ip_without_proxies_ignores_forwarded_for(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.9"


def test_client_ip_behind_one_proxy_ignores_what_the_client_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "6.6.6.6"; nginx appended the address it really saw.
    assert ratelimit.client_ip(_request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert ratelimit.client_ip(_request(forwarded="garbage")) == "10.0.0.9"
    assert ratelimit.client_ip(_request()) == "10.0.0.9"


def test_axes_uses_the_same_client_ip(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    from axes.helpers import get_client_ip_address

    assert get_client_ip_address(_request(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


@pytest.mark.django_db
def test_hit_counts_within_the_window():
    results = [ratelimit.hit("t", "k", limit=3, window=3600) for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert not ratelimit.hit("t", "other", limit=3, window=3600)
    assert ratelimit.peek("t", "k", limit=3, window=3600)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_hits_let_exactly_the_limit_through():
    results, barrier = [], threading.Barrier(20)

    def attempt():
        try:
            barrier.wait()
            results.append(ratelimit.hit("parallel", "1.2.3.4", limit=5, window=3600))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(False) == 5 and results.count(True) == 15


@pytest.fixture
def w(db):
    return SWorld()


def test_track_locks_a_code_after_wrong_digits(w, client, settings):
    settings.TRACK_WRONG_DIGITS_PER_CODE = 3
    s = f.submitted(w)
    url = reverse("suggestions_public:track")
    for _ in range(3):
        assert client.post(url, {"code": s.code, "phone_last4": "0000"}).status_code == 400
    locked = client.post(url, {"code": s.code, "phone_last4": "5678"})  # right digits, too late
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    other = f.submitted(w, submitter_phone="13912345678")
    assert client.post(url, {"code": other.code, "phone_last4": "5678"}).status_code == 302


def test_track_limited_per_address(w, client, settings):
    settings.TRACK_RATE_PER_IP = 4
    url = reverse("suggestions_public:track")
    statuses = [client.post(url, {"code": f"X{i:07d}", "phone_last4": "0000"}).status_code for i in range(6)]
    assert statuses[:4] == [400] * 4 and statuses[4:] == [429, 429]
    elsewhere = client.post(url, {"code": "X0000009", "phone_last4": "0000"}, REMOTE_ADDR="10.9.9.9")
    assert elsewhere.status_code == 400
