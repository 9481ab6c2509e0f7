"""Retention of citizens' personal data (个人信息保存期限).

A suggestion that ended (closed, withdrawn or rejected) more than the township's
``personal_data_retention_years`` ago loses what identifies the citizen: the submitter's name,
phone and IP address, and the uploaded photos (file and row). The record itself stays — the
title and text, the timeline, replies, ratings, dates and states — so every figure (办复率,
满意率 …) is unchanged. :func:`retention_report` is the dry run; :func:`retention_apply` (beat,
daily, and ``manage.py retention --apply``) does it, in batches, each in its own transaction.
Photo files are deleted after the transaction commits.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from congress.models import Township

from .models import FINAL_STATES, Suggestion, SuggestionPhoto

logger = logging.getLogger("suggestions.retention")

PERSONAL = Q(submitter_name__gt="") | Q(submitter_phone__gt="") | Q(submitter_ip__isnull=False) | Q(photos__isnull=False)


def _years_ago(now: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _due(township: Township, now) -> "QuerySet":
    cutoff = _years_ago(now, township.personal_data_retention_years)
    return (
        Suggestion.objects.filter(township=township, state__in=FINAL_STATES)
        .annotate(ended_at=Coalesce("closed_at", Max("events__created_at", filter=Q(events__to_state__in=FINAL_STATES))))
        .filter(ended_at__lt=cutoff)
        .filter(pk__in=Suggestion.objects.filter(PERSONAL).values("pk"))
    )


def retention_report(*, now: datetime.datetime | None = None) -> list[dict]:
    """What :func:`retention_apply` would remove, per township (the dry run)."""
    now = now or timezone.now()
    report = []
    for township in Township.objects.order_by("county__name", "name"):
        due = _due(township, now)
        ids = list(due.values_list("pk", flat=True))
        if not ids:
            continue
        report.append({
            "township": township.name,
            "years": township.personal_data_retention_years,
            "suggestions": len(ids),
            "names": Suggestion.objects.filter(pk__in=ids, submitter_name__gt="").count(),
            "phones": Suggestion.objects.filter(pk__in=ids, submitter_phone__gt="").count(),
            "ips": Suggestion.objects.filter(pk__in=ids, submitter_ip__isnull=False).count(),
            "photos": SuggestionPhoto.objects.filter(suggestion_id__in=ids).count(),
        })
    return report


def retention_apply(*, now: datetime.datetime | None = None, batch: int = 200) -> dict:
    """Remove the personal data of every suggestion past its township's retention period."""
    now = now or timezone.now()
    totals = {"suggestions": 0, "photos": 0}
    for township in Township.objects.all():
        while True:
            with transaction.atomic():
                ids = list(_due(township, now).values_list("pk", flat=True)[:batch])
                if not ids:
                    break
                locked = list(Suggestion.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
                photos = list(SuggestionPhoto.objects.filter(suggestion_id__in=locked))
                files = [(p.image.storage, p.image.name) for p in photos if p.image]
                SuggestionPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
                Suggestion.objects.filter(pk__in=locked).update(submitter_name="", submitter_phone="", submitter_ip=None)
                transaction.on_commit(lambda files=files: _delete_files(files))
                totals["suggestions"] += len(locked)
                totals["photos"] += len(photos)
    if totals["suggestions"]:
        logger.info("已按保存期限删除 %s 件建议的反映人信息和 %s 张照片", totals["suggestions"], totals["photos"])
    return totals


def _delete_files(files) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError as exc:  # a file already gone is fine; anything else is logged
            logger.warning("删除照片文件失败 %s: %s", name, exc)
