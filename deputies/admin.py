"""Staff screens for deputies: roster (with Excel import and export), mandates, groups, duty
records with photos, the annual summary and ranking, score weights, 双联系, and the ledgers."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from congress.admin_base import TownshipScopedAdmin, TownshipScopedInline
from congress.exports import safe_row
from congress.models import Term
from congress.tenancy import scope_to_user, user_townships

from . import roster_excel
from .forms import DeputyAdminForm, RosterUploadForm
from .ledgers import LEDGERS
from .models import (
    Deputy,
    DeputyGroup,
    DutyKind,
    DutyPhoto,
    DutyRecord,
    DutyScoreWeight,
    Mandate,
    MandateStatus,
    PresidiumLink,
    VoterContact,
)
from .selectors import annual_summary, deputies_without_records, duty_weights
from .services import DeputyError, roster_import
from .views.portal import ledger_response

IMPORT_SESSION_KEY = "deputies_roster_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _phone_for(request, obj, phone: str) -> str:
    """The number for readers allowed to see it (``deputies.view_deputy_phone``), else masked."""
    from congress.validators import mask_phone

    if request.user.has_perm("deputies.view_deputy_phone", obj):
        return phone
    return mask_phone(phone)


class PhoneHidingMixin:
    """Shows the ``phone`` field only to readers allowed to see it; the county viewer and
    others get a masked, read-only ``手机号码`` (on the history pages too, which build their
    form from the same fieldsets). In the list, the ``"phone_display"`` column is masked per
    row the same way."""

    def _hides_phone(self, request, obj) -> bool:
        return not request.user.has_perm("deputies.view_deputy_phone", obj)

    def get_list_display(self, request):
        def phone_display(obj):
            return _phone_for(request, obj, obj.phone)

        phone_display.short_description = self.model._meta.get_field("phone").verbose_name
        return [
            phone_display if f == "phone_display" else f for f in super().get_list_display(request)
        ]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self._hides_phone(request, obj):
            fields = ["masked_phone_display" if f == "phone" else f for f in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._hides_phone(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **opts,
                    "fields": [
                        "masked_phone_display" if f == "phone" else f for f in opts["fields"]
                    ],
                },
            )
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._hides_phone(request, obj):
            readonly.append("masked_phone_display")
        return readonly

    @admin.display(description="手机号码")
    def masked_phone_display(self, obj):
        return obj.masked_phone if obj else ""

    @admin.display(description="手机号码")
    def phone_display(self, obj):
        # Stands in for the system checks; get_list_display puts the per-request column here.
        return obj.masked_phone


# --- Groups ----------------------------------------------------------------------------------


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


# --- Deputies --------------------------------------------------------------------------------


class MandateInlineForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["level", "term_number", "elected_on", "status", "status_date", "status_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") and cleaned["status"] != MandateStatus.ACTIVE:
            if not cleaned.get("status_date"):
                self.add_error("status_date", "终止代表资格须填写变更日期。")
            if not (cleaned.get("status_reason") or "").strip():
                self.add_error("status_reason", "终止代表资格须填写原因。")
        return cleaned


class MandateInline(TownshipScopedInline):
    """Mandates end with a status, a date and a reason; they are never deleted."""

    model = Mandate
    form = MandateInlineForm
    extra = 0
    can_delete = False
    verbose_name = "代表资格"
    verbose_name_plural = "代表资格(各层级、各届次;终止时填写状态、日期和原因,记录永久保留)"

    def has_delete_permission(self, request, obj=None):
        return False


class ActiveLevelFilter(admin.SimpleListFilter):
    title = "在任层级"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        from .models import Level

        return Level.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                mandates__level=self.value(), mandates__status=MandateStatus.ACTIVE
            ).distinct()
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
class DeputyAdmin(PhoneHidingMixin, TownshipScopedAdmin):
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

    @admin.display(description="在任层级")
    def levels(self, obj):
        return obj.levels_display or "—"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="deputies_deputy_import"),
            path(
                "import/preview/",
                wrap(self.import_preview_view),
                name="deputies_deputy_import_preview",
            ),
            path(
                "import/template.xlsx",
                wrap(self.import_template_view),
                name="deputies_deputy_import_template",
            ),
            path("export.xlsx", wrap(self.export_view), name="deputies_deputy_export"),
            path("<int:pk>/ledgers/", wrap(self.ledgers_view), name="deputies_deputy_ledgers"),
            path(
                "<int:pk>/ledgers/<slug:key>.<str:fmt>",
                wrap(self.ledger_download_view),
                name="deputies_deputy_ledger_download",
            ),
            *super().get_urls(),
        ]

    # Import: upload → preview with per-row errors → import all, or skip the bad rows.

    def _import_terms(self, request):
        return scope_to_user(Term.objects.select_related("township"), request.user).order_by(
            "township__name", "-number"
        )

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RosterUploadForm(
            request.POST or None, request.FILES or None, terms=self._import_terms(request)
        )
        if request.method == "POST" and form.is_valid():
            term = form.cleaned_data["term"]
            request.session[IMPORT_SESSION_KEY] = {
                "term": term.pk,
                "level_terms": form.level_terms(),
                "filename": form.cleaned_data["file"].name,
                "rows": [row.to_json() for row in form.raw_rows],
            }
            return redirect("admin:deputies_deputy_import_preview")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "从 Excel 导入代表花名册",
            "form": form,
            "headers": roster_excel.COLUMNS,
        }
        return TemplateResponse(request, "admin/deputies/deputy/import.html", context)

    def import_preview_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending:
            messages.warning(request, "请先上传花名册文件。")
            return redirect("admin:deputies_deputy_import")
        term = self._import_terms(request).filter(pk=pending["term"]).first()
        if term is None:
            raise PermissionDenied
        raw_rows = [roster_excel.RawRow.from_json(r) for r in pending["rows"]]
        check = roster_excel.check_rows(raw_rows, township=term.township, term=term)
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "cancel":
                request.session.pop(IMPORT_SESSION_KEY, None)
                messages.info(request, "已取消导入,未写入任何数据。")
                return redirect("admin:deputies_deputy_changelist")
            try:
                created = roster_import(
                    actor=request.user,
                    township=term.township,
                    term=term,
                    check=check,
                    level_terms=pending["level_terms"],
                    skip_invalid=action == "skip",
                )
            except DeputyError as exc:
                messages.error(request, str(exc))
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
                skipped = len(check.invalid_rows) if action == "skip" else 0
                messages.success(
                    request,
                    f"已导入 {len(created)} 名代表"
                    + (f",跳过 {skipped} 行有错误的数据。" if skipped else "。"),
                )
                return redirect("admin:deputies_deputy_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入预览",
            "check": check,
            "term": term,
            "filename": pending["filename"],
        }
        return TemplateResponse(request, "admin/deputies/deputy/import_preview.html", context)

    def import_template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return _xlsx_response(roster_excel.template_workbook(), "代表花名册模板.xlsx")

    def export_view(self, request):
        """The roster as listed (same filters and search), with the import's columns."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        deputies = self.get_changelist_instance(request).get_queryset(request)
        content = roster_excel.roster_workbook(
            deputies, show_phone=lambda d: request.user.has_perm("deputies.view_deputy_phone", d)
        )
        return _xlsx_response(content, f"代表花名册-{timezone.localdate():%Y%m%d}.xlsx")

    def _deputy_for_ledgers(self, request, pk) -> Deputy:
        deputy = self.get_queryset(request).filter(pk=pk).first()
        if deputy is None:
            raise Http404
        if not request.user.has_perm("deputies.view_deputy_ledgers", deputy):
            raise PermissionDenied
        return deputy

    def ledgers_view(self, request, pk):
        deputy = self._deputy_for_ledgers(request, pk)
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year", this_year))
        except ValueError:
            year = this_year
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": deputy,
            "title": f"{deputy.name}的履职台账",
            "deputy": deputy,
            "ledgers": LEDGERS,
            "year": year,
            "years": range(this_year, this_year - 5, -1),
        }
        return TemplateResponse(request, "admin/deputies/deputy/ledgers.html", context)

    def ledger_download_view(self, request, pk, key, fmt):
        deputy = self._deputy_for_ledgers(request, pk)
        try:
            year = int(request.GET.get("year", timezone.localdate().year))
        except ValueError as exc:
            raise Http404 from exc
        return ledger_response(deputy, year=year, key=key, fmt=fmt, user=request.user)


# --- Duty records ----------------------------------------------------------------------------


class DutyPhotoInline(TownshipScopedInline):
    model = DutyPhoto
    fields = ["image", "caption"]
    extra = 1


class DutyRecordForm(forms.ModelForm):
    class Meta:
        model = DutyRecord
        fields = [
            "deputy",
            "kind",
            "date",
            "place",
            "hours",
            "content",
            "contact_persons",
            "outcome",
            "participants",
            "satisfied_count",
            "basically_satisfied_count",
            "unsatisfied_count",
        ]

    def clean(self):
        cleaned = super().clean()
        counts = [
            cleaned.get(f)
            for f in ("satisfied_count", "basically_satisfied_count", "unsatisfied_count")
        ]
        if cleaned.get("kind") != DutyKind.PERFORMANCE_REVIEW and any(c for c in counts):
            raise forms.ValidationError("只有“述职评议”记录可以填写满意、基本满意、不满意票数。")
        deputy = cleaned.get("deputy")
        for fellow in cleaned.get("participants") or []:
            if deputy and fellow.township_id != deputy.township_id:
                self.add_error("participants", "同行代表必须是同一乡镇的代表。")
                break
        return cleaned


@admin.register(DutyRecord)
class DutyRecordAdmin(TownshipScopedAdmin):
    form = DutyRecordForm
    inlines = [DutyPhotoInline]
    list_display = [
        "date",
        "deputy",
        "kind",
        "place",
        "hours",
        "short_content",
        "photo_count",
        "origin",
    ]
    list_display_links = ["date", "deputy"]
    list_filter = ["kind", "deputy__group", "deputy__township"]
    date_hierarchy = "date"
    search_fields = ["deputy__name", "content", "place", "contact_persons"]
    autocomplete_fields = ["deputy", "participants"]
    list_select_related = ["deputy"]
    fieldsets = [
        (None, {"fields": ["deputy", "kind", "date", "place", "hours", "content", "participants"]}),
        ("接待、联系选民、办实事", {"fields": ["contact_persons", "outcome"]}),
        (
            "述职评议(选民测评票数)",
            {"fields": ["satisfied_count", "basically_satisfied_count", "unsatisfied_count"]},
        ),
    ]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_photos=Count("photos"))

    @admin.display(description="内容")
    def short_content(self, obj):
        return obj.content[:40]

    @admin.display(description="照片", ordering="n_photos")
    def photo_count(self, obj):
        return obj.n_photos or ""

    @admin.display(description="来源")
    def origin(self, obj):
        return "自动登记" if obj.source_key else "手工录入"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("summary/", wrap(self.summary_view), name="deputies_dutyrecord_summary"),
            *super().get_urls(),
        ]

    def summary_view(self, request):
        """年度履职登记: score and rank per deputy inside one township, and who has no record."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        townships = list(user_townships(request.user).order_by("name"))
        if not townships:
            raise PermissionDenied
        township = next(
            (t for t in townships if str(t.pk) == request.GET.get("township")), townships[0]
        )
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year", this_year))
        except ValueError:
            year = this_year
        rows = annual_summary(township=township, year=year)
        if request.GET.get("format") == "xlsx":
            return _xlsx_response(
                _summary_workbook(township, year, rows), f"{township.name}{year}年代表履职登记.xlsx"
            )
        weights = duty_weights(township)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{township.name}{year}年代表履职登记与排名",
            "township": township,
            "townships": townships,
            "year": year,
            "years": range(this_year, this_year - 5, -1),
            "rows": rows,
            "kinds": DutyKind.choices,
            "weights": [(label, weights[kind]) for kind, label in DutyKind.choices],
            "without_records": deputies_without_records(township=township, year=year),
        }
        return TemplateResponse(request, "admin/deputies/dutyrecord/summary.html", context)


def _summary_workbook(township, year, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "履职登记"
    labels = [label for _, label in DutyKind.choices]
    ws.append([f"{township.name}{year}年人大代表履职登记"])
    ws.append(
        [
            "排名",
            "姓名",
            "代表层级",
            "选区",
            "代表小组",
            *labels,
            "合计次数",
            "时长(小时)",
            "积分",
            "满意",
            "基本满意",
            "不满意",
        ]
    )
    for row in rows:
        d = row.deputy
        ws.append(
            safe_row([
                row.rank,
                d.name,
                d.levels_display,
                f"第{d.district.number}选区" if d.district else "",
                d.group.name if d.group else "",
                *[row.by_kind[k] for k, _ in DutyKind.choices],
                row.total,
                float(row.hours),
                float(row.score),
                row.satisfied,
                row.basically_satisfied,
                row.unsatisfied,
            ])
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@admin.register(DutyScoreWeight)
class DutyScoreWeightAdmin(TownshipScopedAdmin):
    list_display = ["kind", "weight", "township"]
    list_editable = ["weight"]
    list_filter = ["township"]


# --- 双联系 ------------------------------------------------------------------------------------


class PresidiumLinkForm(forms.ModelForm):
    class Meta:
        model = PresidiumLink
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        member, deputy = cleaned.get("member"), cleaned.get("deputy")
        if member and not member.is_presidium_member:
            self.add_error("member", "该代表不是主席团成员。")
        if member and deputy:
            if member.pk == deputy.pk:
                self.add_error("deputy", "不能联系自己。")
            elif member.township_id != deputy.township_id:
                self.add_error("deputy", "只能联系本乡镇的代表。")
        return cleaned


@admin.register(PresidiumLink)
class PresidiumLinkAdmin(TownshipScopedAdmin):
    form = PresidiumLinkForm
    list_display = ["member", "deputy", "since", "note"]
    list_filter = [("member", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["member__name", "deputy__name"]
    autocomplete_fields = ["member", "deputy"]
    list_select_related = ["member", "deputy"]


@admin.register(VoterContact)
class VoterContactAdmin(PhoneHidingMixin, TownshipScopedAdmin):
    list_display = ["name", "deputy", "village", "phone_display", "since"]
    list_filter = [("deputy__group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "deputy__name", "address"]
    autocomplete_fields = ["deputy"]
    list_select_related = ["deputy", "village"]
