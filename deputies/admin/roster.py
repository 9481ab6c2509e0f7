"""The roster: deputy groups and deputies (with the export, the import wizard and the
ledgers mixed in)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone

from congress.admin_base import TownshipScopedAdmin
from congress.export_jobs import export_sync_max_rows
from congress.views.exports import start_export

from .. import export_kinds, roster_excel
from ..forms import DeputyAdminForm
from ..models import Deputy, DeputyGroup, Level, Mandate, MandateStatus
from .common import PhoneHidingMixin, _xlsx_response
from .import_wizard import RosterImportMixin
from .ledgers import LedgerViewsMixin
from .mandates import MandateInline, save_mandate_formset


class DeputyGroupForm(forms.ModelForm):
    class Meta:
        model = DeputyGroup
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        township, term, leader = cleaned.get("township"), cleaned.get("term"), cleaned.get("leader")
        if township and term and term.township_id != township.pk:
            self.add_error("term", "届次必须属于该乡镇。")
        if leader and self.instance.pk and leader.group_id != self.instance.pk:
            self.add_error("leader", "组长必须是本小组的代表。")
        return cleaned


@admin.register(DeputyGroup)
class DeputyGroupAdmin(TownshipScopedAdmin):
    form = DeputyGroupForm
    list_display = ["name", "term", "leader", "member_count", "township"]
    list_filter = ["term__is_current", "township"]
    search_fields = ["name"]
    autocomplete_fields = ["leader"]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("term", "leader", "township")
            .annotate(n_members=Count("members", distinct=True))
        )

    @admin.display(description="代表人数", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


class ActiveLevelFilter(admin.SimpleListFilter):
    title = "在任层级"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return Level.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.on_roster(level=self.value())
        return queryset


class OnRosterFilter(admin.SimpleListFilter):
    title = "代表资格"
    parameter_name = "roster"

    def lookups(self, request, model_admin):
        return [("yes", "在任"), ("no", "已无在任资格")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.on_roster()
        if self.value() == "no":
            return queryset.exclude(pk__in=Deputy.objects.on_roster().values("pk"))
        return queryset


@admin.register(Deputy)
class DeputyAdmin(RosterImportMixin, LedgerViewsMixin, PhoneHidingMixin, TownshipScopedAdmin):
    form = DeputyAdminForm
    inlines = [MandateInline]
    list_display = [
        "name",
        "gender",
        "levels",
        "district",
        "group",
        "phone_display",
        "is_presidium_member",
        "township",
    ]
    list_display_links = ["name"]
    list_filter = [
        OnRosterFilter,
        ActiveLevelFilter,
        "group",
        "category",
        "is_presidium_member",
        "township",
    ]
    # Never the phone: a reader who may not see numbers could find one by searching for it.
    search_fields = ["name", "employer", "district__name"]
    autocomplete_fields = ["group", "district", "user"]
    list_select_related = ["district", "group", "township"]
    fieldsets = [
        (
            "基本信息",
            {"fields": ["township", "name", "gender", "ethnicity", "birth_date", "photo"]},
        ),
        (
            "政治面貌与职业",
            {"fields": ["political_status", "education", "occupation", "employer", "category"]},
        ),
        ("代表工作", {"fields": ["district", "group", "is_presidium_member", "user"]}),
        ("联系方式(不公开)", {"fields": ["phone"]}),
    ]

    def get_queryset(self, request):
        from django.db.models import Prefetch

        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "mandates",
                    queryset=Mandate.objects.filter(status=MandateStatus.ACTIVE),
                    to_attr="active_mandates",
                )
            )
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Mandate:
            save_mandate_formset(actor=request.user, deputy=form.instance, formset=formset)
            return
        super().save_formset(request, form, formset, change)

    @admin.display(description="在任层级")
    def levels(self, obj):
        return obj.levels_display or "—"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            *self.import_urls(),
            path("export.xlsx", wrap(self.export_view), name="deputies_deputy_export"),
            *self.ledger_urls(),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The roster as listed (same filters and search), with the import's columns."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        deputies = self.get_changelist_instance(request).get_queryset(request)
        filename = f"代表花名册-{timezone.localdate():%Y%m%d}.xlsx"
        if deputies.count() > export_sync_max_rows():  # long: built by the worker, as listed
            ids = list(deputies.values_list("pk", flat=True))
            townships = sorted(set(deputies.values_list("township_id", flat=True)))
            return start_export(request, kind=export_kinds.ROSTER, parameters={"ids": ids, "filename": filename},
                                title=f"代表花名册({len(ids)} 人)", filename=filename, township_ids=townships)
        content = roster_excel.roster_workbook(
            deputies, show_phone=lambda d: request.user.has_perm("deputies.view_deputy_phone", d)
        )
        return _xlsx_response(content, filename)
