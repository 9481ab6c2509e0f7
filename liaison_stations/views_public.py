"""Public station pages for citizens: no login, nothing private (no phone number of anyone is
read into these templates; the liaison officer's phone is shown masked)."""

import calendar as pycalendar
import datetime
from itertools import groupby

import segno
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from congress.models import Township
from congress.qr import qr_png_response, qr_svg_response
from congress.validators import mask_phone
from deputies.selectors import public_board

from . import selectors
from .models import Station, StationActivity


def suggestion_form_url(request, station: Station) -> str:
    """The public suggestion form for this station, absolute on the scheme and host the page was
    reached by (so the QR code works from a phone whatever address served the poster)."""
    path = reverse("suggestions_public:submit", args=[station.township.slug])
    return request.build_absolute_uri(f"{path}?station={station.pk}")


def _qr(request, station):
    return segno.make(suggestion_form_url(request, station), error="m")


def _station(township_slug, pk) -> Station:
    return get_object_or_404(
        Station.objects.select_related("township", "parent", "village", "convener__district"),
        pk=pk, township__slug=township_slug, is_active=True,
    )


def station_list(request, township):
    township = get_object_or_404(Township, slug=township)
    stations = list(selectors.public_stations(township))
    roots = [s for s in stations if s.parent_id is None]
    children = {}
    for s in stations:
        if s.parent_id:
            children.setdefault(s.parent_id, []).append(s)
    tree = [(root, children.get(root.pk, [])) for root in roots]
    orphans = [s for s in stations if s.parent_id and s.parent_id not in {r.pk for r in roots}]
    return render(request, "liaison_stations/public/list.html", {
        "township": township, "tree": tree, "orphans": orphans, "count": len(stations),
    })


def station_detail(request, township, pk):
    station = _station(township, pk)
    today = timezone.localdate()
    return render(request, "liaison_stations/public/detail.html", {
        "township": station.township,
        "station": station,
        "points": station.points.filter(is_active=True).order_by("name"),
        "board": public_board(station.deputies.all()),
        "liaison_phone": mask_phone(station.liaison_phone),
        "next_days": selectors.station_days(station, today, today + datetime.timedelta(days=92))
        .filter(is_cancelled=False)[:6],
        "activities": StationActivity.objects.filter(station=station)
        .order_by("-date", "-id")
        .only("pk", "title", "date", "kind", "station_id")[:8],
        "qr_svg": _qr(request, station).svg_inline(dark="#222", omitsize=True),
        "suggest_url": suggestion_form_url(request, station),
    })


def calendar_page(request, township, pk):
    station = _station(township, pk)
    today = timezone.localdate()
    try:
        year = min(max(int(request.GET.get("year", today.year)), 2000), 2100)
    except ValueError:
        year = today.year
    days = list(selectors.station_days(station, datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    months = [
        (month, list(items))
        for month, items in groupby(days, key=lambda d: d.date.month)
    ]
    return render(request, "liaison_stations/public/calendar.html", {
        "township": station.township, "station": station, "year": year, "months": months,
        "today": today, "rules": station.reception_rules.filter(is_active=True),
        "weekdays": "一二三四五六日", "month_names": pycalendar.month_name,
    })


def poster(request, township, pk):
    """A printable A4 poster (HTML with an SVG QR code and ``@page { size: A4 }``)."""
    station = _station(township, pk)
    return render(request, "liaison_stations/public/poster.html", {
        "station": station, "township": station.township,
        "qr_svg": _qr(request, station).svg_inline(dark="#000", omitsize=True),
        "suggest_url": suggestion_form_url(request, station),
        "rules": station.reception_rules.filter(is_active=True),
        "liaison_phone": mask_phone(station.liaison_phone),
    })


@cache_control(max_age=3600, public=True)
def qr_svg(request, township, pk):
    return qr_svg_response(suggestion_form_url(request, _station(township, pk)))


@cache_control(max_age=3600, public=True)
def qr_png(request, township, pk):
    return qr_png_response(suggestion_form_url(request, _station(township, pk)), f"station-{pk}-qr.png")
