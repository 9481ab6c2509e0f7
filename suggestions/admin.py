"""Staff's admin for suggestions: the work queue by state and deadline. The suggestion itself is
read-only here; its change page offers the workflow actions this user may take now (read from
:data:`suggestions.workflow.ACTIONS` through :mod:`suggestions.actions`, the same forms and
services as the portal), and list actions call the services item by item."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from congress.admin_base import ReadOnlyAdminMixin, TownshipScopedAdmin, TownshipScopedInline
from congress.exceptions import USER_ERRORS, ApplicationError, add_form_errors, user_message
from congress.validators import mask_phone
from congress.workdays import missing_calendar_years

from . import actions as actions_mod
from . import lights, services, workflow
from .templatetags.suggestion_lights import badge_html
from .models import (
    Category,
    ChangeRequest,
    CitizenCallback,
    DeadlineSettings,
    OPEN_STATES,
    Reminder,
    ReplyDeadline,
    Suggestion,
    SuggestionEvent,
    SuggestionReply,
)


class EventInline(TownshipScopedInline):
    """The timeline with Chinese action names and Asia/Shanghai times."""

    model = SuggestionEvent
    fields = ["when", "action_label", "actor_label", "change", "note", "internal_note", "visibility"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "办理记录(时间线)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="时间")
    def when(self, obj):
        return f"{timezone.localtime(obj.created_at):%Y-%m-%d %H:%M}"

    @admin.display(description="操作")
    def action_label(self, obj):
        return obj.get_action_display()

    @admin.display(description="状态变化")
    def change(self, obj):
        if obj.from_state and obj.from_state != obj.to_state:
            return f"{obj.get_from_state_display()} → {obj.get_to_state_display()}"
        return obj.get_to_state_display() if not obj.from_state else "—"

    @admin.display(description="可见范围")
    def visibility(self, obj):
        return "群众可见" if obj.is_public else "仅内部"


class ReplyInline(TownshipScopedInline):
    model = SuggestionReply
    fields = ["cycle", "department", "reply_class", "text", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReplyDeadlineInline(TownshipScopedInline):
    """Every reply deadline of every cycle: who set it, when and why (read-only)."""

    model = ReplyDeadline
    fields = ["cycle", "kind", "due_date", "set_by", "set_at", "reason"]
    readonly_fields = fields
    can_delete = False

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
            return queryset.filter(lights.red_q(today))  # the same as 红灯
        if self.value() == "today":
            return open_qs.filter(due_date=today)
        if self.value() == "week":
            return open_qs.filter(due_date__gte=today, due_date__lte=today + timezone.timedelta(days=7))
        return queryset


def _horizons(request) -> lights.Horizons:
    """The yellow-light horizons, computed once per request (suggestions.lights)."""
    found = getattr(request, "_suggestion_light_horizons", None)
    if found is None:
        found = request._suggestion_light_horizons = lights.Horizons.load(timezone.localdate())
    return found


class LightFilter(admin.SimpleListFilter):
    """红灯 (overdue) / 黄灯 (deadline within the township's reminder horizon): the same rule as
    the portal's lists and the reminders (suggestions.lights)."""

    title = "红黄灯"
    parameter_name = "light"

    def lookups(self, request, model_admin):
        return [(lights.Light.RED.value, "红灯(已逾期)"), (lights.Light.YELLOW.value, "黄灯(临近期限)")]

    def queryset(self, request, queryset):
        if self.value() in lights.Light.values:
            return queryset.filter(lights.light_q(self.value(), _horizons(request)))
        return queryset


def _report(model_admin, request, verb: str, done: int, errors: list[str]) -> None:
    """One message for a bulk action: how many succeeded, then each failure in Chinese."""
    if done:
        model_admin.message_user(request, f"已{verb} {done} 件。", messages.SUCCESS)
    if errors:
        model_admin.message_user(request, f"{len(errors)} 件未能{verb}:", messages.WARNING)
    for error in errors[:20]:
        model_admin.message_user(request, error, messages.WARNING)
    if not done and not errors:
        model_admin.message_user(request, f"没有可{verb}的建议。", messages.INFO)


@admin.register(Suggestion)
class SuggestionAdmin(TownshipScopedAdmin):
    """Read-only record of each suggestion; every change is a workflow action (buttons on the
    change page, list actions) that calls the same service as the portal."""

    change_form_template = "admin/suggestions/suggestion/change_form.html"
    list_display = ["code", "title_column", "state", "light_column", "lead_department", "due_badge", "township"]
    list_display_links = ["code", "title_column"]
    list_filter = ["state", LightFilter, OverdueFilter, "channel", "kind", "category", "is_key", "township", "lead_department"]
    search_fields = ["code", "title", "original_title", "content"]
    date_hierarchy = "submitted_at"

    def get_search_results(self, request, queryset, search_term):
        """A whole 查询码 finds its suggestion by the unique index (a code's trigrams, mostly
        digits, are shared by a great many codes); anything else searches as usual."""
        term = search_term.strip().upper()
        if term.isascii() and term.isalnum() and 6 <= len(term) <= 12:
            exact = queryset.filter(code=term)
            if exact.exists():
                return exact, False
        return super().get_search_results(request, queryset, search_term)
    list_select_related = ["township", "lead_department"]
    inlines = [ReplyInline, ReplyDeadlineInline, EventInline]
    actions = ["close_and_publish", "close_without_publishing"]
    fieldsets = [
        ("群众原文(保持原样)", {"fields": ["original_title", "original_content", "photo_links", "submitter_name",
                                   "submitter_phone", "is_anonymous", "channel", "kind", "submitted_at"]}),
        ("当前版本(代表完善或工作人员更正后)", {"fields": ["title", "content", "versions"]}),
        ("办理", {"fields": ["code", "state", "category", "village", "station", "lead_deputy", "cosigner_names",
                           "lead_department", "co_department_names", "supervisor", "is_key", "is_complex",
                           "deadline", "due_date", "rehandle_count", "rejection_reason", "direct_answer"]}),
        ("答复与评价", {"fields": ["reply_class", "rating", "rating_comment", "citizen_rating", "citizen_comment",
                              "is_public"]}),
        ("各环节时间", {"classes": ["collapse"], "fields": ["claimed_at", "presented_at", "dispatched_at", "signed_at",
                                                        "first_replied_at", "replied_at", "evaluated_at",
                                                        "closed_at"]}),
    ]

    # --- list ---------------------------------------------------------------------------------

    def get_queryset(self, request):
        return lights.with_lights(super().get_queryset(request), _horizons(request))

    def get_ordering(self, request):
        """Open items first, the nearest deadline on top; then the newest."""
        open_first = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1))
        return [open_first.asc(), F("due_date").asc(nulls_last=True), "-submitted_at"]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if request.user.township_id and not request.user.is_superuser:
            columns.remove("township")
        return columns

    @admin.display(description="标题", ordering="title")
    def title_column(self, obj):
        return obj.title

    @admin.display(description="红黄灯")
    def light_column(self, obj):
        return badge_html(getattr(obj, "light", ""), obj.due_date, timezone.localdate(), obj.state) or "—"

    @admin.display(description="当前期限", ordering="due_date")
    def due_badge(self, obj):
        if not obj.due_date or not obj.is_open:
            return "—"
        if obj.due_date < timezone.localdate():
            return format_html('<b class="overdue">{}(逾期)</b>', obj.due_date)
        return obj.due_date

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("suggestions.close_suggestion"):
            actions.pop("close_and_publish", None)
            actions.pop("close_without_publishing", None)
        for name in actions_mod.bulk_actions_for(request.user):
            actions[f"bulk_{name}"] = (self._bulk_action(name), f"bulk_{name}",
                                       f"{workflow.ACTIONS[name].title}(所选建议)")
        return actions

    def _bulk_action(self, action):
        def run(model_admin, request, queryset):
            return self.bulk_act(request, queryset, action)

        return run

    def bulk_act(self, request, queryset, action):
        """A table action with a form for many items: a page listing them with the action's
        form, then its service per item, and a report of what succeeded and what failed."""
        title = workflow.ACTIONS[action].title
        if action not in actions_mod.bulk_actions_for(request.user):
            raise PermissionDenied
        items = list(queryset.select_related("township").order_by("pk"))
        if not items:
            self.message_user(request, f"没有可{title}的建议。", messages.INFO)
            return None
        if len({s.township_id for s in items}) > 1:
            self.message_user(request, f"请只选择同一乡镇的建议后再{title}。", messages.ERROR)
            return None
        if "apply" in request.POST:
            form = actions_mod.bulk_form_for(action, request.POST, suggestions=items, user=request.user)
            if form.is_valid():
                seen = {s.pk: request.POST.get(f"seen_{s.pk}") for s in items}
                done, errors = actions_mod.perform_many(action, actor=request.user, suggestions=items, form=form,
                                                        seen_states=seen)
                _report(self, request, title, done, errors)
                return None
        else:
            form = actions_mod.bulk_form_for(action, suggestions=items, user=request.user)
        sources = workflow.ACTIONS[action].sources
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{title}:已选 {len(items)} 件建议",
            "items": [(s, s.state in sources) for s in items],
            "form": form,
            "action_name": f"bulk_{action}",
            "change_url": reverse("admin:suggestions_suggestion_changelist"),
            "submit_label": title,
        }
        status = 400 if "apply" in request.POST else 200
        return TemplateResponse(request, "admin/suggestions/suggestion/bulk_act.html", context, status=status)

    def _bulk_close(self, request, queryset, is_public):
        done, errors = services.run_bulk(services.suggestion_close, actor=request.user, suggestions=queryset,
                                         is_public=is_public)
        _report(self, request, "销单", done, errors)

    @admin.action(description="销单并在办理结果页公开")
    def close_and_publish(self, request, queryset):
        self._bulk_close(request, queryset, True)

    @admin.action(description="销单(不公开)")
    def close_without_publishing(self, request, queryset):
        self._bulk_close(request, queryset, False)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        missing = missing_calendar_years([today.year, today.year + 1]) if request.method == "GET" else []
        if missing:
            self.message_user(
                request,
                f"{'、'.join(map(str, missing))}年的节假日安排尚未录入,期限暂按周一至周五计算。"
                "请在“节假日安排(工作日历)”中录入国务院公布的放假和调休安排。",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    # --- one suggestion: read-only fields, workflow buttons --------------------------------------

    def has_add_permission(self, request, *args):
        # New items come in through the portal form, which routes them; staff use 录入建议.
        return False

    def has_change_permission(self, request, obj=None):
        # No admin save: every change is a workflow action with its own form and service.
        return False

    def get_fieldsets(self, request, obj=None):
        # Masked for everyone here: the full number is revealed, and audited, only from the
        # portal page (suggestions.privacy); the county viewer never gets it.
        return [(name, {**opts, "fields": ["masked_phone" if f == "submitter_phone" else f
                                           for f in opts["fields"]]})
                for name, opts in super().get_fieldsets(request, obj)]

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return mask_phone(obj.submitter_phone) or "—"

    @admin.display(description="照片")
    def photo_links(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(" ", '<a href="{}" target="_blank">照片{}</a>',
                                ((ph.image.url, n) for n, ph in enumerate(photos, 1)))

    @admin.display(description="修订版本")
    def versions(self, obj):
        revisions = list(obj.revisions.all())
        if not revisions:
            return "未修订(与原文相同)"
        return format_html_join(
            mark_safe("<br>"), "{}:{} · {} · {}",
            ((n, v.get_kind_display(), v.author_label, f"{timezone.localtime(v.created_at):%Y-%m-%d %H:%M}")
             for n, v in enumerate(revisions, 1)),
        )

    @admin.display(description="联名代表")
    def cosigner_names(self, obj):
        return "、".join(d.name for d in obj.cosigners.all()) or "—"

    @admin.display(description="协办单位")
    def co_department_names(self, obj):
        return "、".join(d.name for d in obj.co_departments.all()) or "—"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/act/<str:action>/", self.admin_site.admin_view(self.act_view),
                 name="%s_%s_act" % info),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if obj is not None and self.has_view_permission(request, obj):
            extra_context["workflow_buttons"] = [
                (workflow.ACTIONS[name].title,
                 reverse("admin:suggestions_suggestion_act", args=[obj.pk, name]))
                for name in actions_mod.available_actions(request.user, obj)
            ]
            extra_context["s"] = obj
            extra_context["today"] = timezone.localdate()
            extra_context["revisions"] = list(obj.revisions.all())
        return super().change_view(request, object_id, form_url, extra_context)

    def act_view(self, request, object_id, action):
        """One workflow action on one suggestion: its form, then its service."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj) or not actions_mod.is_door_action(action):
            raise Http404("建议不存在或您无权查看。")
        change_url = reverse("admin:suggestions_suggestion_change", args=[obj.pk])
        title = workflow.ACTIONS[action].title
        if action not in actions_mod.available_actions(request.user, obj):
            self.message_user(request, f"该建议当前不能由您{title}。", messages.ERROR)
            return redirect(change_url)
        if request.method == "POST":
            form = actions_mod.form_for(action, request.POST, request.FILES, suggestion=obj, user=request.user)
            if form.is_valid():
                try:
                    actions_mod.perform(action, actor=request.user, suggestion=obj, form=form)
                except (ApplicationError, PermissionDenied) as exc:
                    self.message_user(request, user_message(exc), messages.ERROR)
                    return redirect(change_url)
                except ValidationError as exc:
                    add_form_errors(form, exc)
                else:
                    self.message_user(request, actions_mod.done_message(action), messages.SUCCESS)
                    return redirect(change_url)
        else:
            form = actions_mod.form_for(action, suggestion=obj, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{title}:{obj.title}",
            "form": form,
            "change_url": change_url,
            "submit_label": title,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/suggestions/suggestion/act.html", context, status=status)


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
            except USER_ERRORS as exc:
                self.message_user(request, f"{req.suggestion.code}:{user_message(exc)}", messages.WARNING)
        self.message_user(request, f"已同意 {done} 项延期申请;改办申请请在建议详情页指定新的主办单位。")

    @admin.action(description="不同意所选申请")
    def refuse_requests(self, request, queryset):
        done = 0
        for req in queryset.filter(status=ChangeRequest.Status.PENDING):
            try:
                services.suggestion_decide_change(actor=request.user, request=req, approve=False)
                done += 1
            except USER_ERRORS as exc:
                self.message_user(request, f"{req.suggestion.code}:{user_message(exc)}", messages.WARNING)
        self.message_user(request, f"已处理 {done} 项申请。")


@admin.register(DeadlineSettings)
class DeadlineSettingsAdmin(TownshipScopedAdmin):
    list_display = ["township", "reply_months", "complex_reply_months", "evaluation_workdays", "rehandle_limit",
                    "remind_before_workdays", "callback_workdays", "class_d_counts_as"]


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


@admin.register(CitizenCallback)
class CitizenCallbackAdmin(ReadOnlyAdminMixin, TownshipScopedAdmin):
    """回访邀请 (read-only): one row per item whose citizen was invited to rate; deleting one would
    let the sweep invite that citizen again."""

    list_display = ["suggestion", "replied_at", "created_at"]
    search_fields = ["suggestion__code"]
    list_select_related = ["suggestion"]
