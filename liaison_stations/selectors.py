"""Reads for stations: scoped lists, permission-checking accessors, checklist compliance,
calendars and duty rosters."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from congress.figures import percent
from congress.tenancy import scope_to_user
from deputies.models import Deputy

from .models import (
    ReceptionDay,
    ReceptionIssue,
    ReceptionRecord,
    StandardEvidence,
    StandardSet,
    Station,
    StationActivity,
)


def _has_suggestion_relation() -> bool:
    """True once the suggestions module links ``Suggestion.reception_issue`` to issues."""
    return any(
        rel.related_name == "suggestion" or rel.name == "suggestion"
        for rel in ReceptionIssue._meta.related_objects
    )


def issues_with_suggestions(qs):
    return qs.select_related("suggestion") if _has_suggestion_relation() else qs


# --- Stations ---------------------------------------------------------------------------------


def stations_for_user(user):
    """Stations the user may read, with what the lists show."""
    return (
        scope_to_user(Station.objects.all(), user)
        .select_related("township", "parent", "standard_set", "administrator", "convener")
        .annotate(deputy_count=Count("deputies", distinct=True))
        .order_by("township", "kind", "name")
    )


def managed_stations_for_user(user):
    """Stations the user manages in the portal: all of their township for presidium staff, the
    ones they administer for a station administrator, none for anyone else."""
    qs = stations_for_user(user)
    if user.is_superuser:
        return qs
    if not user.has_perm("liaison_stations.add_station"):
        qs = qs.filter(administrator=user)
    return qs if user.has_perm("liaison_stations.manage_station") else qs.none()


def get_station_for_user(user, pk: int, *, manage: bool = False) -> Station:
    """One station the user may read (or manage, with ``manage=True``); 404 otherwise, so a
    guessed URL reveals nothing about another township or station."""
    station = (
        scope_to_user(Station.objects.all(), user)
        .select_related("township", "parent", "standard_set", "administrator", "convener")
        .filter(pk=pk)
        .first()
    )
    if station is None or not user.has_perm("liaison_stations.view_station", station):
        raise Http404("没有找到该联络站。")
    if manage and not user.has_perm("liaison_stations.manage_station", station):
        raise Http404("没有找到该联络站。")
    return station


def get_reception_record_for_user(user, pk: int) -> ReceptionRecord:
    record = (
        scope_to_user(ReceptionRecord.objects.all(), user)
        .select_related("station__township", "created_by", "reception_day")
        .filter(pk=pk)
        .first()
    )
    if record is None or not user.has_perm("liaison_stations.view_receptionrecord", record):
        raise Http404("没有找到该接待记录。")
    return record


def get_activity_for_user(user, pk: int) -> StationActivity:
    activity = (
        scope_to_user(StationActivity.objects.all(), user)
        .select_related("station__township", "plan_item", "created_by")
        .filter(pk=pk)
        .first()
    )
    if activity is None or not user.has_perm("liaison_stations.view_stationactivity", activity):
        raise Http404("没有找到该活动。")
    return activity


def get_reception_day_for_user(user, pk: int) -> ReceptionDay:
    day = (
        scope_to_user(ReceptionDay.objects.all(), user)
        .select_related("station__township")
        .filter(pk=pk)
        .first()
    )
    if day is None or not user.has_perm("liaison_stations.view_receptionday", day):
        raise Http404("没有找到该接待日。")
    return day


def public_stations(township, *, today: datetime.date | None = None):
    """Active stations of a township for the public pages, each with ``deputy_count`` and
    ``next_day`` (the next reception day from ``today`` on that is not cancelled, or None)."""
    today = today or timezone.localdate()
    next_day = (
        ReceptionDay.objects.filter(station=OuterRef("pk"), date__gte=today, is_cancelled=False)
        .order_by("date")
        .values("date")[:1]
    )
    return (
        Station.objects.filter(township=township, is_active=True)
        .select_related("parent", "village", "convener")
        .annotate(deputy_count=Count("deputies", distinct=True), next_day=Subquery(next_day))
        .order_by("kind", "name")
    )


def station_deputies(station):
    """The station's deputies for public display (no phone is ever read into a template)."""
    return (
        station.deputies.select_related("group", "district")
        .prefetch_related("mandates")
        .only("pk", "name", "photo", "gender", "township_id", "group__name", "district__number",
              "district__name", "district__township_id", "group__township_id")
        .order_by("name")
    )


def deputies_without_station(township):
    """Deputies with an active mandate in ``township`` who are assigned to no station: the list
    the office must clear (DOMAIN §4: every deputy belongs to at least one station)."""
    return (
        Deputy.objects.filter(township=township, stations__isnull=True)
        .on_roster()
        .select_related("group", "district")
        .distinct()
        .order_by("district__number", "name")
    )


# --- Standards compliance ---------------------------------------------------------------------


@dataclass(frozen=True)
class Compliance:
    checked: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.checked, self.total)


def standard_sets_for_user(user):
    """Preset sets plus the user's township's own sets."""
    qs = StandardSet.objects.all()
    if user.is_superuser or user.is_county_viewer:
        return qs
    return qs.filter(Q(township__isnull=True) | Q(township_id=user.township_id))


def with_compliance(qs):
    """Annotate stations with ``item_total`` and ``item_checked``.

    Compliance of a station (达标率) = the items of its assigned standard set whose evidence
    has been checked by staff (``checked_on`` set) ÷ all items of that set × 100. Evidence that
    is submitted but not yet checked does not count. A station without a set has no figure.
    """
    return qs.annotate(
        item_total=Count("standard_set__items", distinct=True),
        item_checked=Count(
            "evidence",
            filter=Q(evidence__checked_on__isnull=False)
            & Q(evidence__item__standard_set=F("standard_set")),
            distinct=True,
        ),
    )


def station_compliance(station) -> Compliance:
    """Compliance of one station; see :func:`with_compliance` for the definition."""
    if station.standard_set_id is None:
        return Compliance(0, 0)
    total = station.standard_set.items.count()
    checked = StandardEvidence.objects.filter(
        station=station, item__standard_set_id=station.standard_set_id, checked_on__isnull=False
    ).count()
    return Compliance(checked, total)


def township_compliance(township) -> Compliance:
    """Compliance of a township = checked items ÷ items, summed over its active stations that
    have a standard set (so a 九有 station weighs nine items, a 六有 point six). Stations
    without a set are left out; the station list shows them as “未指定标准”."""
    rows = with_compliance(
        Station.objects.filter(township=township, is_active=True, standard_set__isnull=False)
    ).values_list("item_total", "item_checked")
    checked = total = 0
    for item_total, item_checked in rows:
        total += item_total
        checked += item_checked
    return Compliance(checked, total)


def checklist_for_station(station):
    """[(item, evidence or None)] for the station's set, in order."""
    if station.standard_set_id is None:
        return []
    evidence = {
        e.item_id: e
        for e in StandardEvidence.objects.filter(station=station).select_related("checked_by")
    }
    return [(item, evidence.get(item.pk)) for item in station.standard_set.items.all()]


# --- Calendar and rosters ---------------------------------------------------------------------


def station_days(station, start: datetime.date, end: datetime.date):
    return (
        ReceptionDay.objects.filter(station=station, date__range=(start, end))
        .prefetch_related(Prefetch(
            "duty_deputies",
            queryset=Deputy.objects.select_related("district").only("pk", "name", "district", "district__number"),
        ))
        .order_by("date")
    )


def duty_days_for_deputy(deputy, start: datetime.date, end: datetime.date | None = None):
    """The reception days a deputy is on the roster for, from ``start`` on."""
    qs = ReceptionDay.objects.filter(duty_deputies=deputy, date__gte=start).select_related("station")
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs.order_by("date")


def station_receptions(station):
    return (
        ReceptionRecord.objects.filter(station=station)
        .annotate(issue_count=Count("issues", distinct=True))
        .prefetch_related(Prefetch("deputies_present", queryset=Deputy.objects.only("pk", "name")))
        .order_by("-date", "-id")
    )


def station_activities(station):
    return (
        StationActivity.objects.filter(station=station)
        .annotate(participant_count=Count("participants", distinct=True),
                  photo_count=Count("photos", distinct=True))
        .order_by("-date", "-id")
    )
