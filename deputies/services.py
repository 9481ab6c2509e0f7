"""Writes for deputies. Other modules record duty entries through
:func:`duty_record_from_source`, never by creating DutyRecord rows themselves."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from .models import Deputy, DutyKind, DutyRecord


def duty_record_from_source(
    *,
    deputy: Deputy,
    source_key: str,
    kind: str,
    date: datetime.date,
    content: str,
    place: str = "",
    hours: Decimal | float | int = 0,
    actor=None,
) -> tuple[DutyRecord, bool]:
    """One duty entry per (deputy, source): a second call with the same source returns the
    existing entry unchanged. Returns ``(record, created)``."""
    if not source_key:
        raise ValueError("source_key is required")
    if kind not in DutyKind.values:
        raise ValueError(f"unknown duty kind {kind!r}")
    existing = DutyRecord.objects.filter(deputy=deputy, source_key=source_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            record = DutyRecord.objects.create(
                deputy=deputy,
                source_key=source_key,
                kind=kind,
                date=date,
                content=content,
                place=place,
                hours=Decimal(str(hours)),
                created_by=actor,
            )
    except IntegrityError:
        # A concurrent call created it first: the constraint kept it to one.
        return DutyRecord.objects.get(deputy=deputy, source_key=source_key), False
    return record, True
