"""The error summary every form shows at its top (``partials/form_errors.html``)."""

from django import template

register = template.Library()


@register.simple_tag
def error_summary(form):
    """The form's errors in field order as ``(label, message, anchor id)``; also puts
    ``autofocus`` and ``aria-invalid`` on the first field in error, so a phone scrolls to it and
    its keyboard opens without any script. Call it before the fields are rendered."""
    if form is None or not form.is_bound or not form.errors:
        return []
    items = [("", message, "") for message in form.non_field_errors()]
    first = True
    for bound in form:
        if not bound.errors:
            continue
        attrs = bound.field.widget.attrs
        attrs["aria-invalid"] = "true"
        if first and not bound.is_hidden:
            attrs["autofocus"] = True
            first = False
        anchor = bound.id_for_label or bound.auto_id or ""
        items.extend((bound.label, message, anchor) for message in bound.errors)
    return items
