from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PlatformAdminSite(admin.AdminSite):
    site_header = "乡镇人大主席团工作平台 · 管理后台"
    site_title = "人大工作平台后台"
    index_title = "工作台"

    def has_permission(self, request):
        """Presidium office, county viewers and system administrators use the admin;
        deputies, station administrators and handlers use the portal."""
        user = request.user
        return bool(user.is_active and user.has_perm("congress.use_admin"))

    def each_context(self, request):
        context = super().each_context(request)
        context["site_url"] = "/portal/"
        context["PLATFORM_NAME"] = settings.PLATFORM_NAME
        return context


class PlatformAdminConfig(AdminConfig):
    default_site = "congress.admin_site.PlatformAdminSite"
