"""``{% csrf_token %}`` that also carries a one-time form token (防重复提交).

Registered as a template builtin (settings.TEMPLATES OPTIONS ``builtins``), it replaces Django's
tag of the same name, so every form in every template — ours, the admin's, crispy-forms' —
carries ``_once`` without a template change. The middleware in :mod:`congress.idempotency`
runs a form's first POST and answers replays with the stored result.
"""

import uuid

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from congress.idempotency import FIELD

register = template.Library()


class CsrfAndOnceNode(CsrfTokenNode):
    def render(self, context):
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)


@register.tag
def csrf_token(parser, token):
    return CsrfAndOnceNode()
