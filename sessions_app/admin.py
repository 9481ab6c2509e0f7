"""Admin for the presidium office: sessions with their agenda and documents, votes, 民生实事
projects and their progress, presidium meetings, supervision activities. Actions call the
services; ballots are never shown (only the receipts of who voted, inside a vote)."""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from congress.admin_base import TownshipScopedAdmin, TownshipScopedInline
from congress.validators import cn_number

from . import selectors, services
from .models import (
    AgendaDocument,
    AgendaItem,
    Attendance,
    CongressSession,
    LivelihoodProject,
    PresidiumMeeting,
    ProjectProgress,
    SupervisionActivity,
    SupervisionFinding,
    Vote,
)


_CN_TO_INT = {cn_number(n): n for n in range(1, 100)}
_ORDINAL = re.compile(r"第?([0-9]+|[一二三四五六七八九十]+)(届|次)?")


def session_search_q(term: str, prefix: str = "") -> Q:
    """Find sessions as staff name them: "第三次会议", "3", "第六届第二次", a township or venue.
    ``prefix`` is the path to the session from the searched model ("session__")."""
    query = Q(**{f"{prefix}venue__icontains": term}) | Q(**{f"{prefix}township__name__icontains": term})
    numbers = {}
    for value, unit in _ORDINAL.findall(term):
        number = int(value) if value.isdigit() else _CN_TO_INT.get(value)
        if number is not None:
            numbers.setdefault(unit or "次", number)
    if numbers:
        ordinal = Q()
        if "次" in numbers:
            ordinal &= Q(**{f"{prefix}number": numbers["次"]})
        if "届" in numbers:
            ordinal &= Q(**{f"{prefix}term__number": numbers["届"]})
        query |= ordinal
    return query


def _run(modeladmin, request, queryset, fn, ok: str):
    done = 0
    for obj in queryset:
        try:
            fn(obj)
            done += 1
        except services.ActionRefused as exc:
            modeladmin.message_user(request, f"{obj}:{exc.message}", messages.ERROR)
        except PermissionDenied as exc:
            modeladmin.message_user(request, f"{obj}:{exc or '没有权限'}", messages.ERROR)
    if done:
        modeladmin.message_user(request, ok.format(n=done), messages.SUCCESS)


class AgendaItemInline(TownshipScopedInline):
    model = AgendaItem
    fields = ["order", "kind", "title", "resolution_title", "resolution_adopted_on", "resolution_published"]


@admin.register(CongressSession)
class CongressSessionAdmin(TownshipScopedAdmin):
    list_display = ["__str__", "kind", "start_date", "venue", "status", "portal_link"]
    list_filter = ["township", "kind", "status", "term"]
    search_fields = ["venue", "notes"]
    search_help_text = "按会议名称或次数搜索,例如“第三次会议”“3”“第六届第二次”"
    date_hierarchy = "start_date"
    inlines = [AgendaItemInline]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.filter(session_search_q(search_term.strip()))
        return results, may_have_duplicates
    readonly_fields = ["status", "opened_at", "closed_at"]
    actions = ["open_sessions", "close_sessions"]

    @admin.display(description="会务页面")
    def portal_link(self, obj):
        return format_html(
            '<a href="{}">会议</a> · <a href="{}" target="_blank">签到大屏</a> · <a href="{}">出席</a>',
            reverse("sessions_portal:session_detail", args=[obj.pk]),
            reverse("sessions_portal:screen", args=[obj.pk]),
            reverse("sessions_portal:attendance", args=[obj.pk]),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("township", "term")

    @admin.action(description="宣布开幕(须达到法定人数)")
    def open_sessions(self, request, queryset):
        _run(self, request, queryset, lambda s: services.session_open(actor=request.user, session=s), "{n} 次会议已开幕。")

    @admin.action(description="宣布闭幕(记录出席代表履职档案)")
    def close_sessions(self, request, queryset):
        _run(self, request, queryset, lambda s: services.session_close(actor=request.user, session=s), "{n} 次会议已闭幕。")


class AgendaDocumentInline(TownshipScopedInline):
    model = AgendaDocument
    fields = ["kind", "title", "file"]


@admin.register(AgendaItem)
class AgendaItemAdmin(TownshipScopedAdmin):
    list_display = ["title", "session", "order", "kind", "resolution_title", "resolution_published"]
    list_filter = ["kind", "resolution_published", "session__township"]
    search_fields = ["title", "resolution_title"]
    search_help_text = "按议程名称,或所属会议的名称、次数搜索(如“第三次会议”)"
    autocomplete_fields = ["session"]
    inlines = [AgendaDocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__term", "session__township")

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.filter(session_search_q(search_term.strip(), prefix="session__"))
        return results, may_have_duplicates

    @staticmethod
    def autocomplete_label(item) -> str:
        """How the vote's agenda picker names an item: with the session it belongs to."""
        return f"{item.session.short_title} · {item}"


@admin.register(Attendance)
class AttendanceAdmin(TownshipScopedAdmin):
    list_display = ["deputy", "session", "status", "leave_reason", "method", "checked_in_at"]
    list_filter = ["status", "method", "session__township"]
    search_fields = ["deputy__name"]
    readonly_fields = ["session", "deputy", "status", "leave_reason", "method", "checked_in_at", "recorded_by"]

    def has_add_permission(self, request, *args):
        return False  # through the live attendance page (services.attendance_record)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(TownshipScopedAdmin):
    list_display = ["title", "session", "ballot_kind", "method", "status", "yes_count", "no_count", "abstain_count", "passed"]
    list_filter = ["status", "ballot_kind", "method", "session__township"]
    search_fields = ["title"]
    autocomplete_fields = ["session", "agenda_item"]
    search_help_text = "按表决事项,或所属会议的名称、次数搜索"
    readonly_fields = ["status", "roster_size", "opened_at", "closed_at", "yes_count", "no_count", "abstain_count", "passed"]
    actions = ["open_votes", "close_votes"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "agenda_item" and field is not None:
            field.queryset = field.queryset.select_related("session__term")
            field.label_from_instance = AgendaItemAdmin.autocomplete_label
        return field

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | queryset.filter(session_search_q(search_term.strip(), prefix="session__"))
        return results, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.status != Vote.Status.DRAFT:
            fields += ["session", "agenda_item", "title", "ballot_kind", "method"]
        return fields

    @admin.action(description="开始表决(须达到法定人数)")
    def open_votes(self, request, queryset):
        _run(self, request, queryset, lambda v: services.vote_open(actor=request.user, vote=v), "{n} 项表决已开始。")

    @admin.action(description="结束表决并计票")
    def close_votes(self, request, queryset):
        _run(self, request, queryset, lambda v: services.vote_close(actor=request.user, vote=v), "{n} 项表决已结束。")


class ProjectProgressInline(TownshipScopedInline):
    """Add-only: a new row goes through services.project_progress_add (inspectors get duty
    records); saved rows are kept as they were reported."""

    model = ProjectProgress
    fields = ["kind", "date", "percent", "content", "inspectors"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return bool(obj and obj.selected) and super().has_add_permission(request, obj)


@admin.register(LivelihoodProject)
class LivelihoodProjectAdmin(TownshipScopedAdmin):
    list_display = ["title", "session", "department", "budget", "entry_order", "rank", "selected", "completion"]
    list_filter = ["selected", "completion", "session__township", "session"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["session", "department"]
    raw_id_fields = ["source_suggestion"]
    readonly_fields = ["rank", "selected"]
    inlines = [ProjectProgressInline]
    actions = ["open_livelihood_voting", "finalize_livelihood_voting"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.vote_id:
            fields += ["session", "title", "department", "budget", "description", "entry_order"]
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProjectProgress:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None)
            if not data or inline_form.instance.pk or data.get("DELETE") or not inline_form.has_changed():
                continue
            try:
                formset.new_objects.append(
                    services.project_progress_add(
                        actor=request.user, project=form.instance, kind=data["kind"], date=data["date"],
                        content=data["content"], percent=data.get("percent"),
                        inspectors=data.get("inspectors") or (),
                    )
                )
            except services.ActionRefused as exc:
                self.message_user(request, exc.message, messages.ERROR)

    def _sessions(self, queryset):
        return CongressSession.objects.filter(pk__in=queryset.values("session_id"))

    @admin.action(description="对所选项目所在会议开始票决(无记名,手机表决)")
    def open_livelihood_voting(self, request, queryset):
        _run(self, request, self._sessions(queryset), lambda s: services.livelihood_voting_open(actor=request.user, session=s), "{n} 次会议的民生实事票决已开始。")

    @admin.action(description="结束票决并确定入选项目")
    def finalize_livelihood_voting(self, request, queryset):
        _run(self, request, self._sessions(queryset), lambda s: services.livelihood_voting_finalize(actor=request.user, session=s), "{n} 次会议的票决结果已确定。")


@admin.register(PresidiumMeeting)
class PresidiumMeetingAdmin(TownshipScopedAdmin):
    list_display = ["__str__", "township", "date", "place", "attendee_count"]
    list_filter = ["township"]
    date_hierarchy = "date"
    search_fields = ["agenda", "minutes", "decisions"]
    filter_horizontal = ["attendees"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n=Count("attendees"))

    @admin.display(description="出席人数", ordering="n")
    def attendee_count(self, obj):
        return obj.n

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        from congress.tenancy import user_townships

        for township in user_townships(request.user):
            missing = selectors.quarters_without_presidium_meeting(township, today=today)
            if missing:
                self.message_user(
                    request,
                    f"{township.name}:{'、'.join(q.label for q in missing)}未召开主席团会议(闭会期间至少每季度一次)。",
                    messages.WARNING,
                )
            short_years = selectors.years_with_too_few_sessions(township, today=today)
            if short_years:
                self.message_user(
                    request, f"{township.name}:{'、'.join(f'{y}年' for y in short_years)}人代会会议不足两次。", messages.WARNING
                )
        return super().changelist_view(request, extra_context)


class SupervisionFindingInline(TownshipScopedInline):
    model = SupervisionFinding
    fields = ["content", "department", "suggestion_ref"]
    readonly_fields = ["suggestion_ref"]


@admin.register(SupervisionActivity)
class SupervisionActivityAdmin(TownshipScopedAdmin):
    list_display = ["title", "kind", "township", "planned_date", "held_on", "status", "satisfaction"]
    list_filter = ["kind", "status", "township"]
    search_fields = ["title", "plan", "summary"]
    date_hierarchy = "planned_date"
    autocomplete_fields = ["subject_department"]
    filter_horizontal = ["participants"]
    inlines = [SupervisionFindingInline]
    actions = ["record_duties"]

    @admin.display(description="满意度测评(满意/基本满意/不满意)")
    def satisfaction(self, obj):
        if obj.kind != SupervisionActivity.Kind.WORK_REVIEW or obj.satisfied_count is None:
            return "—"
        return f"{obj.satisfied_count}/{obj.basically_satisfied_count or 0}/{obj.unsatisfied_count or 0}"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        created = services.supervision_record_duties(actor=request.user, activity=form.instance)
        if created:
            self.message_user(request, f"已为 {created} 名参加代表记录履职档案。", messages.SUCCESS)

    @admin.action(description="为参加代表记录履职档案")
    def record_duties(self, request, queryset):
        _run(self, request, queryset, lambda a: services.supervision_record_duties(actor=request.user, activity=a), "已处理 {n} 项活动。")


@admin.register(SupervisionFinding)
class SupervisionFindingAdmin(TownshipScopedAdmin):
    list_display = ["__str__", "activity", "department", "suggestion_ref"]
    list_filter = ["activity__township", "activity__kind"]
    search_fields = ["content"]
    autocomplete_fields = ["activity", "department"]
    actions = ["to_suggestion"]

    @admin.action(description="转为代表建议(交办给指定单位)")
    def to_suggestion(self, request, queryset):
        _run(self, request, queryset, lambda f: services.finding_to_suggestion(actor=request.user, finding=f), "{n} 个问题已转为建议。")
