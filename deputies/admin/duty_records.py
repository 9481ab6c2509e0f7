"""Duty records (履职档案) with photos, the annual summary and ranking, and score weights."""

import io

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from openpyxl import Workbook

from congress.admin_base import TownshipScopedAdmin, TownshipScopedInline
from congress.printing import xlsx_print_setup
from congress.exports import safe_row
from congress.pagination import related_count
from congress.tenancy import user_townships

from ..models import DutyKind, DutyPhoto, DutyRecord, DutyScoreWeight
from ..selectors import annual_summary, deputies_without_records, duty_weights
from .common import _xlsx_response


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
        return super().get_queryset(request).annotate(n_photos=related_count(DutyPhoto, "record"))

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
    xlsx_print_setup(ws, title=f"{township.name}{year}年人大代表履职登记", header_rows=2)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@admin.register(DutyScoreWeight)
class DutyScoreWeightAdmin(TownshipScopedAdmin):
    list_display = ["kind", "weight", "township"]
    list_editable = ["weight"]
    list_filter = ["township"]
