from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .admin_base import ReadOnlyAdminMixin, TownshipScopedAdmin
from .department_import import DepartmentImporter
from .district_import import VillageDistrictImporter
from .models import County, Department, ElectoralDistrict, Notification, Term, Township, User, Village
from .models import NoticeChannelDefault, PhoneReveal
from .roles import Role
from .table_import import TableImportAdminMixin
from .tenancy import scope_to_user


@admin.register(County)
class CountyAdmin(TownshipScopedAdmin):
    list_display = ["name", "congress_name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {}


@admin.register(Township)
class TownshipAdmin(TownshipScopedAdmin):
    list_display = ["name", "kind", "county", "office_phone"]
    list_filter = ["kind", "county"]
    search_fields = ["name", "slug"]


@admin.register(Village)
class VillageAdmin(TownshipScopedAdmin):
    list_display = ["name", "kind", "township"]
    list_filter = ["kind", "township"]
    search_fields = ["name"]


@admin.register(ElectoralDistrict)
class ElectoralDistrictAdmin(TableImportAdminMixin, TownshipScopedAdmin):
    importer = VillageDistrictImporter()
    list_display = ["number", "name", "township", "village_names"]
    list_display_links = ["number", "name"]
    list_filter = ["township"]
    search_fields = ["name", "villages__name"]
    filter_horizontal = ["villages"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("villages")

    @admin.display(description="包含村(社区)")
    def village_names(self, obj):
        return "、".join(v.name for v in obj.villages.all())


@admin.register(Department)
class DepartmentAdmin(TableImportAdminMixin, TownshipScopedAdmin):
    importer = DepartmentImporter()
    list_display = ["name", "kind", "township", "contact_person", "is_active"]
    list_filter = ["kind", "is_active", "township"]
    search_fields = ["name", "contact_person"]


@admin.register(Term)
class TermAdmin(TownshipScopedAdmin):
    list_display = ["__str__", "township", "start_date", "end_date", "is_current"]
    list_filter = ["is_current", "township"]


class PlatformUserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        township = cleaned.get("township")
        department = cleaned.get("department")
        role = cleaned.get("role")
        if township and not cleaned.get("county"):
            cleaned["county"] = township.county
        if department and not cleaned.get("county"):
            cleaned["county"] = department.county
        if role in {Role.CHAIR, Role.VICE_CHAIR, Role.STAFF, Role.STATION_ADMIN, Role.DEPUTY}:
            if not township:
                self.add_error("township", "该角色必须指定所属乡镇。")
        if role == Role.HANDLER and not department:
            self.add_error("department", "承办单位经办人必须指定所属承办单位。")
        if role == Role.COUNTY_VIEWER and township:
            self.add_error("township", "县人大常委会账号不属于任何乡镇,请留空。")
        if township and cleaned.get("county") and township.county_id != cleaned["county"].pk:
            self.add_error("township", "所属乡镇不在所选的县内。")
        if not cleaned.get("is_superuser") and not cleaned.get("county"):
            self.add_error("county", "请指定所属县。")
        return cleaned


@admin.register(User)
class UserAdmin(TownshipScopedAdmin, DjangoUserAdmin):
    form = PlatformUserChangeForm
    list_display = ["username", "name", "role", "township", "department", "is_active", "last_login"]
    list_filter = ["role", "is_active", "township"]
    search_fields = ["username", "name", "phone", "email"]
    ordering = ["township", "role", "username"]
    autocomplete_fields = ["department"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("基本信息", {"fields": ["name", "title", "phone", "email", "wecom_userid"]}),
        ("角色与归属", {"fields": ["role", "county", "township", "department", "is_active"]}),
        ("系统", {"fields": ["is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2"]}),
        ("基本信息", {"fields": ["name", "title", "phone", "email", "wecom_userid"]}),
        ("角色与归属", {"fields": ["role", "county", "township", "department"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "is_superuser"]})
            for name, opts in fieldsets
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "role" in form.base_fields:
            allowed = {Role.STAFF, Role.STATION_ADMIN, Role.DEPUTY, Role.HANDLER}
            if request.user.role == Role.CHAIR:
                allowed |= {Role.VICE_CHAIR}
            form.base_fields["role"].choices = [
                (value, label) for value, label in Role.choices if value in allowed
            ]
        return form

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("township", "department")
        if not request.user.is_superuser:
            qs = qs.filter(is_superuser=False)
        return qs


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at", "emailed_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username", "recipient__name"]
    raw_id_fields = ["recipient"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


from .models import CalendarOverride  # noqa: E402


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Staff enter a later year's official schedule here; rows win over the chinesecalendar
    package (see congress/workdays.py)."""

    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def has_module_permission(self, request):
        return request.user.has_perm("congress.use_admin")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("congress.use_admin")

    def _may_edit(self, request):
        from . import permissions as p

        return p.is_superuser(request.user) or p.is_presidium_staff(request.user)

    def has_add_permission(self, request):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)


@admin.register(NoticeChannelDefault)
class NoticeChannelDefaultAdmin(TownshipScopedAdmin):
    list_display = ["role", "township", "email", "sms", "wecom"]
    list_filter = ["role", "township"]


from .models import Delivery  # noqa: E402


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox for staff: what went out, what waits, what finally failed (and why)."""

    list_display = ["created_at", "channel", "recipient", "address", "title", "status", "attempts",
                    "next_attempt_at", "sent_at", "short_error"]
    list_filter = ["status", "channel"]
    search_fields = ["address", "recipient__name", "recipient__username", "dedupe_key"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry_failed"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("recipient")
        if request.user.is_superuser:
            return qs
        return qs.filter(recipient__township_id=request.user.township_id)

    @admin.display(description="标题")
    def title(self, obj):
        return (obj.params or {}).get("title", "")

    @admin.display(description="错误原因")
    def short_error(self, obj):
        return obj.error[:80]

    def _may_see(self, request):
        from . import permissions as p

        return p.is_superuser(request.user) or p.is_presidium_staff(request.user)

    def has_module_permission(self, request):
        return self._may_see(request)

    def has_view_permission(self, request, obj=None):
        return self._may_see(request)

    @admin.action(description="重新发送所选的发送失败消息")
    def retry_failed(self, request, queryset):
        from .outbox import delivery_retry

        count = delivery_retry(actor=request.user, deliveries=list(queryset))
        self.message_user(request, f"已重新排队 {count} 条消息(只处理状态为“发送失败”的消息)。")


@admin.register(PhoneReveal)
class PhoneRevealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who was shown a citizen's full phone number, when, for which record, from which address
    (docs/security.md, "Privacy by role"). Read-only for everyone; each admin user reads their
    township's rows, the county viewer the county's."""

    list_display = ["revealed_at", "viewer", "township", "subject_label", "ip"]
    list_filter = [("revealed_at", admin.DateFieldListFilter), ("user", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "revealed_at"
    search_fields = ["user__name", "user__username", "subject", "ip"]
    list_select_related = ["user", "township"]
    list_per_page = 50

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), request.user)

    @admin.display(description="查看人", ordering="user__name")
    def viewer(self, obj):
        return obj.user.display_name

    @admin.display(description="查看对象", ordering="subject")
    def subject_label(self, obj):
        return obj.subject_label

    def has_module_permission(self, request):
        return request.user.has_perm("congress.use_admin")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("congress.use_admin")
