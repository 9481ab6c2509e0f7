"""Reveal on click of a citizen's full phone number, audited (docs/security.md, "Privacy by role").

Each app names the rule that decides who may see a number (``suggestions.see_citizen_phone``,
``liaison_stations.see_visitor_phone``) and calls :func:`phone_reveal`, which checks that rule
and writes a ``PhoneReveal`` row before the number is returned. Pages show ``mask_phone(...)``.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from congress.models import PhoneReveal


def may_reveal_phone(user, *, perm: str, obj, phone: str) -> bool:
    return bool(phone) and user.has_perm(perm, obj)


@transaction.atomic
def phone_reveal(*, actor, perm: str, obj, phone: str, township_id, subject: str, ip=None,
                 denied: str = "您无权查看完整的电话号码。") -> str:
    """The full ``phone`` for ``actor`` when ``perm`` allows it on ``obj``, audited; else
    PermissionDenied (nothing written)."""
    if not may_reveal_phone(actor, perm=perm, obj=obj, phone=phone):
        raise PermissionDenied(denied)
    PhoneReveal.objects.create(user=actor, township_id=township_id, subject=subject, ip=ip)
    return phone
