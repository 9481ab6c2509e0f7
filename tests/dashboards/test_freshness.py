"""Rendered dashboard sections are reused only while nothing under them has changed
(dashboards.freshness): a repeat load renders nothing, and every committed change — through a
service, a queryset update, raw SQL, or a transaction that was still running while the section
was built — shows on the next load."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress.models import User
from dashboards import freshness
from liaison_stations.models import Station
from suggestions.models import FigureCounter

from ..suggestions.conftest import SWorld
from ..suggestions.factories import replied, submitted

COUNTER_TABLE = '"suggestions_figurecounter"'


def _load(client, url):
    """(page HTML, whether the sections were built rather than reused)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    built = any(COUNTER_TABLE in q["sql"] for q in ctx.captured_queries)
    return response.content.decode(), built


def _received(html, township) -> int:
    """The 收到建议 number of ``township`` in the county table."""
    match = re.search(rf'/records/received/\?year=\d+&amp;township={township.slug}" class="figure-link">(\d+)<', html)
    return int(match.group(1)) if match else 0


@pytest.fixture
def world(transactional_db):
    return SWorld()


def test_a_repeat_load_reuses_the_sections_and_every_committed_change_shows_next(world, client):
    w = world
    replied(w)
    client.force_login(w.viewer)
    url = reverse("dashboards:county")
    html, built = _load(client, url)
    assert built and _received(html, w.a) == 1
    html, built = _load(client, url)
    assert not built and _received(html, w.a) == 1, "a repeat load with no change renders again"

    submitted(w)  # through the services
    html, built = _load(client, url)
    assert built and _received(html, w.a) == 2

    # A write that skips the services (a queryset update on a counter) is seen too.
    year = timezone.localdate().year
    FigureCounter.objects.filter(township=w.a, department_id=0, key="received", span="y",
                                 bucket__year=year).update(value=F("value") + 10)
    html, built = _load(client, url)
    assert built and _received(html, w.a) == 12

    # Raw SQL on a watched table, in the admin's own words.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE suggestions_figurecounter SET value = value - 10 WHERE township_id = %s "
                       "AND department_id = 0 AND key = 'received' AND span = 'y'", [w.a.pk])
    html, built = _load(client, url)
    assert built and _received(html, w.a) == 2

    # A login (an unwatched table) keeps the sections.
    User.objects.filter(pk=w.staff.pk).update(last_login=timezone.now())
    html, built = _load(client, url)
    assert not built and _received(html, w.a) == 2


def test_the_township_page_too(world, client):
    w = world
    client.force_login(w.viewer)
    url = reverse("dashboards:township", args=[w.a.slug])
    assert _load(client, url)[1]
    assert not _load(client, url)[1]
    submitted(w)
    html, built = _load(client, url)
    assert built
    assert re.search(r'/records/received/\?year=\d+&amp;township=' + w.a.slug + r'" class="figure-link">1<', html)


def test_a_reader_that_has_written_in_its_own_transaction_neither_reuses_nor_keeps(world):
    w = world
    calls = []

    def build():
        calls.append(1)
        return "<p>x</p>"

    assert freshness.cached_section("k", build) == "<p>x</p>"
    assert freshness.cached_section("k", build) == "<p>x</p>" and len(calls) == 1
    with transaction.atomic():
        submitted(w)  # uncommitted: a section built now could show what is rolled back
        freshness.cached_section("k", build)
        freshness.cached_section("k", build)
        assert len(calls) == 3
        transaction.set_rollback(True)
    assert caches[freshness.CACHE_ALIAS].get("k")[1] == "<p>x</p>"


@pytest.mark.postgres
def test_a_transaction_running_while_the_section_was_built_is_seen_when_it_commits(world, client):
    """PostgreSQL: the section's token is the reader's snapshot; a writer that was in progress
    then commits later with a lower transaction id than others — still seen."""
    import psycopg

    w = world
    replied(w)
    client.force_login(w.viewer)
    url = reverse("dashboards:county")
    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                            user=settings["USER"], dbname=settings["NAME"], autocommit=False)
    try:
        with other.cursor() as cursor:
            cursor.execute("UPDATE suggestions_figurecounter SET value = value + 100 WHERE township_id = %s "
                           "AND department_id = 0 AND key = 'received' AND span = 'y'", [w.a.pk])
        html, built = _load(client, url)  # built while the writer runs: it cannot see its change
        assert built and _received(html, w.a) == 1
        html, built = _load(client, url)
        assert not built and _received(html, w.a) == 1
        # A later transaction (a higher id) commits first: the section is built again, and kept.
        User.objects.filter(pk=w.viewer.pk).update(last_login=timezone.now())  # unwatched: no mark
        Station.objects.filter(township=w.a).update(name=F("name"))
        html, built = _load(client, url)
        assert built and _received(html, w.a) == 1
        assert not _load(client, url)[1]
        other.commit()  # the earlier writer commits last
        html, built = _load(client, url)
        assert built and _received(html, w.a) == 101
    finally:
        other.close()


def test_every_table_a_dashboard_reads_carries_a_mark_trigger(world, client):
    w = world
    replied(w)
    installed = freshness.installed_tables(connection)
    assert installed == set(freshness.watched_tables())
    # Read outside the sections (who is signed in and what they may do), or the marks themselves.
    outside = {"django_session", "congress_user", "otp_totp_totpdevice", "otp_static_staticdevice",
               "congress_user_groups", "congress_user_user_permissions", "auth_group", "auth_group_permissions",
               "auth_permission", "django_content_type", freshness.MARK_TABLE}
    for user, url in ((w.viewer, reverse("dashboards:county")),
                      (w.staff, reverse("dashboards:township", args=[w.a.slug]))):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        read = {t for q in ctx.captured_queries for t in re.findall(r'(?:FROM|JOIN) "([a-z0-9_]+)"', q["sql"])}
        assert read - outside <= installed, read - outside - installed


def test_the_daily_prune_deletes_only_marks_older_than_a_day(db):
    from dashboards.models import ChangeMark
    from dashboards.tasks import prune_change_marks_task

    now = timezone.now()
    ChangeMark.objects.bulk_create([
        ChangeMark(xid=10**12 + 1, marked_at=now - datetime.timedelta(days=1, minutes=1)),
        ChangeMark(xid=10**12 + 2, marked_at=now - datetime.timedelta(hours=23)),
    ])
    assert prune_change_marks_task() == 1
    assert set(ChangeMark.objects.filter(xid__gt=10**12).values_list("xid", flat=True)) == {10**12 + 2}


@pytest.mark.postgres
def test_postgresql_connections_run_without_jit(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
