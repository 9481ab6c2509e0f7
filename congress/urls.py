from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from congress.views.health import healthz
from congress.views.media import serve_media

# Each feature app may have urls_portal.py (mounted under /portal/<prefix>/) and urls_public.py
# (mounted at the site root); both set their own app_name.
FEATURE_APPS = {
    "deputies": "deputies",
    "liaison_stations": "stations",
    "suggestions": "suggestions",
    "sessions_app": "sessions",
}


def _feature_urls():
    patterns = []
    for app, prefix in FEATURE_APPS.items():
        if find_spec(f"{app}.urls_portal"):
            patterns.append(path(f"portal/{prefix}/", include(f"{app}.urls_portal")))
        if find_spec(f"{app}.urls_public"):
            patterns.append(path("", include(f"{app}.urls_public")))
    return patterns


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("portal/", include("congress.urls_portal")),
    *_feature_urls(),
    path("", include("congress.urls_public")),
]

if find_spec("dashboards"):
    urlpatterns.insert(2, path("dashboard/", include("dashboards.urls")))

# Uploads: always through the permission-checking view (never a static /media/ directory).
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"))

handler403 = "congress.views.errors.permission_denied"
handler404 = "congress.views.errors.page_not_found"
