"""User roles. Kept apart from models so the permission predicates can import them freely."""

from django.db import models


class Role(models.TextChoices):
    COUNTY_VIEWER = "county_viewer", "县人大常委会(只读)"
    CHAIR = "chair", "人大主席"
    VICE_CHAIR = "vice_chair", "人大副主席"
    STAFF = "staff", "人大办工作人员"
    STATION_ADMIN = "station_admin", "联络站管理员"
    DEPUTY = "deputy", "人大代表"
    HANDLER = "handler", "承办单位经办人"


PRESIDIUM_LEADERS = frozenset({Role.CHAIR, Role.VICE_CHAIR})
PRESIDIUM_STAFF = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.STAFF})
# Roles that belong to one township and see only its records.
TOWNSHIP_ROLES = frozenset(
    {Role.CHAIR, Role.VICE_CHAIR, Role.STAFF, Role.STATION_ADMIN, Role.DEPUTY}
)
# Roles that work in the Django admin.
ADMIN_ROLES = frozenset({Role.COUNTY_VIEWER, Role.CHAIR, Role.VICE_CHAIR, Role.STAFF})
