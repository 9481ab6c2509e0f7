"""Staff's admin for suggestions: the work queue by state and deadline, with bulk actions that
call the services (the same doors as the portal)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from congress.admin_base import TownshipScopedAdmin, TownshipScopedInline
from congress.workdays import missing_calendar_years

from . import services
from .models import (
    Category,
    ChangeRequest,
    DeadlineSettings,
    OPEN_STATES,
    Reminder,
    Suggestion,
    SuggestionEvent,
    SuggestionReply,
)


class EventInline(TownshipScopedInline):
    model = SuggestionEvent
    fields = ["created_at", "actor_label", "from_state", "to_state", "note"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "办理记录(时间线)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReplyInline(TownshipScopedInline):
    model = SuggestionReply
    fields = ["cycle", "department", "reply_class", "text", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = "期限"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "已逾期"), ("today", "今日到期"), ("week", "7天内到期")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_qs = queryset.filter(state__in=OPEN_STATES)
        if self.value() == "overdue":
            return open_qs.filter(due_date__lt=today)
        if self.value() == "today":
            return open_qs.filter(due_date=today)
        if self.value() == "week":
            return open_qs.filter(due_date__gte=today, due_date__lte=today + timezone.timedelta(days=7))
        return queryset


@admin.register(Suggestion)
class SuggestionAdmin(TownshipScopedAdmin):
    list_display = ["code", "title", "state", "channel", "kind", "township", "lead_department", "due_badge", "is_key", "is_public"]
    list_filter = ["state", OverdueFilter, "channel", "kind", "category", "is_key", "township", "lead_department"]
    search_fields = ["code", "title", "content"]
    date_hierarchy = "submitted_at"
    list_select_related = ["township", "lead_department"]
    autocomplete_fields = ["village", "lead_department", "proposed_department"]
    ordering = ["due_date"]
    readonly_fields = [
        "code", "state", "lead_deputy", "lead_department", "deadline", "due_date", "rehandle_count",
        "reply_class", "rating", "rating_comment", "citizen_rating", "submitted_at", "claimed_at",
        "presented_at", "dispatched_at", "signed_at", "first_replied_at", "replied_at", "evaluated_at",
        "closed_at", "supervisor", "is_key", "rejection_reason", "direct_answer", "submitter_ip",
    ]
    exclude = ["routed_deputies", "cosigners", "co_departments", "reception_issue", "station", "created_by", "consent_at"]
    inlines = [ReplyInline, EventInline]
    actions = ["close_and_publish", "close_without_publishing"]

    @admin.display(description="当前期限", ordering="due_date")
    def due_badge(self, obj):
        if not obj.due_date:
            return "—"
        today = timezone.localdate()
        if obj.due_date < today:
            return format_html('<b style="color:#b02a37">{}(逾期)</b>', obj.due_date)
        return obj.due_date

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("suggestions.close_suggestion"):
            actions.pop("close_and_publish", None)
            actions.pop("close_without_publishing", None)
        return actions

    def _bulk_close(self, request, queryset, is_public):
        done, errors = services.run_bulk(services.suggestion_close, actor=request.user, suggestions=queryset,
                                         is_public=is_public)
        if done:
            self.message_user(request, f"已销单 {done} 件。", messages.SUCCESS)
        for error in errors[:20]:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description="销单并在办理结果页公开")
    def close_and_publish(self, request, queryset):
        self._bulk_close(request, queryset, True)

    @admin.action(description="销单(不公开)")
    def close_without_publishing(self, request, queryset):
        self._bulk_close(request, queryset, False)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        missing = missing_calendar_years([today.year, today.year + 1])
        if missing:
            self.message_user(
                request,
                f"{'、'.join(map(str, missing))}年的节假日安排尚未录入,期限暂按周一至周五计算。"
                "请在“节假日安排(工作日历)”中录入国务院公布的放假和调休安排。",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request, *args):
        # New items come in through the portal form, which routes them; staff use 录入建议.
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(TownshipScopedAdmin):
    list_display = ["suggestion", "kind", "department", "months", "status", "created_at", "decided_by"]
    list_filter = ["status", "kind"]
    search_fields = ["suggestion__code", "suggestion__title", "reason"]
    list_select_related = ["suggestion", "department", "decided_by"]
    readonly_fields = ["suggestion", "kind", "department", "requested_by", "reason", "months", "status",
                       "decided_by", "decided_at", "decision_note", "created_at"]
    actions = ["approve_extensions", "refuse_requests"]

    def has_add_permission(self, request, *args):
        return False

    @admin.action(description="同意所选延期申请")
    def approve_extensions(self, request, queryset):
        done = 0
        for req in queryset.filter(kind=ChangeRequest.Kind.EXTEND, status=ChangeRequest.Status.PENDING):
            try:
                services.suggestion_decide_change(actor=request.user, request=req, approve=True)
                done += 1
            except Exception as exc:  # domain errors become messages
                self.message_user(request, f"{req.suggestion.code}:{exc}", messages.WARNING)
        self.message_user(request, f"已同意 {done} 项延期申请;改办申请请在建议详情页指定新的主办单位。")

    @admin.action(description="不同意所选申请")
    def refuse_requests(self, request, queryset):
        done = 0
        for req in queryset.filter(status=ChangeRequest.Status.PENDING):
            try:
                services.suggestion_decide_change(actor=request.user, request=req, approve=False)
                done += 1
            except Exception as exc:
                self.message_user(request, f"{req.suggestion.code}:{exc}", messages.WARNING)
        self.message_user(request, f"已处理 {done} 项申请。")


@admin.register(DeadlineSettings)
class DeadlineSettingsAdmin(TownshipScopedAdmin):
    list_display = ["township", "reply_months", "complex_reply_months", "evaluation_workdays", "rehandle_limit"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]

    def has_module_permission(self, request):
        return request.user.has_perm("suggestions.view_category")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("suggestions.view_category")

    def has_add_permission(self, request):
        return request.user.has_perm("suggestions.add_category")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("suggestions.change_category")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("suggestions.delete_category")


@admin.register(Reminder)
class ReminderAdmin(TownshipScopedAdmin):
    list_display = ["suggestion", "stage", "cycle", "kind", "recipients", "created_at"]
    list_filter = ["kind", "stage"]
    search_fields = ["suggestion__code"]
    list_select_related = ["suggestion"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
