"""Long staff lists: counts without a scan (estimate on PostgreSQL, exact on SQLite), per-row
counts without a GROUP BY over the list, and indexes that match each list's order and search."""

import pytest
from django.db import connection
from django.db.models import Count, F

from congress.pagination import EstimatedCountPaginator, planner_estimate, related_count
from deputies.models import DutyPhoto, DutyRecord
from suggestions.models import Suggestion
from tests.deputies.factories import DutyRecordFactory
from tests.factories import DeputyFactory, TownshipFactory

pytestmark = pytest.mark.django_db


def test_related_count_equals_an_aggregate_count():
    deputy = DeputyFactory(township=TownshipFactory())
    with_photos, without = DutyRecordFactory(deputy=deputy), DutyRecordFactory(deputy=deputy)
    for _ in range(3):
        DutyPhoto.objects.create(record=with_photos, image="x.jpg")
    counted = dict(DutyRecord.objects.annotate(n=related_count(DutyPhoto, "record")).values_list("pk", "n"))
    expected = dict(DutyRecord.objects.annotate(n=Count("photos")).values_list("pk", "n"))
    assert counted == expected == {with_photos.pk: 3, without.pk: 0}
    sql = str(DutyRecord.objects.annotate(n=related_count(DutyPhoto, "record")).query)
    assert "GROUP BY" not in sql.rsplit(' AS "n" FROM ', 1)[1]  # none on the outer list


def test_paginator_counts_exactly_below_the_threshold_and_on_sqlite():
    deputy = DeputyFactory(township=TownshipFactory())
    for _ in range(3):
        DutyRecordFactory(deputy=deputy)
    paginator = EstimatedCountPaginator(DutyRecord.objects.order_by("-date", "-id"), 2)
    assert paginator.count == 3 and paginator.num_pages == 2
    assert list(paginator.page(2).object_list) == list(DutyRecord.objects.order_by("-date", "-id")[2:])


@pytest.mark.postgres
def test_paginator_takes_the_planner_estimate_above_the_threshold(monkeypatch):
    deputy = DeputyFactory(township=TownshipFactory())
    for _ in range(3):
        DutyRecordFactory(deputy=deputy)
    qs = DutyRecord.objects.order_by("-date", "-id")
    estimate = planner_estimate(qs)
    assert isinstance(estimate, int) and estimate >= 1
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_ABOVE", 1)
    assert EstimatedCountPaginator(qs, 2).count == estimate


def _admin_ordered(**filters):
    """The suggestion admin's list query: its ordering, then the primary key as the admin adds."""
    from django.contrib import admin

    ordering = admin.site._registry[Suggestion].get_ordering(None)
    return Suggestion.objects.filter(**filters).order_by(*ordering, "-pk")[:50]


def _plan(qs) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask which index serves
        cursor.execute("SET LOCAL enable_sort = off")
    return qs.explain()


@pytest.mark.postgres
@pytest.mark.parametrize(("qs", "index"), [
    (lambda: _admin_ordered(), "suggestion_admin_order"),
    (lambda: _admin_ordered(township_id=1), "suggestion_tsp_admin_order"),
    (lambda: Suggestion.objects.filter(township_id=1).order_by(F("due_date").asc(nulls_last=True),
                                                           "-submitted_at")[:50],
     "suggestion_township_queue"),
    (lambda: Suggestion.objects.order_by("-submitted_at", "-id")[:50], "suggestion_recent"),
    (lambda: DutyRecord.objects.order_by("-date", "-id")[:50], "duty_record_recent"),
    (lambda: Suggestion.objects.filter(title__icontains="道路维修").order_by()[:50], "suggestion_title_trgm"),
    (lambda: Suggestion.objects.filter(content__icontains="自来水管").order_by()[:50], "suggestion_content_trgm"),
    (lambda: Suggestion.objects.filter(original_title__icontains="路灯").order_by()[:50],
     "suggestion_original_title_trgm"),
])
def test_list_orders_and_searches_have_an_index(qs, index):
    assert index in _plan(qs())


@pytest.mark.postgres
def test_every_admin_search_field_of_suggestions_has_a_trigram_index():
    from django.contrib import admin

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'suggestions_suggestion'")
        definitions = " ".join(row[0] for row in cursor.fetchall())
    for field in admin.site._registry[Suggestion].search_fields:
        assert f"upper(({field})::text) gin_trgm_ops" in definitions or (
            f"upper({field}) gin_trgm_ops" in definitions), field


def test_admin_lists_do_not_count_the_whole_table_twice(admin_client):
    from django.contrib import admin

    from suggestions.admin import SuggestionAdmin

    model_admin = admin.site._registry[Suggestion]
    assert isinstance(model_admin, SuggestionAdmin)
    assert model_admin.show_full_result_count is False
    assert model_admin.paginator is EstimatedCountPaginator
    assert admin_client.get("/admin/suggestions/suggestion/").status_code == 200


def test_admin_date_hierarchy_lists_the_periods_between_first_and_last(admin_client):
    """The year and month choices come from MIN/MAX (no DISTINCT over every row)."""
    import datetime

    deputy = DeputyFactory(township=TownshipFactory())
    for day in (datetime.date(2024, 11, 3), datetime.date(2026, 2, 9)):
        DutyRecordFactory(deputy=deputy, date=day)
    html = admin_client.get("/admin/deputies/dutyrecord/").content.decode()
    assert "?date__year=2024" in html and "?date__year=2025" in html and "?date__year=2026" in html
    html = admin_client.get("/admin/deputies/dutyrecord/?date__year=2026").content.decode()
    assert "date__month=2" in html and "date__month=1&" not in html
    html = admin_client.get("/admin/deputies/dutyrecord/?date__year=2026&date__month=2").content.decode()
    assert "date__day=9" in html  # days stay exact
