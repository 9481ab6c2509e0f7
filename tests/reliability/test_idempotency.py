"""One-time form tokens: every rendered form carries one; a replay or a double tap creates one
row and answers with the first result."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from congress.models import IdempotencyKey
from suggestions.models import ProgressNote, Suggestion
from tests.suggestions import factories as f
from tests.suggestions.conftest import SWorld


def token_in(html: str) -> str:
    found = re.findall(r'name="_once" value="([0-9a-f]{32})"', html)
    assert found, "the form carries no one-time token"
    return found[0]


def submit_data(token, **extra):
    data = {"kind": "suggestion", "title": "村口路灯坏了", "content": "三个月没亮", "submitter_name": "王五",
            "submitter_phone": "13812345678", "consent": "on", "_once": token}
    data.update(extra)
    return data


@pytest.fixture
def w(db):
    return SWorld()


@pytest.mark.django_db
def test_every_form_gets_a_fresh_token(w, client):
    url = reverse("suggestions_public:submit", args=["jia"])
    first, second = token_in(client.get(url).content.decode()), token_in(client.get(url).content.decode())
    assert first != second
    # The admin's forms too (the tag replaces {% csrf_token %} everywhere).
    assert token_in(client.get("/admin/login/").content.decode())


@pytest.mark.django_db
def test_a_replayed_submission_creates_one_suggestion_and_shows_the_same_result(w, client):
    url = reverse("suggestions_public:submit", args=["jia"])
    token = token_in(client.get(url).content.decode())
    first = client.post(url, submit_data(token, village=w.village.pk))
    again = client.post(url, submit_data(token, village=w.village.pk))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Suggestion.objects.count() == 1
    # A new form (new token) submits a new item.
    fresh = token_in(client.get(url).content.decode())
    client.post(url, submit_data(fresh, village=w.village.pk))
    assert Suggestion.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_post_is_replayed_with_the_same_errors_and_a_corrected_form_goes_through(w, client):
    url = reverse("suggestions_public:submit", args=["jia"])
    token = token_in(client.get(url).content.decode())
    bad = submit_data(token)
    del bad["consent"]
    first = client.post(url, bad)
    again = client.post(url, bad)
    assert first.status_code == again.status_code == 400
    assert first.content == again.content and "请阅读并同意隐私声明" in again.content.decode()
    corrected = token_in(first.content.decode())
    assert corrected != token
    assert client.post(url, submit_data(corrected)).status_code == 302
    assert Suggestion.objects.count() == 1


@pytest.mark.django_db
def test_posts_without_a_token_are_untouched(w, client):
    url = reverse("suggestions_public:submit", args=["jia"])
    data = submit_data("")
    del data["_once"]
    client.post(url, data)
    client.post(url, data)
    assert Suggestion.objects.count() == 2 and not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_a_token_is_bound_to_its_browser(w, client):
    url = reverse("suggestions_public:submit", args=["jia"])
    # Another browser (another CSRF cookie) posting the same token does not get this result.
    token = token_in(client.get(url).content.decode())
    client.post(url, submit_data(token))
    other = Client()
    other.get(url)
    other.post(url, submit_data(token))
    assert Suggestion.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_of_one_progress_note_make_one_note_on_postgresql():
    w = SWorld()
    s = f.in_progress(w)
    page = Client()
    page.force_login(w.handler)
    html = page.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    token = token_in(html)
    url = reverse("suggestions_portal:act", args=[s.pk, "note"])
    barrier = threading.Barrier(20)
    statuses = []

    def tap():
        client = Client()
        client.force_login(w.handler)
        try:
            barrier.wait()
            response = client.post(url, {"text": "已现场勘查,本周内维修。", "_once": token})
            statuses.append((response.status_code, response.get("Location")))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert ProgressNote.objects.filter(suggestion=s).count() == 1
    assert len(statuses) == 20 and set(statuses) == {(302, f"/portal/suggestions/{s.pk}/")}
