"""Who sees a reception visitor's full phone number, and the audited reveal.

Pages (portal and admin) show the masked form (138****1234) to everyone; a user allowed by the
``liaison_stations.see_visitor_phone`` rule (rules.py: the township's presidium staff, the
station's administrator, the deputies present at that reception; never the county viewer) gets
a button, and each click writes a ``congress.PhoneReveal`` row (``congress.privacy``).
"""

from congress.privacy import may_reveal_phone, phone_reveal
from congress.validators import mask_phone

PERM = "liaison_stations.see_visitor_phone"


def may_see_visitor_phone(user, issue) -> bool:
    return may_reveal_phone(user, perm=PERM, obj=issue, phone=issue.visitor_phone)


def masked_visitor_phone(issue) -> str:
    return mask_phone(issue.visitor_phone)


def visitor_phone_reveal(*, actor, issue, ip=None) -> str:
    """The full number for ``actor``, audited; PermissionDenied for anyone else."""
    return phone_reveal(
        actor=actor, perm=PERM, obj=issue, phone=issue.visitor_phone,
        township_id=issue.record.township_id, subject=f"reception_issue:{issue.pk}", ip=ip,
        denied="您无权查看来访人的完整电话号码。",
    )
