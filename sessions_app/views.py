"""Portal pages of the sessions app: session list and detail, the venue screen with the rotating
check-in QR code, the deputy's check-in, the live attendance page, votes and their results, the
民生实事 ballot, and the compliance flags. Views validate, fetch with a permission-checking
accessor, call one service, and redirect or render."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from congress.tenancy import scope_to_user, user_townships
from deputies.predicates import deputy_of

from . import checkin, selectors, services
from .forms import (
    AttendanceForm,
    BallotForm,
    LivelihoodBallotForm,
    LivelihoodOpenForm,
    PaperCountForm,
    ProgressReportForm,
    ProjectFromSuggestionForm,
    SessionSuggestionForm,
)
from .models import BallotReceipt, CongressSession, LivelihoodProject, ProjectProgress, Vote


def _require(user, perm, obj):
    if not user.has_perm(perm, obj):
        raise PermissionDenied("您没有权限进行此操作。")


def _refused(request, exc):
    messages.error(request, exc.message)


# --- Sessions ----------------------------------------------------------------------------------


@login_required
def session_list(request):
    if not request.user.has_perm("sessions_app.view_session"):
        raise PermissionDenied
    sessions = list(selectors.sessions_for_user(request.user)[:50])
    return render(request, "sessions_app/session_list.html", {"sessions": sessions})


@login_required
def session_detail(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    deputy = deputy_of(request.user)
    my_attendance = None
    open_votes = []
    if deputy is not None:
        my_attendance = session.attendances.filter(deputy=deputy).first()
        open_votes = list(selectors.open_votes_for_deputy(session, deputy).filter(livelihood_project__isnull=True))
    agenda = session.agenda_items.prefetch_related("documents").order_by("order")
    return render(
        request,
        "sessions_app/session_detail.html",
        {
            "session": session,
            "agenda": agenda,
            "votes": list(selectors.votes_for_session(session)),
            "summary": selectors.attendance_summary(session),
            "can_manage": request.user.has_perm("sessions_app.manage_session", session),
            "deputy": deputy,
            "my_attendance": my_attendance,
            "open_votes": open_votes,
            "has_projects": session.livelihood_projects.exists(),
        },
    )


@login_required
@require_POST
def session_open(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", session)
    try:
        services.session_open(actor=request.user, session=session)
        messages.success(request, "会议已开幕。")
    except services.ActionRefused as exc:
        _refused(request, exc)
    return redirect("sessions_portal:session_detail", pk=session.pk)


@login_required
@require_POST
def session_close(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", session)
    try:
        services.session_close(actor=request.user, session=session)
        messages.success(request, "会议已闭幕,出席代表的履职档案已记录。")
    except services.ActionRefused as exc:
        _refused(request, exc)
    return redirect("sessions_portal:session_detail", pk=session.pk)


# --- Check-in ----------------------------------------------------------------------------------


def _qr_context(request, session):
    # Absolute on the scheme and host of this request: the deputies' phones reach the server by
    # the same address as the venue screen, whatever SITE_URL says.
    url = request.build_absolute_uri(checkin.checkin_path(session.pk))
    qr = segno.make(url, error="m")
    return {
        "session": session,
        "qr_svg": qr.svg_inline(scale=8, border=2, dark="#000", light="#fff", omitsize=True),
        "checkin_url": url,
        "seconds_left": checkin.seconds_left(),
        "summary": selectors.attendance_summary(session),
        "now": timezone.localtime(),
    }


@login_required
def session_screen(request, pk):
    """The venue screen (会场大屏): a QR code that changes every minute, and the live count."""
    session = selectors.get_session_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", session)
    template = "sessions_app/_screen_body.html" if request.htmx else "sessions_app/screen.html"
    return render(request, template, _qr_context(request, session))


@login_required
def checkin_view(request):
    """Where the QR code leads: the deputy, logged in to the portal, confirms the check-in."""
    code = request.POST.get("c") if request.method == "POST" else request.GET.get("c", "")
    error = None
    session = None
    try:
        session_id = checkin.read_code(code)
        session = selectors.get_session_for_user(request.user, session_id)
    except checkin.CheckinCodeError as exc:
        error = exc.message
    if request.method == "POST" and error is None:
        try:
            attendance = services.attendance_check_in_by_code(actor=request.user, code=code, session_id=session.pk)
        except (checkin.CheckinCodeError, services.ActionRefused) as exc:
            error = exc.message
        except PermissionDenied as exc:
            error = str(exc) or "您没有权限签到。"
        else:
            messages.success(
                request, f"签到成功!{attendance.deputy.name},欢迎出席{session.short_title}。"
            )
            return redirect("sessions_portal:session_detail", pk=session.pk)
    status = 400 if error else 200
    return render(
        request, "sessions_app/checkin.html", {"session": session, "code": code, "error": error}, status=status
    )


# --- Attendance --------------------------------------------------------------------------------


@login_required
def attendance_live(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    can_manage = request.user.has_perm("sessions_app.manage_session", session)
    _require(request.user, "sessions_app.watch_attendance", session)
    roster = selectors.term_roster(session.term)
    form = AttendanceForm(roster=roster)
    if request.method == "POST" and request.POST.get("rest_present"):
        _require(request.user, "sessions_app.manage_session", session)
        try:
            count = services.attendance_mark_rest_present(actor=request.user, session=session)
        except services.ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已将其余 {count} 名代表登记为出席。")
        return redirect("sessions_portal:attendance", pk=session.pk)
    if request.method == "POST":
        _require(request.user, "sessions_app.manage_session", session)
        form = AttendanceForm(request.POST, roster=roster)
        if form.is_valid():
            try:
                attendance = services.attendance_record(
                    actor=request.user, session=session, deputy=form.cleaned_data["deputy"],
                    status=form.cleaned_data["status"], leave_reason=form.cleaned_data["leave_reason"],
                )
            except services.ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已登记:{attendance.deputy.name} {attendance.get_status_display()}。")
                return redirect("sessions_portal:attendance", pk=session.pk)
    context = {"session": session, "summary": selectors.attendance_summary(session), "form": form, "can_manage": can_manage}
    if request.htmx and request.method == "GET":
        return render(request, "sessions_app/_attendance_body.html", context)
    return render(request, "sessions_app/attendance.html", context, status=400 if form.errors else 200)


# --- Votes -------------------------------------------------------------------------------------


@login_required
def vote_detail(request, pk):
    vote = selectors.get_vote_for_user(request.user, pk)
    session = vote.session
    deputy = deputy_of(request.user)
    can_manage = request.user.has_perm("sessions_app.manage_session", session)
    receipt = BallotReceipt.objects.filter(vote=vote, deputy=deputy).first() if deputy else None
    form = BallotForm()
    if request.method == "POST":
        form = BallotForm(request.POST)
        if form.is_valid():
            try:
                services.vote_cast(actor=request.user, vote=vote, choice=form.cleaned_data["choice"])
            except services.ActionRefused as exc:
                form.add_error(None, exc.message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "您的表决已提交。")
                return redirect("sessions_portal:vote_detail", pk=vote.pk)
    can_cast = (
        deputy is not None
        and receipt is None
        and vote.status == Vote.Status.OPEN
        and vote.method == Vote.Method.ELECTRONIC
        and request.user.has_perm("sessions_app.vote", session)
    )
    show_counts = vote.status == Vote.Status.CLOSED or can_manage
    recorded = []
    if vote.ballot_kind == Vote.BallotKind.OPEN and vote.status == Vote.Status.CLOSED:
        recorded = list(vote.receipts.select_related("deputy").order_by("deputy__name"))
    return render(
        request,
        "sessions_app/vote_detail.html",
        {
            "vote": vote, "session": session, "form": form, "receipt": receipt, "can_cast": can_cast,
            "can_manage": can_manage, "result": selectors.vote_result(vote) if show_counts else None,
            "paper_form": PaperCountForm() if can_manage and vote.method == Vote.Method.PAPER else None,
            "receipt_count": vote.receipts.count(), "recorded": recorded,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def vote_open(request, pk):
    vote = selectors.get_vote_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", vote.session)
    try:
        services.vote_open(actor=request.user, vote=vote)
        messages.success(request, "表决已开始。")
    except services.ActionRefused as exc:
        _refused(request, exc)
    return redirect("sessions_portal:vote_detail", pk=vote.pk)


@login_required
@require_POST
def vote_close(request, pk):
    vote = selectors.get_vote_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", vote.session)
    try:
        services.vote_close(actor=request.user, vote=vote)
        messages.success(request, "表决已结束。")
    except services.ActionRefused as exc:
        _refused(request, exc)
    return redirect("sessions_portal:vote_detail", pk=vote.pk)


@login_required
@require_POST
def vote_paper(request, pk):
    vote = selectors.get_vote_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", vote.session)
    form = PaperCountForm(request.POST)
    if form.is_valid():
        try:
            services.vote_record_paper_counts(actor=request.user, vote=vote, **form.cleaned_data)
        except services.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "纸质选票票数已录入,表决结束。")
            return redirect("sessions_portal:vote_detail", pk=vote.pk)
    return render(
        request, "sessions_app/vote_detail.html",
        {"vote": vote, "session": vote.session, "can_manage": True, "paper_form": form,
         "result": selectors.vote_result(vote), "receipt_count": vote.receipts.count()},
        status=400,
    )


# --- 民生实事票决 ------------------------------------------------------------------------------


@login_required
def livelihood_ballot(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    can_manage = request.user.has_perm("sessions_app.manage_session", session)
    deputy = deputy_of(request.user)
    projects = list(selectors.livelihood_projects_for_session(session))
    open_projects = [p for p in projects if p.vote and p.vote.status == Vote.Status.OPEN and p.vote.method == Vote.Method.ELECTRONIC]
    voted_ids = set()
    if deputy:
        voted_ids = set(
            BallotReceipt.objects.filter(deputy=deputy, vote__livelihood_project__session=session).values_list("vote_id", flat=True)
        )
    to_vote = [p for p in open_projects if p.vote_id not in voted_ids]
    form = LivelihoodBallotForm(projects=to_vote)
    if request.method == "POST":
        form = LivelihoodBallotForm(request.POST, projects=to_vote)
        if not to_vote:
            messages.error(request, "当前没有需要您票决的项目。")
            return redirect("sessions_portal:livelihood_ballot", pk=session.pk)
        if form.is_valid():
            try:
                services.livelihood_cast(actor=request.user, session=session, choices=form.choices())
            except services.ActionRefused as exc:
                form.add_error(None, exc.message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "您的民生实事项目票决已提交。")
                return redirect("sessions_portal:livelihood_ballot", pk=session.pk)
    voting_started = any(p.vote_id for p in projects)
    finalized = any(p.selected is not None for p in projects)
    ranking = selectors.livelihood_ranking(session) if (can_manage or finalized) and voting_started else []
    return render(
        request,
        "sessions_app/livelihood.html",
        {
            "session": session, "projects": projects, "form": form, "to_vote": to_vote,
            "can_vote": bool(deputy and to_vote and request.user.has_perm("sessions_app.vote", session)),
            "can_manage": can_manage, "ranking": ranking, "voting_started": voting_started,
            "finalized": finalized, "open_form": LivelihoodOpenForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def livelihood_open(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", session)
    form = LivelihoodOpenForm(request.POST)
    if form.is_valid():
        try:
            services.livelihood_voting_open(actor=request.user, session=session, **form.cleaned_data)
            messages.success(request, "民生实事项目票决已开始。")
        except services.ActionRefused as exc:
            _refused(request, exc)
    return redirect("sessions_portal:livelihood_ballot", pk=session.pk)


@login_required
@require_POST
def livelihood_finalize(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", session)
    try:
        services.livelihood_voting_finalize(actor=request.user, session=session)
        messages.success(request, "票决结果已确定。")
    except services.ActionRefused as exc:
        _refused(request, exc)
    return redirect("sessions_portal:livelihood_ballot", pk=session.pk)


# --- Session suggestions ----------------------------------------------------------------------


def _suggestion_choices():
    from suggestions.models import Category, Kind

    kinds = [(k, label) for k, label in Kind.choices if k in {"suggestion", "criticism", "opinion"}]
    return kinds, Category.objects.filter(is_active=True).order_by("sort_order", "name")


@login_required
def session_suggestion_new(request, pk):
    session = selectors.get_session_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", session)
    kinds, categories = _suggestion_choices()
    roster = selectors.term_roster(session.term)
    form = SessionSuggestionForm(request.POST or None, roster=roster, kinds=kinds, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_suggestion_submit(actor=request.user, session=session, **form.cleaned_data)
        except services.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "大会期间代表建议已登记,进入建议办理流程。")
            return redirect("sessions_portal:session_detail", pk=session.pk)
    return render(
        request, "sessions_app/session_suggestion.html",
        {"session": session, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def project_from_suggestion(request, pk):
    """Promote a suggestion of the township to a 民生实事 candidate project."""
    from congress.models import Department
    from suggestions.models import Suggestion

    session = selectors.get_session_for_user(request.user, pk)
    _require(request.user, "sessions_app.manage_session", session)
    suggestions = (
        scope_to_user(Suggestion.objects.all(), request.user)
        .filter(township=session.township)
        .exclude(state__in=["withdrawn", "rejected"])
        .exclude(livelihood_projects__session=session)
        .order_by("-pk")
    )
    departments = scope_to_user(Department.objects.filter(is_active=True), request.user)
    form = ProjectFromSuggestionForm(request.POST or None, suggestions=suggestions, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.livelihood_project_from_suggestion(actor=request.user, session=session, **form.cleaned_data)
        except services.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已将建议“{project.title}”列为民生实事候选项目。")
            return redirect("sessions_portal:livelihood_ballot", pk=session.pk)
    return render(
        request, "sessions_app/project_from_suggestion.html", {"session": session, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def my_projects(request):
    """Selected 民生实事 projects of the handler's department (or the office's township)."""
    user = request.user
    qs = LivelihoodProject.objects.filter(selected=True).select_related("session__term", "department")
    if user.department_id and user.role == "handler":
        qs = qs.filter(department_id=user.department_id)
    elif user.has_perm("sessions_app.manage_session"):
        qs = scope_to_user(qs, user)
    else:
        raise PermissionDenied
    projects = list(qs.order_by("-session__start_date", "rank")[:100])
    return render(request, "sessions_app/my_projects.html", {"projects": projects})


@login_required
def project_progress_new(request, pk):
    project = (
        LivelihoodProject.objects.select_related("session__township", "department").filter(pk=pk, selected=True).first()
    )
    if project is None or not request.user.has_perm("sessions_app.report_progress", project):
        raise PermissionDenied("您没有权限报送该项目的进展。")
    form = ProgressReportForm(request.POST or None, initial={"date": timezone.localdate(), "completion": project.completion})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_progress_add(
                actor=request.user, project=project, kind=ProjectProgress.Kind.REPORT, **form.cleaned_data
            )
        except services.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "进展已报送,将在公开页面显示。")
            return redirect("sessions_portal:my_projects")
    progress = project.progress.order_by("-date", "-id")[:20]
    return render(
        request, "sessions_app/project_progress.html", {"project": project, "form": form, "progress": progress},
        status=400 if form.errors else 200,
    )


# --- Compliance --------------------------------------------------------------------------------


@login_required
def compliance(request):
    """Flags: years with fewer than two sessions; quarters without a presidium meeting."""
    user = request.user
    if not user.has_perm("sessions_app.view_compliance"):
        raise PermissionDenied
    today = timezone.localdate()
    rows = []
    for township in user_townships(user).order_by("name"):
        rows.append(
            {
                "township": township,
                "years": selectors.sessions_per_year(township, today=today),
                "quarters": selectors.presidium_meetings_per_quarter(township, today=today),
            }
        )
    return render(request, "sessions_app/compliance.html", {"rows": rows})
