"""Permission rules for stations, built from the predicates of :mod:`congress.permissions`.

Presidium staff manage every station of their township (in the admin and the portal). A station
administrator (role ``station_admin`` named as ``Station.administrator``) manages only the
stations they administer: schedule, receptions, activities and checklist evidence. Checking
evidence (核查) and editing standard sets is staff work. Everyone of the township reads; the
county viewer reads the whole county.
"""

import rules

from congress import permissions as p
from deputies.predicates import deputy_of


def station_of(obj):
    """The station a record belongs to, following the model's ``STATION_FIELD`` path."""
    path = getattr(type(obj), "STATION_FIELD", None)
    if path is None:
        raise TypeError(f"{type(obj).__name__} has no STATION_FIELD")
    if path == "self":
        return obj
    target = obj
    for hop in path.split("__"):
        target = getattr(target, hop)
        if target is None:
            return None
    return target


@rules.predicate
def is_administrator_of_station(user, obj) -> bool:
    """True for a model-level check (no object) so the portal can open; then per station."""
    if obj is None:
        return True
    station = station_of(obj)
    return station is not None and station.administrator_id == user.pk


@rules.predicate
def is_own_or_preset_set(user, obj) -> bool:
    if obj is None:
        return True
    return obj.township_id is None or obj.township_id == user.township_id


@rules.predicate
def is_own_township_set(user, obj) -> bool:
    if obj is None:
        return True
    return obj.township_id is not None and obj.township_id == user.township_id


can_manage_station = p.can_edit_township_record | (
    p.is_station_admin & p.in_user_township & is_administrator_of_station
)
can_view_station_record = p.can_view_township_record

STATION_RULES = {
    "view": p.can_view_township_record,
    "add": p.can_edit_township_record,
    "change": p.can_edit_township_record,
    "delete": p.can_edit_township_record,
}
# Records a station administrator keeps for their own station.
STATION_RECORD_RULES = {
    "view": can_view_station_record,
    "add": can_manage_station,
    "change": can_manage_station,
    "delete": can_manage_station,
}
# Staff-only records below a station (rules, work plans are staff work in the admin; a station
# administrator may still schedule through the portal, which asks ``manage_station``).
STAFF_STATION_RECORD_RULES = {
    "view": can_view_station_record,
    "add": can_manage_station,
    "change": can_manage_station,
    "delete": p.can_edit_township_record,
}
STANDARD_SET_RULES = {
    "view": p.is_superuser | p.is_county_viewer | (p.is_township_member & is_own_or_preset_set),
    "add": p.is_superuser | p.is_presidium_staff,
    "change": p.is_superuser | (p.is_presidium_staff & is_own_township_set),
    "delete": p.is_superuser | (p.is_presidium_staff & is_own_township_set),
}

@rules.predicate
def is_deputy_present(user, issue) -> bool:
    """A deputy who received the visitor: listed as present at the issue's reception."""
    if issue is None or not p.is_deputy(user):
        return False
    deputy = deputy_of(user)
    return deputy is not None and issue.record.deputies_present.filter(pk=deputy.pk).exists()


@rules.predicate
def is_issue(user, issue) -> bool:
    return issue is not None


# Who sees a reception visitor's full phone number (docs/security.md, "Privacy by role"):
# presidium staff of the township, the administrator of the issue's station, the deputies present
# at that reception. Never the county viewer; nobody else (other deputies and station
# administrators, handlers, other townships).
can_see_visitor_phone = is_issue & ~p.is_county_viewer & (
    (p.is_presidium_staff & p.in_user_township)
    | (p.is_station_admin & p.in_user_township & is_administrator_of_station)
    | is_deputy_present
)

rules.add_perm("liaison_stations.manage_station", can_manage_station)
rules.add_perm("liaison_stations.see_visitor_phone", can_see_visitor_phone)
rules.add_perm("liaison_stations.check_evidence", p.can_edit_township_record)
rules.add_perm(
    "liaison_stations.view_station_portal",
    p.is_superuser | p.is_county_viewer | p.is_township_member,
)
