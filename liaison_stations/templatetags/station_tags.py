"""Template helpers for station pages."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse

from congress.validators import mask_phone

register = template.Library()


def _suggestion_url(suggestion, *, admin: bool) -> str | None:
    names = (
        [("admin:suggestions_suggestion_change", [suggestion.pk])]
        if admin
        else [("suggestions_portal:detail", [suggestion.pk])]
    )
    for name, args in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    get_url = getattr(suggestion, "get_absolute_url", None)
    return get_url() if get_url else None


def suggestion_action(issue, *, admin: bool = False) -> dict:
    """What a reception-record page offers for one issue: a link to its suggestion when it has
    one, a "转为建议" button posting to ``suggestions_portal:from_reception_issue`` when that view
    exists, or nothing (before the suggestions module is installed)."""
    try:
        suggestion = issue.suggestion
    except (ObjectDoesNotExist, AttributeError):
        suggestion = None
    if suggestion is not None:
        return {"suggestion": suggestion, "url": _suggestion_url(suggestion, admin=admin)}
    try:
        return {"convert_url": reverse("suggestions_portal:from_reception_issue", args=[issue.pk])}
    except NoReverseMatch:
        return {}


@register.simple_tag
def issue_suggestion(issue):
    return suggestion_action(issue)


@register.filter
def masked(value):
    return mask_phone(value)


@register.filter
def cn_weekday(value):
    """2026-11-23 → 星期一."""
    if not value:
        return ""
    return "星期" + "一二三四五六日"[value.weekday()]


@register.simple_tag
def public_station_list(township):
    """The township's active stations with their next reception day, for public pages that are
    not the stations module's own (the township home's front door)."""
    from liaison_stations.selectors import public_stations

    return list(public_stations(township))
