"""Who may open which dashboard. Dashboards only read; the county viewer sees every township of
the county, a presidium leader sees the county comparison and drills into their own township."""

import rules

from congress import permissions as p

can_view_county_dashboard = p.is_superuser | p.is_county_viewer | p.is_presidium_leader
can_view_township_dashboard = p.is_superuser | p.is_county_viewer | p.is_presidium_staff


@rules.predicate
def may_drill_into(user, township) -> bool:
    """Open the records of one township: superuser, the county viewer of its county, or the
    presidium office of that very township."""
    if township is None:
        return False
    if user.is_superuser:
        return True
    if p.is_county_viewer(user):
        return township.county_id == user.county_id
    return p.is_presidium_staff(user) and township.pk == user.township_id


rules.add_perm("dashboards.view_county", can_view_county_dashboard)
rules.add_perm("dashboards.view_township", can_view_township_dashboard & may_drill_into)
