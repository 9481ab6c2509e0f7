from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def overview_rows(rows, columns, period):
    """The body of the county table: one row per township, each number linked to its records
    (as :func:`figure_cell`). Built in one pass, each column's link reversed once: the table
    is townships × columns cells, the largest part of the page."""
    bases = {c.key: reverse("dashboards:records", args=[c.figure]) + f"?{period.query}" for c in columns if c.figure}
    township_url = reverse("dashboards:township", args=["__slug__"])
    out = []
    for row in rows:
        t = row["township"]
        name = escape(t.name)
        drill = row.get("may_drill")
        head = (f'<a href="{escape(township_url.replace("__slug__", t.slug) + "?" + period.query)}">{name}</a>'
                if drill else name)
        cells = []
        for c in columns:
            value = row.get(c.key)
            text = escape(_fmt(value, c.fmt))
            if drill and c.figure and value not in (None, 0):
                text = f'<a href="{escape(bases[c.key] + "&township=" + t.slug)}" class="figure-link">{text}</a>'
            cells.append(f"<td>{text}</td>")
        out.append(f'<tr>\n          <th scope="row" class="text-nowrap">{head}</th>\n          {"".join(cells)}\n        </tr>')
    return mark_safe("".join(out))


def _cell_text(value) -> str:
    """What ``{{ value }}`` prints (localized, escaped), with a fast path for the plain numbers
    and strings that fill the dashboard tables."""
    if type(value) in (int, str):
        return escape(value)
    return conditional_escape(localize(value))


@register.simple_tag
def table_rows(rows, colspan=1, empty="暂无数据", flag_last=False):
    """``<tr><td>…</td></tr>`` for each row of values, as the loops it replaces printed them
    (``flag_last``: a non-empty last cell is a warning, in red); one pass, for the large tables."""
    if not rows:
        return format_html('<tr><td colspan="{}" class="text-secondary">{}</td></tr>', colspan, empty)
    out = []
    for row in rows:
        last = len(row) - 1
        cells = "".join(
            f'<td class="text-danger">{_cell_text(v)}</td>' if flag_last and i == last and v else f"<td>{_cell_text(v)}</td>"
            for i, v in enumerate(row))
        out.append(f"<tr>{cells}</tr>")
    return mark_safe("".join(out))


@register.simple_tag
def overview_head(columns):
    """The two header rows of the county table (the column groups, then the columns)."""
    groups = []
    for c in columns:
        if groups and groups[-1][0] == c.group:
            groups[-1][1] += 1
        else:
            groups.append([c.group, 1])
    top = "".join(f'<th scope="colgroup" colspan="{n}" class="text-center">{escape(g)}</th>' for g, n in groups)
    labels = "".join(f'<th scope="col" class="text-nowrap">{escape(c.label)}</th>' for c in columns)
    return mark_safe(f'<tr><th scope="col" rowspan="2">乡镇</th>{top}</tr>\n        <tr>{labels}</tr>')


@register.simple_tag
def overview_totals(totals, columns, period, drill):
    """The county totals row: each number linked to its records when ``drill``."""
    cells = "".join(f"<td>{conditional_escape(figure_cell(totals, c, period)) if drill else escape(_fmt(totals.get(c.key), c.fmt))}</td>"
                    for c in columns)
    return mark_safe(f'<tr><th scope="row">全县合计</th>{cells}</tr>')
