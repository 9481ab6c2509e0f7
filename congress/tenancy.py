"""Township tenancy for querysets: the list-side twin of the predicates in permissions.py."""

from django.db.models import Q, QuerySet

from .roles import Role


def _path(model, attr: str) -> str | None:
    return getattr(model, attr, None)


def scope_to_user(qs: QuerySet, user) -> QuerySet:
    """Rows of ``qs`` that ``user`` may read.

    Superusers read everything; the county viewer reads every township of their county; a
    township member reads their own township; anyone else reads nothing. County-wide rows (a
    model whose township path is empty, like county departments) are readable county-wide.
    """
    model = qs.model
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser:
        return qs
    township_path = _path(model, "TOWNSHIP_FIELD")
    county_path = _path(model, "COUNTY_FIELD")
    if county_path == "pk":
        return qs.filter(pk=user.county_id)
    if township_path == "pk":
        township_county = "county"
    elif township_path:
        township_county = f"{township_path}__county"
    else:
        township_county = None

    if user.role == Role.COUNTY_VIEWER:
        if county_path:
            return qs.filter(**{county_path: user.county_id})
        if township_county:
            # By the county's township ids, not a join on township.county: the planner then
            # reads a long list by its own indexes (ordering, MIN/MAX of the date hierarchy)
            # instead of joining every row to its township first.
            from .models import Township

            ids = list(Township.objects.filter(county_id=user.county_id).values_list("pk", flat=True))
            return qs.filter(**{"pk__in" if township_path == "pk" else f"{township_path}__in": ids})
        return qs.none()
    if user.township_id is None:
        if county_path and user.county_id and township_path:
            # A county department's handler sees county-wide rows only.
            return qs.filter(**{county_path: user.county_id, f"{township_path}__isnull": True})
        return qs.none()
    if not township_path:
        return qs.none()
    condition = Q(**{township_path: user.township_id})
    if (
        county_path
        and township_path != "pk"
        and model._meta.get_field(township_path.split("__")[0]).null
    ):
        condition |= Q(**{county_path: user.county_id, f"{township_path}__isnull": True})
    return qs.filter(condition)


def user_townships(user) -> QuerySet:
    """The townships a user may look at (one, or the whole county)."""
    from .models import Township

    return scope_to_user(Township.objects.all(), user)
