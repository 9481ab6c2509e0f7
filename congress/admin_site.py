from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results labelled by the target admin's ``autocomplete_label(obj)`` when it
    has one (an agenda item named with its session), else ``str(obj)`` as Django does."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class PlatformAdminSite(admin.AdminSite):
    site_header = "乡镇人大主席团工作平台 · 管理后台"
    site_title = "人大工作平台后台"
    index_title = "工作台"

    def has_permission(self, request):
        """Presidium office, county viewers and system administrators use the admin;
        deputies, station administrators and handlers use the portal."""
        user = request.user
        return bool(user.is_active and user.has_perm("congress.use_admin"))

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def each_context(self, request):
        context = super().each_context(request)
        context["site_url"] = "/portal/"
        context["PLATFORM_NAME"] = settings.PLATFORM_NAME
        return context


class PlatformAdminConfig(AdminConfig):
    default_site = "congress.admin_site.PlatformAdminSite"
