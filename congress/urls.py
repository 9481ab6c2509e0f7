from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from congress.views.health import healthz
from congress.views.media import serve_media

# The root URLconf names every app's URL module by its dotted path (Django imports them); each
# sets its own app_name. Portal pages live under /portal/<prefix>/, public pages at the root.
FEATURE_APPS = {
    "deputies": "deputies",
    "liaison_stations": "stations",
    "suggestions": "suggestions",
    "sessions_app": "sessions",
}

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("dashboard/", include("dashboards.urls")),
    path("portal/", include("congress.urls_portal")),
    *[path(f"portal/{prefix}/", include(f"{app}.urls_portal")) for app, prefix in FEATURE_APPS.items()],
    *[path("", include(f"{app}.urls_public")) for app in FEATURE_APPS],
    path("", include("congress.urls_public")),
]

# Uploads: always through the permission-checking view (never a static /media/ directory).
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"))

handler403 = "congress.views.errors.permission_denied"
handler404 = "congress.views.errors.page_not_found"
