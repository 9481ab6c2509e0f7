"""Permission predicates for suggestions, built from congress.permissions. Views, services,
admin and templates all ask these (directly or through ``user.has_perm``)."""

import rules

from congress import permissions as p
from deputies.predicates import deputy_of


@rules.predicate
def is_staff_here(user, suggestion) -> bool:
    """Presidium staff (chair, vice-chair, staff) of the suggestion's township."""
    return bool(p.is_presidium_staff(user) and (suggestion is None or p.in_user_township(user, suggestion)))


@rules.predicate
def is_leader_here(user, suggestion) -> bool:
    return bool(p.is_presidium_leader(user) and (suggestion is None or p.in_user_township(user, suggestion)))


@rules.predicate
def is_routed_deputy(user, suggestion) -> bool:
    if suggestion is None or not p.is_deputy(user):
        return False
    deputy = deputy_of(user)
    if deputy is None or deputy.township_id != suggestion.township_id:
        return False
    return suggestion.routed_deputies.filter(pk=deputy.pk).exists()


@rules.predicate
def is_lead_deputy(user, suggestion) -> bool:
    if suggestion is None or not p.is_deputy(user):
        return False
    deputy = deputy_of(user)
    return deputy is not None and suggestion.lead_deputy_id == deputy.pk


@rules.predicate
def is_cosigner(user, suggestion) -> bool:
    if suggestion is None or not p.is_deputy(user):
        return False
    deputy = deputy_of(user)
    return deputy is not None and suggestion.cosigners.filter(pk=deputy.pk).exists()


@rules.predicate
def is_township_deputy(user, suggestion) -> bool:
    if suggestion is None or not p.is_deputy(user):
        return False
    deputy = deputy_of(user)
    return deputy is not None and deputy.township_id == suggestion.township_id


@rules.predicate
def is_lead_handler(user, suggestion) -> bool:
    return bool(
        suggestion is not None
        and p.is_handler(user)
        and suggestion.lead_department_id
        and suggestion.lead_department_id == user.department_id
    )


@rules.predicate
def is_co_handler(user, suggestion) -> bool:
    return bool(
        suggestion is not None
        and p.is_handler(user)
        and suggestion.co_departments.filter(pk=user.department_id).exists()
    )


@rules.predicate
def is_supervisor(user, suggestion) -> bool:
    return bool(suggestion is not None and user.is_authenticated and suggestion.supervisor_id == user.pk)


@rules.predicate
def is_chair_here(user, suggestion) -> bool:
    """The presidium chair (人大主席) of the suggestion's township."""
    return bool(p.is_presidium_chair(user) and (suggestion is None or p.in_user_township(user, suggestion)))


@rules.predicate
def is_key(user, suggestion) -> bool:
    """A key suggestion (重点建议), which has a supervising leader."""
    return bool(suggestion is not None and suggestion.is_key)


@rules.predicate
def is_entered_here(user, suggestion) -> bool:
    """The person who entered the item (a station administrator converting a reception issue, a
    deputy entering a phone call) or the administrator of the station it came from: they follow
    what became of it (read only)."""
    if suggestion is None or not user.is_authenticated:
        return False
    if suggestion.created_by_id == user.pk:
        return True
    return bool(suggestion.station_id and suggestion.station.administrator_id == user.pk)


can_view_suggestion = (
    p.is_superuser
    | (p.is_county_viewer & p.in_user_county)
    | is_staff_here
    | is_supervisor
    | is_lead_deputy
    | is_cosigner
    | is_routed_deputy
    | is_township_deputy
    | is_lead_handler
    | is_co_handler
    | is_entered_here
)

@rules.predicate
def citizen_consented(user, suggestion) -> bool:
    """The citizen agreed that their details be used to handle the item (``consent_at``: the
    privacy statement ticked on the public form, or recorded by staff who took it in person)."""
    return bool(suggestion is not None and suggestion.consent_at)


# Who sees a citizen's full phone number (docs/security.md, "Privacy by role"): presidium staff
# of the township, the deputy who claimed the item or to whom it was routed, the lead
# department's handler when the citizen consented. Never the county viewer; nobody else.
can_see_citizen_phone = ~p.is_county_viewer & (
    is_staff_here | is_lead_deputy | is_routed_deputy | (is_lead_handler & citizen_consented)
)
rules.add_perm("suggestions.see_citizen_phone", can_see_citizen_phone)

# Who may take each workflow action (the table in workflow.py names these).
ACTION_RULES = {
    "claim": is_township_deputy,
    "cosign": is_township_deputy & ~is_lead_deputy,
    "answer": is_lead_deputy | is_routed_deputy | is_staff_here,
    "present": is_lead_deputy,
    "withdraw": is_staff_here,
    "reject": is_staff_here,
    "dispatch": is_staff_here,
    "sign": is_lead_handler,
    "request_reassign": is_lead_handler,
    "request_extension": is_lead_handler,
    "decide_request": is_staff_here,
    "note": is_lead_handler | is_co_handler | is_staff_here,
    "reply": is_lead_handler,
    "evaluate": is_lead_deputy | is_staff_here,
    "close": is_staff_here,
    "revise": is_staff_here,
    "chase": is_staff_here,
    # The supervising leader while still on the township's presidium, or the chair.
    "supervise": is_key & ((is_supervisor & is_staff_here) | is_chair_here),
}

rules.add_perm("suggestions.work_queue", p.is_superuser | p.is_presidium_staff | p.is_county_viewer)
rules.add_perm("suggestions.deputy_inbox", p.is_deputy)
rules.add_perm("suggestions.department_queue", p.is_handler)
rules.add_perm("suggestions.enter", p.is_presidium_staff | p.is_deputy | p.is_station_admin)
for _action, _predicate in ACTION_RULES.items():
    rules.add_perm(f"suggestions.{_action}_suggestion", _predicate)
