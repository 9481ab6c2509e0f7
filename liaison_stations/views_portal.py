"""Portal pages (mobile-first) for station administrators, presidium staff and deputies.

Each view: validate with a form → fetch with a permission-checking accessor → call one service
→ redirect or render. A station administrator reaches only the stations they administer; any
other station answers 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from congress import ratelimit
from congress.exceptions import add_form_errors
from deputies.models import Deputy
from deputies.predicates import deputy_of

from . import privacy, selectors, services
from .forms import (
    ActivityForm,
    ActivityPhotoForm,
    EvidenceForm,
    GenerateDaysForm,
    ReceptionIssueForm,
    ReceptionRecordForm,
    ReceptionRuleForm,
    RosterForm,
)
from .models import ReceptionIssue, StandardEvidence, StandardItem


def _can_manage(user, station) -> bool:
    return user.has_perm("liaison_stations.manage_station", station)


@login_required
def home(request):
    user = request.user
    if not user.has_perm("liaison_stations.view_station_portal"):
        raise PermissionDenied("您没有查看联络站的权限。")
    managed = list(selectors.managed_stations_for_user(user))
    deputy = deputy_of(user)
    mine = list(deputy.stations.select_related("township").order_by("name")) if deputy else []
    others = []
    if not managed and not mine:
        others = list(selectors.stations_for_user(user))
    return render(
        request,
        "liaison_stations/portal/home.html",
        {"managed": managed, "mine": mine, "others": others, "deputy": deputy},
    )


@login_required
def my_duty(request):
    """A deputy's own reception duty days (upcoming first, then the last ones)."""
    deputy = deputy_of(request.user)
    today = timezone.localdate()
    upcoming = past = []
    if deputy is not None:
        upcoming = list(selectors.duty_days_for_deputy(deputy, today)[:50])
        past = list(
            selectors.duty_days_for_deputy(deputy, today - datetime.timedelta(days=365), today)
            .filter(date__lt=today)
            .order_by("-date")[:20]
        )
    return render(
        request,
        "liaison_stations/portal/my_duty.html",
        {"deputy": deputy, "upcoming": upcoming, "past": past, "today": today},
    )


@login_required
def station_detail(request, pk):
    station = selectors.get_station_for_user(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "liaison_stations/portal/station.html",
        {
            "station": station,
            "can_manage": _can_manage(request.user, station),
            "next_days": selectors.station_days(station, today, today + datetime.timedelta(days=62))[:6],
            "receptions": selectors.station_receptions(station)[:5],
            "activities": selectors.station_activities(station)[:5],
            "compliance": selectors.station_compliance(station),
            "today": today,
        },
    )


# --- Schedule ---------------------------------------------------------------------------------


@login_required
def schedule(request, pk):
    station = selectors.get_station_for_user(request.user, pk)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    days = selectors.station_days(station, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    can_manage = _can_manage(request.user, station)
    return render(
        request,
        "liaison_stations/portal/schedule.html",
        {
            "station": station,
            "days": days,
            "year": year,
            "today": today,
            "can_manage": can_manage,
            "rules": station.reception_rules.all(),
            "rule_form": ReceptionRuleForm(station=station) if can_manage else None,
            "generate_form": GenerateDaysForm.for_year(today) if can_manage else None,
        },
    )


@login_required
def rule_add(request, pk):
    station = selectors.get_station_for_user(request.user, pk, manage=True)
    form = ReceptionRuleForm(request.POST or None, station=station)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            rule = services.reception_rule_create(actor=request.user, station=station, **data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            today = timezone.localdate()
            start = max(rule.start_date, today)
            end = rule.end_date or datetime.date(start.year, 12, 31)
            created = services.reception_days_generate(
                actor=request.user, station=station, start=start, end=min(end, start + datetime.timedelta(days=730))
            )
            messages.success(request, f"已添加接待日规则“{rule.describe()}”,生成接待日 {len(created)} 个。")
            return redirect("stations_portal:schedule", pk=station.pk)
    return render(request, "liaison_stations/portal/form.html", {
        "station": station, "form": form, "title": "添加接待日规则",
        "back": ("stations_portal:schedule", station.pk),
    })


@login_required
@require_POST
def generate(request, pk):
    station = selectors.get_station_for_user(request.user, pk, manage=True)
    form = GenerateDaysForm(request.POST)
    if form.is_valid():
        try:
            created = services.reception_days_generate(
                actor=request.user, station=station, start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"已生成接待日 {len(created)} 个(已有的接待日保持不变)。")
            return redirect("stations_portal:schedule", pk=station.pk)
    return render(request, "liaison_stations/portal/form.html", {
        "station": station, "form": form, "title": "生成接待日",
        "back": ("stations_portal:schedule", station.pk),
    })


@login_required
def roster(request, pk):
    day = selectors.get_reception_day_for_user(request.user, pk)
    station = day.station
    if not _can_manage(request.user, station):
        raise Http404("没有找到该接待日。")
    initial = {"deputies": list(day.duty_deputies.all()), "note": day.note}
    form = RosterForm(request.POST or None, station=station, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_day_set_roster(
                actor=request.user, day=day, deputies=form.cleaned_data["deputies"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"{day.date:%m月%d日}的值班代表已保存。")
            return redirect("stations_portal:schedule", pk=station.pk)
    return render(request, "liaison_stations/portal/form.html", {
        "station": station, "form": form, "title": f"{day.date:%Y年%m月%d日} 值班代表",
        "back": ("stations_portal:schedule", station.pk),
    })


# --- Receptions -------------------------------------------------------------------------------


@login_required
def receptions(request, pk):
    station = selectors.get_station_for_user(request.user, pk)
    page = Paginator(selectors.station_receptions(station), 20).get_page(request.GET.get("page"))
    return render(request, "liaison_stations/portal/receptions.html", {
        "station": station, "page": page, "can_manage": _can_manage(request.user, station),
    })


@login_required
def reception_add(request, pk):
    station = selectors.get_station_for_user(request.user, pk, manage=True)
    form = ReceptionRecordForm(request.POST or None, station=station)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.reception_record_save(
                actor=request.user, station=station, date=form.cleaned_data["date"],
                deputies=form.cleaned_data["deputies_present"], summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "接待记录已保存,请继续登记来访群众反映的问题。")
            return redirect("stations_portal:reception", pk=record.pk)
    return render(request, "liaison_stations/portal/form.html", {
        "station": station, "form": form, "title": "登记接待记录",
        "back": ("stations_portal:receptions", station.pk),
    })


@login_required
def reception_detail(request, pk):
    record = selectors.get_reception_record_for_user(request.user, pk)
    station = record.station
    can_manage = _can_manage(request.user, station)
    form = None
    if can_manage:
        form = ReceptionIssueForm(request.POST or None, township=station.township)
        if request.method == "POST" and form.is_valid():
            try:
                services.reception_issue_add(actor=request.user, record=record, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, "反映事项已登记。")
                return redirect("stations_portal:reception", pk=record.pk)
    elif request.method == "POST":
        raise PermissionDenied("您只能查看该接待记录。")
    issues = list(selectors.issues_with_suggestions(
        ReceptionIssue.objects.filter(record=record).select_related("village")
    ))
    for issue in issues:
        issue.record = record
        issue.can_reveal_phone = privacy.may_see_visitor_phone(request.user, issue)
    return render(request, "liaison_stations/portal/reception.html", {
        "record": record, "station": station, "issues": issues, "form": form,
        "can_manage": can_manage,
        "deputies": record.deputies_present.only("pk", "name"),
    })


@login_required
@require_POST
def issue_phone(request, pk):
    """Reveal on click of a visitor's full number, for those the privacy rule allows; audited."""
    issue = get_object_or_404(ReceptionIssue, pk=pk)
    issue.record = selectors.get_reception_record_for_user(request.user, issue.record_id)
    phone = privacy.visitor_phone_reveal(actor=request.user, issue=issue, ip=ratelimit.client_ip(request))
    if request.htmx:
        return render(request, "partials/revealed_phone.html", {"phone": phone})
    messages.info(request, f"来访人电话:{phone}(本次查看已记录)")
    return redirect("stations_portal:reception", pk=issue.record_id)


# --- Activities -------------------------------------------------------------------------------


@login_required
def activities(request, pk):
    station = selectors.get_station_for_user(request.user, pk)
    page = Paginator(selectors.station_activities(station), 20).get_page(request.GET.get("page"))
    return render(request, "liaison_stations/portal/activities.html", {
        "station": station, "page": page, "can_manage": _can_manage(request.user, station),
    })


def _activity_form_view(request, station, activity=None):
    form = ActivityForm(request.POST or None, station=station, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = data.pop("participants")
        try:
            activity = services.activity_save(
                actor=request.user, station=station, participants=participants,
                activity=activity, **data,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"活动已保存,{len(participants)}名参加代表的履职档案已记录。")
            return redirect("stations_portal:activity", pk=activity.pk)
    return render(request, "liaison_stations/portal/form.html", {
        "station": station, "form": form, "title": "修改活动" if activity else "登记活动",
        "back": ("stations_portal:activities", station.pk),
    })


@login_required
def activity_add(request, pk):
    station = selectors.get_station_for_user(request.user, pk, manage=True)
    return _activity_form_view(request, station)


@login_required
def activity_edit(request, pk):
    activity = selectors.get_activity_for_user(request.user, pk)
    if not _can_manage(request.user, activity.station):
        raise Http404("没有找到该活动。")
    return _activity_form_view(request, activity.station, activity)


@login_required
def activity_detail(request, pk):
    activity = selectors.get_activity_for_user(request.user, pk)
    station = activity.station
    can_manage = _can_manage(request.user, station)
    form = None
    if can_manage:
        form = ActivityPhotoForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.activity_photo_add(
                    actor=request.user, activity=activity, image=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, "照片已上传。")
                return redirect("stations_portal:activity", pk=activity.pk)
    elif request.method == "POST":
        raise PermissionDenied("您只能查看该活动。")
    return render(request, "liaison_stations/portal/activity.html", {
        "activity": activity, "station": station, "form": form, "can_manage": can_manage,
        "participants": activity.participants.only("pk", "name"),
        "photos": activity.photos.all(),
    })


# --- Checklist --------------------------------------------------------------------------------


@login_required
def checklist(request, pk):
    station = selectors.get_station_for_user(request.user, pk)
    return render(request, "liaison_stations/portal/checklist.html", {
        "station": station,
        "rows": selectors.checklist_for_station(station),
        "compliance": selectors.station_compliance(station),
        "can_manage": _can_manage(request.user, station),
    })


@login_required
def evidence(request, pk, item_pk):
    station = selectors.get_station_for_user(request.user, pk, manage=True)
    item = get_object_or_404(StandardItem, pk=item_pk, standard_set_id=station.standard_set_id)
    instance = StandardEvidence.objects.filter(station=station, item=item).first()
    if instance is None:
        instance = StandardEvidence(station=station, item=item)
    form = EvidenceForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_submit(
                actor=request.user, station=station, item=item, note=form.cleaned_data["note"],
                photo=form.cleaned_data.get("photo") if "photo" in request.FILES else None,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"“{item.name}”的佐证已提交,等待人大办核查。")
            return redirect("stations_portal:checklist", pk=station.pk)
    return render(request, "liaison_stations/portal/form.html", {
        "station": station, "form": form, "title": f"{station.standard_set} · {item.name}",
        "back": ("stations_portal:checklist", station.pk), "multipart": True,
        "help": item.description, "current_photo": instance.photo if instance.pk else None,
    })
