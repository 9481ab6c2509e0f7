"""The one permission layer: django-rules predicates that the admin, views, services and
templates all ask (``user.has_perm("app.change_model", obj)`` or ``{% has_perm %}``).

Tenancy rule: everything below a township is scoped to it. A model says where its township is
with ``TOWNSHIP_FIELD`` (a lookup path such as ``"township"`` or ``"deputy__township"``); the same
path scopes querysets (:func:`congress.tenancy.scope_to_user`) and single objects
(:func:`township_id_of`). The county viewer reads every township of their county and writes
nothing.
"""

import rules

from .roles import PRESIDIUM_LEADERS, PRESIDIUM_STAFF, TOWNSHIP_ROLES, Role


def township_id_of(obj) -> int | None:
    """Follow ``obj.TOWNSHIP_FIELD`` to the township's primary key without loading it."""
    path = getattr(type(obj), "TOWNSHIP_FIELD", None)
    if path is None:
        raise TypeError(f"{type(obj).__name__} has no TOWNSHIP_FIELD")
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    target = obj
    for hop in hops:
        target = getattr(target, hop)
        if target is None:
            return None
    return getattr(target, f"{last}_id")


def county_id_of(obj) -> int | None:
    path = getattr(type(obj), "COUNTY_FIELD", None)
    if path is not None:
        *hops, last = path.split("__")
        target = obj
        for hop in hops:
            target = getattr(target, hop)
        return getattr(target, f"{last}_id")
    from .models import Township

    township_id = township_id_of(obj)
    if township_id is None:
        return None
    return Township.objects.values_list("county_id", flat=True).filter(pk=township_id).first()


# --- Who the user is -------------------------------------------------------------------------


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def _has_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


@rules.predicate
def is_county_viewer(user) -> bool:
    return _has_role(user, {Role.COUNTY_VIEWER})


@rules.predicate
def is_presidium_staff(user) -> bool:
    """Chair, vice-chair or staff of the presidium office (人大办)."""
    return _has_role(user, PRESIDIUM_STAFF) and user.township_id is not None


@rules.predicate
def is_presidium_leader(user) -> bool:
    return _has_role(user, PRESIDIUM_LEADERS) and user.township_id is not None


@rules.predicate
def is_presidium_chair(user) -> bool:
    """人大主席 (not the vice-chairs)."""
    return _has_role(user, {Role.CHAIR})


@rules.predicate
def is_township_member(user) -> bool:
    return _has_role(user, TOWNSHIP_ROLES) and user.township_id is not None


@rules.predicate
def is_deputy(user) -> bool:
    return _has_role(user, {Role.DEPUTY})


@rules.predicate
def is_station_admin(user) -> bool:
    return _has_role(user, {Role.STATION_ADMIN})


@rules.predicate
def is_handler(user) -> bool:
    return _has_role(user, {Role.HANDLER}) and user.department_id is not None


# --- Where the object is ---------------------------------------------------------------------


@rules.predicate
def in_user_township(user, obj) -> bool:
    """True for a model-level check (no object) so list pages can open; then scoped."""
    if obj is None:
        return True
    return user.township_id is not None and township_id_of(obj) == user.township_id


@rules.predicate
def in_user_county(user, obj) -> bool:
    if obj is None:
        return True
    return user.county_id is not None and county_id_of(obj) == user.county_id


@rules.predicate
def is_county_wide_or_in_user_township(user, obj) -> bool:
    """For rows that are either county-wide (no township) or one township's."""
    if obj is None:
        return True
    township_id = township_id_of(obj)
    if township_id is None:
        return county_id_of(obj) == user.county_id
    return township_id == user.township_id


# --- Composite rules used by models' Meta.rules_permissions ------------------------------------

can_view_township_record = is_superuser | (is_county_viewer & in_user_county) | (
    is_township_member & in_user_township
)
can_edit_township_record = is_superuser | (is_presidium_staff & in_user_township)
can_view_county_record = is_superuser | ((is_county_viewer | is_township_member) & in_user_county)

TOWNSHIP_RECORD_RULES = {
    "view": can_view_township_record,
    "add": can_edit_township_record,
    "change": can_edit_township_record,
    "delete": can_edit_township_record,
}
# Records only the presidium office reads (user accounts, audit).
OFFICE_RECORD_RULES = {
    "view": is_superuser | (is_county_viewer & in_user_county) | (is_presidium_staff & in_user_township),
    "add": can_edit_township_record,
    "change": can_edit_township_record,
    "delete": can_edit_township_record,
}

rules.add_perm("congress.use_admin", is_superuser | is_county_viewer | is_presidium_staff)
rules.add_perm("congress.use_portal", is_authenticated)
rules.add_perm("congress.view_county_dashboard", is_superuser | is_county_viewer | is_presidium_leader)
