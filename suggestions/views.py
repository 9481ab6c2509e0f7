"""Thin views: validate with a form → fetch with a permission-checking accessor → call one
service → redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from congress import permissions as p
from congress.models import Township
from congress.validators import mask_phone
from congress.workdays import missing_calendar_years

from . import forms, selectors, services, workflow
from .models import OPEN_STATES, ChangeRequest, State
from .rules import ACTION_RULES
from .workflow import TransitionNotAllowed

# --- portal: lists ---------------------------------------------------------------------------


def _page(request, qs, per_page=20):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@login_required
def index(request):
    """One entry for every role: deputies see their inbox, handlers their department's queue,
    presidium staff and the county viewer the work queue."""
    user = request.user
    if user.has_perm("suggestions.work_queue"):
        return queue(request)
    if user.has_perm("suggestions.deputy_inbox"):
        return render(request, "suggestions/portal/deputy_inbox.html", {
            "inbox": _page(request, selectors.deputy_inbox(user)),
            "own": selectors.deputy_own(user)[:50],
            "today": timezone.localdate(),
        })
    if user.has_perm("suggestions.department_queue"):
        return render(request, "suggestions/portal/department_queue.html", {
            "page": _page(request, selectors.department_queue(user)),
            "today": timezone.localdate(),
        })
    raise PermissionDenied("您无权查看建议。")


@login_required
def queue(request):
    if not request.user.has_perm("suggestions.work_queue"):
        raise PermissionDenied("只有人大办工作人员可以查看工作队列。")
    filters = forms.QueueFilterForm(request.GET)
    filters.is_valid()
    data = filters.cleaned_data
    state = data.get("state") or "open"
    qs = selectors.work_queue(request.user, state=state, q=data.get("q", ""), overdue=data.get("overdue", False))
    today = timezone.localdate()
    return render(request, "suggestions/portal/queue.html", {
        "page": _page(request, qs),
        "state": state,
        "q": data.get("q", ""),
        "overdue": data.get("overdue", False),
        "states": [("open", "办理中(全部)")] + list(State.choices),
        "today": today,
        "missing_years": missing_calendar_years([today.year, today.year + 1]),
    })


# --- portal: one suggestion ------------------------------------------------------------------

ACTION_FORMS = {
    "claim": forms.EmptyActionForm,
    "cosign": forms.EmptyActionForm,
    "answer": forms.AnswerForm,
    "present": forms.PresentForm,
    "withdraw": forms.ReasonForm,
    "reject": forms.ReasonForm,
    "dispatch": forms.DispatchForm,
    "sign": forms.EmptyActionForm,
    "request_reassign": forms.ChangeRequestForm,
    "request_extension": forms.ExtensionRequestForm,
    "decide_request": forms.DecideRequestForm,
    "note": forms.ProgressForm,
    "reply": forms.ReplyForm,
    "evaluate": forms.EvaluateForm,
    "close": forms.CloseForm,
}
ACTION_TITLES = {
    "claim": "接单", "cosign": "联名", "answer": "直接答复", "present": "完善并提交主席团",
    "withdraw": "撤回", "reject": "不予受理", "dispatch": "派单", "sign": "签收",
    "request_reassign": "申请改办", "request_extension": "申请延期", "decide_request": "审批申请",
    "note": "办理进展", "reply": "正式答复", "evaluate": "评价", "close": "销单",
}


def available_actions(user, suggestion) -> list[str]:
    """Actions this user may take now (state allows it and the rule says yes)."""
    if p.is_county_viewer(user):
        return []
    allowed = []
    for action in ACTION_FORMS:
        if action == "decide_request":
            if suggestion.state in (State.DISPATCHED, State.IN_PROGRESS) and ACTION_RULES[action].test(user, suggestion):
                if suggestion.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
                    allowed.append(action)
            continue
        if workflow.can_transition(suggestion.state, action) and (user.is_superuser or ACTION_RULES[action].test(user, suggestion)):
            allowed.append(action)
    return allowed


def _detail_context(request, suggestion, bound=None):
    actions = available_actions(request.user, suggestion)
    action_forms = []
    for action in actions:
        if bound and bound[0] == action:
            form = bound[1]
        else:
            form = ACTION_FORMS[action](suggestion=suggestion, user=request.user)
        action_forms.append({"action": action, "title": ACTION_TITLES[action], "form": form,
                             "multipart": action == "reply",
                             "open": bool(bound and bound[0] == action)})
    return {
        "s": suggestion,
        "events": suggestion.events.select_related("actor").all(),
        "replies": suggestion.replies.select_related("department").prefetch_related("attachments"),
        "photos": suggestion.photos.all(),
        "cosigners": suggestion.cosigners.all(),
        "co_departments": suggestion.co_departments.all(),
        "requests": suggestion.change_requests.select_related("department", "requested_by").all(),
        "action_forms": action_forms,
        "masked_phone": mask_phone(suggestion.submitter_phone),
        "show_phone": request.user.has_perm("suggestions.change_suggestion", suggestion)
        or ACTION_RULES["claim"].test(request.user, suggestion),
        "today": timezone.localdate(),
    }


@login_required
def detail(request, pk):
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    return render(request, "suggestions/portal/detail.html", _detail_context(request, suggestion))


def _call(action, *, actor, suggestion, data, files):
    seen = data.get("seen_state") or None
    if action == "claim":
        return services.suggestion_claim(actor=actor, suggestion=suggestion, seen_state=seen)
    if action == "cosign":
        return services.suggestion_cosign(actor=actor, suggestion=suggestion)
    if action == "answer":
        return services.suggestion_answer_directly(actor=actor, suggestion=suggestion, answer=data["answer"], seen_state=seen)
    if action == "present":
        return services.suggestion_present(actor=actor, suggestion=suggestion, title=data["title"], content=data["content"],
                                           category=data.get("category"), seen_state=seen)
    if action == "withdraw":
        return services.suggestion_withdraw(actor=actor, suggestion=suggestion, reason=data["reason"], seen_state=seen)
    if action == "reject":
        return services.suggestion_reject(actor=actor, suggestion=suggestion, reason=data["reason"], seen_state=seen)
    if action == "dispatch":
        return services.suggestion_dispatch(
            actor=actor, suggestion=suggestion, lead_department=data["lead_department"],
            co_departments=list(data.get("co_departments") or []), is_complex=data.get("is_complex", False),
            deadline=data.get("deadline"), is_key=data.get("is_key", False), supervisor=data.get("supervisor"),
            note=data.get("note", ""), seen_state=seen)
    if action == "sign":
        return services.suggestion_sign(actor=actor, suggestion=suggestion, seen_state=seen)
    if action == "request_reassign":
        return services.suggestion_request_change(actor=actor, suggestion=suggestion, kind=ChangeRequest.Kind.REASSIGN,
                                                  reason=data["reason"])
    if action == "request_extension":
        return services.suggestion_request_change(actor=actor, suggestion=suggestion, kind=ChangeRequest.Kind.EXTEND,
                                                  reason=data["reason"], months=data["months"])
    if action == "decide_request":
        request_obj = get_object_or_404(ChangeRequest, pk=data["request_id"], suggestion=suggestion)
        return services.suggestion_decide_change(actor=actor, request=request_obj, approve=data["approve"],
                                                 note=data.get("note", ""), new_department=data.get("new_department"))
    if action == "note":
        return services.suggestion_add_progress(actor=actor, suggestion=suggestion, text=data["text"])
    if action == "reply":
        return services.suggestion_reply(actor=actor, suggestion=suggestion, reply_class=data["reply_class"],
                                         text=data["text"], attachments=data.get("attachments") or [], seen_state=seen)
    if action == "evaluate":
        return services.suggestion_evaluate(actor=actor, suggestion=suggestion, rating=data["rating"],
                                            comment=data.get("comment", ""),
                                            late_reason=data.get("late_reason", ""), seen_state=seen)
    if action == "close":
        return services.suggestion_close(actor=actor, suggestion=suggestion, is_public=data.get("is_public", False),
                                         note=data.get("note", ""), seen_state=seen)
    raise Http404


@login_required
@require_POST
def act(request, pk, action):
    if action not in ACTION_FORMS:
        raise Http404
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    form = ACTION_FORMS[action](request.POST, request.FILES, suggestion=suggestion, user=request.user)
    if form.is_valid():
        try:
            _call(action, actor=request.user, suggestion=suggestion, data=form.cleaned_data, files=request.FILES)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("suggestions_portal:detail", pk=pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or "您无权执行该操作。")
            return redirect("suggestions_portal:detail", pk=pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field_name, errors in exc.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已{ACTION_TITLES[action]}。")
            return redirect("suggestions_portal:detail", pk=pk)
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    return render(request, "suggestions/portal/detail.html",
                  _detail_context(request, suggestion, bound=(action, form)), status=400)


@login_required
def enter(request):
    """Staff (or a deputy / station admin) enter an item from WeChat, phone, letter or a visit."""
    if not request.user.has_perm("suggestions.enter") or request.user.township_id is None:
        raise PermissionDenied("您无权录入建议。")
    township = request.user.township
    form = forms.StaffEntryForm(request.POST or None, request.FILES or None, township=township)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_create_by_staff(
                actor=request.user, channel=data["channel"], kind=data["kind"], title=data["title"],
                content=data["content"], category=data.get("category"), village=data.get("village"),
                station=data.get("station"), submitter_name=data.get("submitter_name", ""),
                submitter_phone=data.get("submitter_phone", ""), photos=data.get("photos") or [])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已录入,查询码 {suggestion.code}。")
            return redirect(suggestion.get_absolute_url())
    return render(request, "suggestions/portal/enter.html", {"form": form})


@login_required
@require_POST
def from_reception_issue(request, issue_pk):
    """One step from a reception record's issue to a suggestion (button on reception records)."""
    from liaison_stations.models import ReceptionIssue

    issue = get_object_or_404(ReceptionIssue.objects.select_related("record"), pk=issue_pk)
    if not (request.user.is_superuser or request.user.township_id == issue.record.township_id):
        raise Http404
    try:
        suggestion = services.suggestion_create_from_reception_issue(actor=request.user, issue=issue)
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, f"已转为建议,查询码 {suggestion.code}。")
    return redirect(suggestion.get_absolute_url())


# --- public ------------------------------------------------------------------------------------


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def submit(request, township):
    township = get_object_or_404(Township, slug=township)
    initial = {"station": request.GET.get("station")} if request.GET.get("station") else None
    form = forms.PublicSuggestionForm(request.POST or None, request.FILES or None, township=township, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if selectors.submission_rate_exceeded(ip=_client_ip(request), phone=data.get("submitter_phone", "")):
            form.add_error(None, selectors.RATE_LIMIT_MESSAGE)
            status = 429
        else:
            try:
                suggestion = services.suggestion_submit_public(
                    township=township, kind=data["kind"], title=data["title"], content=data["content"],
                    category=data.get("category"), village=data.get("village"), station=data.get("station"),
                    submitter_name=data.get("submitter_name", ""), submitter_phone=data.get("submitter_phone", ""),
                    is_anonymous=data.get("is_anonymous", False), consent=data["consent"], ip=_client_ip(request),
                    photos=data.get("photos") or [])
            except ValidationError as exc:
                for field_name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                request.session["suggestion_submitted"] = suggestion.code
                return redirect("suggestions_public:done", township=township.slug, code=suggestion.code)
    elif request.method == "POST":
        status = 400
    station = None
    if request.GET.get("station", "").isdigit():
        from liaison_stations.models import Station

        station = Station.objects.filter(pk=request.GET["station"], township=township).first()
    return render(request, "suggestions/public/submit.html", {"form": form, "township": township, "station": station},
                  status=status)


def done(request, township, code):
    township = get_object_or_404(Township, slug=township)
    if request.session.get("suggestion_submitted") != code:
        raise Http404
    return render(request, "suggestions/public/done.html", {"township": township, "code": code})


def track(request):
    form = forms.TrackForm(request.GET or None)
    suggestion = None
    rating_form = None
    if form.is_bound and form.is_valid():
        suggestion = selectors.find_for_tracking(form.cleaned_data["code"], form.cleaned_data.get("phone_last4", ""))
        if suggestion is None:
            form.add_error(None, "未找到该事项,请核对查询码和手机号后四位。")
    if suggestion is not None and request.method == "POST":
        if request.POST.get("withdraw"):
            try:
                services.suggestion_withdraw(actor=None, suggestion=suggestion, by_citizen=True, reason="反映人撤回")
                messages.success(request, "已撤回。")
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
            return redirect(request.get_full_path())
        rating_form = forms.CitizenRatingForm(request.POST)
        if rating_form.is_valid():
            try:
                services.suggestion_citizen_rate(suggestion=suggestion, rating=rating_form.cleaned_data["rating"],
                                                 comment=rating_form.cleaned_data["comment"])
                messages.success(request, "感谢您的评价。")
                return redirect(request.get_full_path())
            except (TransitionNotAllowed, ValidationError) as exc:
                rating_form.add_error(None, str(exc) if isinstance(exc, TransitionNotAllowed) else exc.messages)
    if suggestion is not None and rating_form is None and (suggestion.replied_at or suggestion.direct_answer) and not suggestion.citizen_rating:
        rating_form = forms.CitizenRatingForm()
    context = {"form": form, "s": suggestion, "rating_form": rating_form}
    if suggestion is not None:
        context.update(
            events=suggestion.events.filter(is_public=True),
            replies=suggestion.replies.all(),
            can_withdraw=workflow.can_transition(suggestion.state, "withdraw"),
            masked_phone=mask_phone(suggestion.submitter_phone),
        )
    return render(request, "suggestions/public/track.html", context)


def results(request, township):
    township = get_object_or_404(Township, slug=township)
    return render(request, "suggestions/public/results.html", {
        "township": township,
        "page": _page(request, selectors.public_results(township)),
    })


__all__ = ["index", "queue", "detail", "act", "enter", "from_reception_issue", "submit", "done", "track", "results",
           "OPEN_STATES", "reverse"]
