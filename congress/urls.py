from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from congress.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("portal/", include("congress.urls_portal")),
    path("", include("congress.urls_public")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "congress.views.errors.permission_denied"
handler404 = "congress.views.errors.page_not_found"
