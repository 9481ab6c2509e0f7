"""``{% light_badge s %}``: the red/yellow light of one suggestion (see suggestions/lights.py) as
a small badge that says in words what the colour means (红灯/黄灯 and the deadline), so it does
not rely on colour alone. ``s.light`` is annotated by the list selectors; pass ``light``
explicitly where it was computed otherwise (the detail page)."""

from django import template
from django.utils.html import format_html

from suggestions.lights import Light

register = template.Library()


def badge_html(light, due_date, today=None, state="") -> str:
    if not light or due_date is None:
        return ""
    light = Light(light)
    if light == Light.RED:
        late = "逾期未评价" if state == "replied" else "已逾期"
        text = f"{late}(期限 {due_date:%Y-%m-%d})"
    elif today is not None and due_date == today:
        text = f"今日到期({due_date:%Y-%m-%d})"
    else:
        text = f"临近期限 {due_date:%Y-%m-%d}"
    css = "text-bg-danger" if light == Light.RED else "text-bg-warning"
    return format_html(
        '<span class="badge {} text-wrap" data-testid="light" data-light="{}" title="{}:{}">'
        '<i class="bi bi-circle-fill" aria-hidden="true"></i> {} · {}</span>',
        css, light.value, light.label, text, light.label, text,
    )


@register.simple_tag(takes_context=True)
def light_badge(context, suggestion, light=None):
    if suggestion is None:
        return ""
    light = light if light is not None else getattr(suggestion, "light", "")
    return badge_html(light, suggestion.due_date, context.get("today"), suggestion.state)
