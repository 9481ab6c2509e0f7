"""Permission predicates of the deputies app, built on :mod:`congress.permissions`.

Besides the model permissions in each ``Meta.rules_permissions`` this registers:

* ``deputies.view_deputy_phone`` (object: a Deputy, or any row with a ``deputy``): the phone
  number is shown unmasked only to presidium staff of the same township, the deputy himself and
  the system administrator. The county viewer, station administrators, other deputies and the
  public see ``138****1234`` or nothing.
* ``deputies.view_deputy_ledgers`` (object: a Deputy): who may download a deputy's "十表".
"""

import rules

from congress import permissions as p


def deputy_of(user):
    """The Deputy row linked to ``user``'s account, or None (cached on the user object)."""
    if not (user and user.is_authenticated):
        return None
    if not hasattr(user, "_deputy_cache"):
        from .models import Deputy

        user._deputy_cache = Deputy.objects.filter(user_id=user.pk).first()
    return user._deputy_cache


def _deputy_id(obj):
    from .models import Deputy

    if obj is None:
        return None
    if isinstance(obj, Deputy):
        return obj.pk
    return getattr(obj, "deputy_id", None)


@rules.predicate
def is_the_deputy(user, obj) -> bool:
    """``obj`` is the user's own Deputy row, or a row of theirs (``obj.deputy``)."""
    own = deputy_of(user)
    return own is not None and obj is not None and _deputy_id(obj) == own.pk


@rules.predicate
def is_manual_record(user, record) -> bool:
    """A duty record typed in by hand, not one written by another module from its source."""
    return record is not None and not record.source_key


@rules.predicate
def is_linked_deputy(user) -> bool:
    return p.is_deputy(user) and deputy_of(user) is not None


can_view_deputy_phone = (
    p.is_superuser | (p.is_presidium_staff & p.in_user_township) | (p.is_deputy & is_the_deputy)
)
can_view_ledgers = (p.can_view_township_record & ~(p.is_deputy | p.is_station_admin)) | (
    p.is_deputy & is_the_deputy
)

# Rows that belong to one deputy (duty records, voter contacts): staff edit any of their
# township's; the deputy reads and writes his own; a record another module wrote from its
# source (a station activity, a session) is corrected by staff only.
OWN_ROW_RULES = {
    "view": (p.can_view_township_record & ~p.is_deputy) | (p.is_deputy & is_the_deputy),
    "add": p.can_edit_township_record | is_linked_deputy,
    "change": p.can_edit_township_record | (p.is_deputy & is_the_deputy),
    "delete": p.can_edit_township_record | (p.is_deputy & is_the_deputy),
}
DUTY_RECORD_RULES = {
    **OWN_ROW_RULES,
    "change": p.can_edit_township_record | (p.is_deputy & is_the_deputy & is_manual_record),
    "delete": p.can_edit_township_record | (p.is_deputy & is_the_deputy & is_manual_record),
}
# Mandates are history: they end with a status, date and reason, and are never deleted.
MANDATE_RULES = {**p.TOWNSHIP_RECORD_RULES, "delete": rules.always_deny}

rules.add_perm("deputies.view_deputy_phone", can_view_deputy_phone)
rules.add_perm("deputies.view_deputy_ledgers", can_view_ledgers)
