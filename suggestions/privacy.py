"""The one place that decides who sees a citizen's full phone number, and records each reveal.

Pages show the masked form (138****1234) to everyone; a user allowed by the
``suggestions.see_citizen_phone`` rule (suggestions/rules.py: township presidium staff, the
deputy who claimed or was routed the item, the lead handler when the citizen consented; never the
county viewer) gets a button, and each click is written to ``congress.PhoneReveal`` before the
number is returned (the shared mechanism: ``congress.privacy``).
"""

from congress.privacy import may_reveal_phone, phone_reveal
from congress.validators import mask_phone

PERM = "suggestions.see_citizen_phone"


def may_see_citizen_phone(user, suggestion) -> bool:
    return may_reveal_phone(user, perm=PERM, obj=suggestion, phone=suggestion.submitter_phone)


def masked_citizen_phone(suggestion) -> str:
    return mask_phone(suggestion.submitter_phone)


def citizen_phone_reveal(*, actor, suggestion, ip=None) -> str:
    """The full number for ``actor``, audited; PermissionDenied for anyone else."""
    return phone_reveal(
        actor=actor, perm=PERM, obj=suggestion, phone=suggestion.submitter_phone,
        township_id=suggestion.township_id, subject=f"suggestion:{suggestion.pk}", ip=ip,
        denied="您无权查看反映人的完整电话号码。",
    )
