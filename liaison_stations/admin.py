"""Admin screens for presidium staff: stations, standard sets and evidence checks, reception
rules, days and records, work plans and activities. Writes with side effects go through the
services (duty records, roster notifications, evidence checks)."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

from congress.admin_base import (
    ReadOnlyHistoryAdmin,
    ScopedFormFieldsMixin,
    TownshipScopedAdmin,
    TownshipScopedInline,
)
from congress.figures import percent_text
from congress.table_import import TableImportAdminMixin
from congress.pagination import related_count
from congress.tenancy import user_townships
from congress.validators import mask_phone, normalize_mobile

from . import selectors, services
from .models import (
    ActivityPhoto,
    ReceptionDay,
    ReceptionIssue,
    ReceptionRecord,
    ReceptionRule,
    StandardEvidence,
    StandardItem,
    StandardSet,
    Station,
    StationActivity,
    WorkPlan,
    WorkPlanItem,
)
from .staff_import import StationStaffImporter
from .templatetags.station_tags import suggestion_action


# --- Stations ---------------------------------------------------------------------------------


class ReceptionRuleInline(TownshipScopedInline):
    model = ReceptionRule
    fields = ["frequency", "month_days", "weekday", "month_end", "start_date", "end_date",
              "time_note", "is_active"]


@admin.register(Station)
class StationAdmin(TableImportAdminMixin, TownshipScopedAdmin):
    importer = StationStaffImporter()
    list_display = ["name", "kind", "parent", "township", "convener", "administrator",
                    "deputy_count", "compliance", "is_active"]
    list_filter = ["kind", "is_active", "standard_set", "township"]
    search_fields = ["name", "address", "liaison_officer"]
    filter_horizontal = ["deputies"]
    inlines = [ReceptionRuleInline]
    actions = ["generate_this_year"]
    fieldsets = [
        (None, {"fields": ["township", "kind", "name", "parent", "village", "address", "intro",
                           "is_active"]}),
        ("人员", {"fields": ["convener", "administrator", "liaison_officer", "liaison_phone",
                             "deputies"]}),
        ("建设标准", {"fields": ["standard_set"]}),
    ]
    change_list_template = "liaison_stations/admin/station_changelist.html"

    def get_queryset(self, request):
        return selectors.with_compliance(
            super().get_queryset(request).select_related(
                "township", "parent", "convener", "administrator", "standard_set"
            )
        ).annotate(deputy_total=Count("deputies", distinct=True))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "standard_set" and formfield is not None:
            formfield.queryset = selectors.standard_sets_for_user(request.user)
        if db_field.name == "administrator" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(role="station_admin")
        if db_field.name == "parent" and formfield is not None:
            formfield.queryset = formfield.queryset.exclude(kind=Station.Kind.POINT)
        return formfield

    @admin.display(description="进站代表", ordering="deputy_total")
    def deputy_count(self, obj):
        return obj.deputy_total

    @admin.display(description="达标率")
    def compliance(self, obj):
        if not obj.item_total:
            return "—"
        return f"{obj.item_checked}/{obj.item_total}({percent_text(obj.item_checked, obj.item_total)})"

    @admin.action(description="按规则生成本年度剩余接待日")
    def generate_this_year(self, request, queryset):
        today = timezone.localdate()
        total = 0
        for station in queryset:
            try:
                total += len(services.reception_days_generate(
                    actor=request.user, station=station, start=today,
                    end=datetime.date(today.year, 12, 31),
                ))
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{station}:{exc}", messages.ERROR)
        self.message_user(request, f"共生成接待日 {total} 个。", messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        townships = list(user_townships(request.user))
        extra_context = extra_context or {}
        extra_context["township_compliance"] = [
            (t, selectors.township_compliance(t)) for t in townships
        ]
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        return [
            path(
                "unassigned-deputies/",
                self.admin_site.admin_view(self.unassigned_view),
                name="liaison_stations_station_unassigned",
            )
        ] + super().get_urls()

    def unassigned_view(self, request):
        """Deputies with an active mandate who are in no station (DOMAIN §4)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [(t, list(selectors.deputies_without_station(t))) for t in user_townships(request.user)]
        context = {
            **self.admin_site.each_context(request),
            "title": "未进站代表",
            "rows": rows,
            "opts": self.opts,
        }
        return TemplateResponse(request, "liaison_stations/admin/unassigned.html", context)


class EvidenceAdminForm(forms.ModelForm):
    class Meta:
        model = StandardEvidence
        fields = ["station", "item", "photo", "note"]

    def clean(self):
        data = super().clean()
        station, item = data.get("station"), data.get("item")
        if station and item and station.standard_set_id != item.standard_set_id:
            self.add_error("item", f"该条目不属于“{station}”的建设标准,请先在站点中指定标准或换一个条目。")
        if not data.get("photo") and not (data.get("note") or "").strip() and not self.instance.photo:
            self.add_error("note", "请上传照片或填写说明,至少一项。")
        return data


# --- Standard sets ----------------------------------------------------------------------------


class StandardItemInline(ScopedFormFieldsMixin, admin.TabularInline):
    model = StandardItem
    extra = 0
    fields = ["order", "name", "description"]

    def _set_perm(self, request, action, obj):
        return request.user.has_perm(f"liaison_stations.{action}_standardset", obj)

    def has_view_permission(self, request, obj=None):
        return self._set_perm(request, "view", obj)

    def has_add_permission(self, request, obj=None):
        return self._set_perm(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._set_perm(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._set_perm(request, "change", obj)


@admin.register(StandardSet)
class StandardSetAdmin(ObjectPermissionsModelAdminMixin, ScopedFormFieldsMixin, ReadOnlyHistoryAdmin):
    """Preset sets (no township) are shared read-only; a township's staff edit their own."""

    list_display = ["name", "township", "item_names", "source"]
    list_filter = ["township"]
    search_fields = ["name", "items__name"]
    inlines = [StandardItemInline]

    def has_module_permission(self, request):
        return request.user.has_perm("liaison_stations.view_standardset")

    def has_add_permission(self, request, *args):
        return request.user.has_perm("liaison_stations.add_standardset")

    def get_queryset(self, request):
        return selectors.standard_sets_for_user(request.user).prefetch_related("items")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "township" and not request.user.is_superuser:
            formfield.queryset = user_townships(request.user)
            formfield.required = True
            formfield.empty_label = None
        return formfield

    @admin.display(description="条目")
    def item_names(self, obj):
        return "、".join(i.name for i in obj.items.all())


@admin.register(StandardEvidence)
class StandardEvidenceAdmin(TownshipScopedAdmin):
    list_display = ["station", "item", "has_photo", "short_note", "submitted_at", "checked_on",
                    "checked_by"]
    list_filter = [("checked_on", admin.EmptyFieldListFilter), "item__standard_set",
                   "station__township"]
    search_fields = ["station__name", "item__name", "note"]
    autocomplete_fields = ["station"]
    readonly_fields = ["submitted_by", "submitted_at", "checked_by", "checked_on", "check_note"]
    fields = ["station", "item", "photo", "note", "submitted_by", "submitted_at", "checked_by",
              "checked_on", "check_note"]
    form = EvidenceAdminForm
    actions = ["check_today", "uncheck"]
    date_hierarchy = "submitted_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("station", "item", "checked_by")

    @admin.display(description="照片", boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)

    @admin.display(description="说明")
    def short_note(self, obj):
        return obj.note[:30]

    @admin.action(description="核查通过(日期为今天)")
    def check_today(self, request, queryset):
        done = 0
        for evidence in queryset:
            try:
                services.evidence_check(actor=request.user, evidence=evidence)
                done += 1
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(request, f"已核查 {done} 条佐证。", messages.SUCCESS)

    @admin.action(description="撤销核查")
    def uncheck(self, request, queryset):
        for evidence in queryset:
            services.evidence_uncheck(actor=request.user, evidence=evidence)
        self.message_user(request, "已撤销核查。", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        services.evidence_submit(
            actor=request.user, station=obj.station, item=obj.item, note=obj.note,
            photo=form.cleaned_data.get("photo") if "photo" in request.FILES else None,
        )
        obj.pk = StandardEvidence.objects.get(station=obj.station, item=obj.item).pk


# --- Reception --------------------------------------------------------------------------------


@admin.register(ReceptionRule)
class ReceptionRuleAdmin(TownshipScopedAdmin):
    list_display = ["station", "describe", "month_end", "start_date", "end_date", "is_active"]
    list_filter = ["frequency", "is_active", "station__township"]
    search_fields = ["station__name"]
    autocomplete_fields = ["station"]

    @admin.display(description="规则")
    def describe(self, obj):
        return obj.describe()


@admin.register(ReceptionDay)
class ReceptionDayAdmin(TownshipScopedAdmin):
    list_display = ["date", "station", "time_note", "roster", "is_cancelled"]
    list_filter = ["is_cancelled", "station__township", "station"]
    search_fields = ["station__name", "duty_deputies__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["station"]
    filter_horizontal = ["duty_deputies"]
    exclude = ["rule"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("station").prefetch_related(
            "duty_deputies"
        )

    @admin.display(description="值班代表")
    def roster(self, obj):
        return "、".join(d.name for d in obj.duty_deputies.all()) or "未排班"

    def save_related(self, request, form, formsets, change):
        deputies = form.cleaned_data.get("duty_deputies")
        super().save_related(request, form, formsets, change)
        if deputies is not None:
            services.reception_day_set_roster(actor=request.user, day=form.instance, deputies=deputies)


class ReceptionIssueAdminForm(forms.ModelForm):
    """The visitor's number is shown masked here, to everyone (docs/security.md, "Privacy by
    role"; the audited reveal is on the portal's reception page). Typing a new full number
    replaces it; leaving the masked text keeps the stored one."""

    visitor_phone = forms.CharField(label="来访人电话", max_length=20, required=False)

    class Meta:
        model = ReceptionIssue
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.visitor_phone:
            self.initial["visitor_phone"] = mask_phone(self.instance.visitor_phone)
            self.fields["visitor_phone"].help_text = (
                "已隐藏中间四位;更正时请输入完整的新号码。查看完整号码请到工作台的接待记录页(留痕)。"
            )

    def clean_visitor_phone(self):
        value = (self.cleaned_data.get("visitor_phone") or "").strip()
        stored = self.instance.visitor_phone
        if stored and value == mask_phone(stored):
            return stored
        return normalize_mobile(value)


class ReceptionIssueInline(TownshipScopedInline):
    model = ReceptionIssue
    form = ReceptionIssueAdminForm
    extra = 1
    fields = ["visitor_name", "visitor_phone", "village", "content", "answered_on_spot", "answer",
              "suggestion_link"]
    readonly_fields = ["suggestion_link", "masked_visitor_phone"]

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fields
        # Read-only rows would print the stored value: show the masked one instead.
        return ["masked_visitor_phone" if f == "visitor_phone" else f for f in self.fields]

    @admin.display(description="来访人电话")
    def masked_visitor_phone(self, issue):
        return mask_phone(issue.visitor_phone) if issue and issue.visitor_phone else "—"

    def has_view_permission(self, request, obj=None):
        return self._parent_perm(request, "view", obj)

    @admin.display(description="建议")
    def suggestion_link(self, issue):
        if not issue or not issue.pk:
            return "—"
        action = suggestion_action(issue, admin=True)
        if action.get("suggestion") is not None:
            if action.get("url"):
                return format_html('<a href="{}">已转为建议:{}</a>', action["url"], action["suggestion"])
            return format_html("已转为建议:{}", action["suggestion"])
        if action.get("convert_url"):
            # A submit button of the admin form posting (with its CSRF token) to the
            # suggestions module's view; HTML forbids a form nested in the admin form.
            return format_html(
                '<button type="submit" class="button" formaction="{}" formmethod="post" '
                'formnovalidate>转为建议</button>',
                action["convert_url"],
            )
        return "—"


@admin.register(ReceptionRecord)
class ReceptionRecordAdmin(TownshipScopedAdmin):
    list_display = ["date", "station", "township", "deputy_names", "issue_count", "created_by"]
    list_filter = ["station__township", "station"]
    search_fields = ["station__name", "summary", "issues__content", "deputies_present__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["station"]
    filter_horizontal = ["deputies_present"]
    readonly_fields = ["created_by", "created_at", "reception_day"]
    inlines = [ReceptionIssueInline]
    change_form_template = "liaison_stations/admin/reception_change_form.html"

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .select_related("station", "township", "created_by")
            .prefetch_related("deputies_present")
            .annotate(issue_total=related_count(ReceptionIssue, "record"))
        )

    @admin.display(description="接待代表")
    def deputy_names(self, obj):
        return "、".join(d.name for d in obj.deputies_present.all())

    @admin.display(description="反映事项", ordering="issue_total")
    def issue_count(self, obj):
        return obj.issue_total

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.station_id:
            obj.township_id = obj.station.township_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.reception_sync_duty_records(record=form.instance, actor=request.user)

    def get_exclude(self, request, obj=None):
        return ["township"]


# --- Activities and plans ---------------------------------------------------------------------


class WorkPlanItemInline(TownshipScopedInline):
    model = WorkPlanItem
    extra = 1
    fields = ["month", "title", "kind", "note"]


@admin.register(WorkPlan)
class WorkPlanAdmin(TownshipScopedAdmin):
    list_display = ["title", "station", "year", "item_count", "done_count"]
    list_filter = ["year", "station__township"]
    search_fields = ["title", "station__name"]
    autocomplete_fields = ["station"]
    inlines = [WorkPlanItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("station").prefetch_related(
            "items__activities"
        )

    @admin.display(description="计划活动数")
    def item_count(self, obj):
        return len(obj.items.all())

    @admin.display(description="已开展")
    def done_count(self, obj):
        return sum(1 for item in obj.items.all() if item.activities.all())


class ActivityPhotoInline(TownshipScopedInline):
    model = ActivityPhoto
    fields = ["image", "caption"]


@admin.register(StationActivity)
class StationActivityAdmin(TownshipScopedAdmin):
    list_display = ["date", "title", "station", "kind", "participant_count", "hours"]
    list_filter = ["kind", "station__township", "station"]
    search_fields = ["title", "content", "station__name", "participants__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["station"]
    filter_horizontal = ["participants"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [ActivityPhotoInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("station").annotate(
            participant_total=Count("participants", distinct=True)
        )

    @admin.display(description="参加代表", ordering="participant_total")
    def participant_count(self, obj):
        return obj.participant_total

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.activity_sync_duty_records(activity=form.instance, actor=request.user)
