"""The one place that decides who sees a citizen's full phone number, and records each reveal.

Pages show the masked form (138****1234) to everyone; a user allowed by the
``suggestions.see_citizen_phone`` rule (suggestions/rules.py: township presidium staff, the
deputy who claimed or was routed the item, the lead handler when the citizen consented; never the
county viewer) gets a button, and each click is written to ``congress.PhoneReveal`` before the
number is returned.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from congress.models import PhoneReveal
from congress.validators import mask_phone

PERM = "suggestions.see_citizen_phone"


def may_see_citizen_phone(user, suggestion) -> bool:
    return bool(suggestion.submitter_phone) and user.has_perm(PERM, suggestion)


def masked_citizen_phone(suggestion) -> str:
    return mask_phone(suggestion.submitter_phone)


@transaction.atomic
def citizen_phone_reveal(*, actor, suggestion, ip=None) -> str:
    """The full number for ``actor``, audited; PermissionDenied for anyone else."""
    if not may_see_citizen_phone(actor, suggestion):
        raise PermissionDenied("您无权查看反映人的完整电话号码。")
    PhoneReveal.objects.create(
        user=actor, township_id=suggestion.township_id, subject=f"suggestion:{suggestion.pk}", ip=ip
    )
    return suggestion.submitter_phone
