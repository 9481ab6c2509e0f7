"""``{% suggestion_document_links s %}``: download links of the printable documents the current
user may print for one suggestion (see suggestions/documents.py)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from suggestions.documents import available_documents

register = template.Library()


@register.simple_tag(takes_context=True)
def suggestion_document_links(context, suggestion):
    request = context.get("request")
    if request is None or suggestion is None:
        return ""
    kinds = available_documents(request.user, suggestion)
    if not kinds:
        return ""
    links = format_html_join(
        " ",
        '<a class="btn btn-sm btn-outline-secondary" href="{}" data-testid="print-{}">'
        '<i class="bi bi-printer"></i> {}</a>',
        ((reverse("suggestions_portal:document", args=[suggestion.pk, kind]), kind, label)
         for kind, label in kinds),
    )
    return format_html('<div class="d-flex flex-wrap gap-2 my-2" data-testid="documents">{}</div>', links)
