from django import template
from django.urls import reverse
from django.utils.html import format_html

from congress.figures import format_percent

register = template.Library()


def _fmt(value, fmt):
    if value is None:
        return "—"
    if fmt == "pct":
        return format_percent(value)
    return str(value)


@register.simple_tag
def figure_cell(row, column, period, township=None, drill=True):
    """One number of a dashboard table, linked to the records behind it."""
    value = row.get(column.key) if isinstance(row, dict) else None
    text = _fmt(value, column.fmt)
    if not drill or not column.figure or value in (None, 0):
        return text
    url = reverse("dashboards:records", args=[column.figure]) + f"?{period.query}"
    if township is not None:
        url += f"&township={township.slug}"
    return format_html('<a href="{}" class="figure-link">{}</a>', url, text)


@register.filter
def fmt_value(value, fmt="int"):
    return _fmt(value, fmt)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
