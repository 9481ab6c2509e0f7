"""Thin views: validate with a form → fetch with a permission-checking accessor → call one
service → redirect or render."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from congress import ratelimit
from congress.exceptions import ApplicationError, add_form_errors, user_message
from congress.models import Township
from congress.validators import mask_phone
from congress.workdays import missing_calendar_years

from . import actions, deadlines, forms, privacy, selectors, services, workflow
from .models import State
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
        horizons = selectors.light_horizons()
        return render(request, "suggestions/portal/deputy_inbox.html", {
            "inbox": _page(request, selectors.deputy_inbox(user, horizons)),
            "own": selectors.deputy_own(user, horizons)[:50],
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
    today = timezone.localdate()
    horizons = selectors.light_horizons(today)
    qs = selectors.work_queue(request.user, state=state, q=data.get("q", ""), overdue=data.get("overdue", False),
                              light=data.get("light", ""), department=data.get("department", ""),
                              township=data.get("township", ""), horizons=horizons)
    return render(request, "suggestions/portal/queue.html", {
        "page": _page(request, qs),
        "state": state,
        "q": data.get("q", ""),
        "overdue": data.get("overdue", False),
        "light": data.get("light", ""),
        "department": data.get("department", ""),
        "township": data.get("township", ""),
        "department_lights": selectors.light_counts_by_department(request.user, horizons),
        "supervised": list(selectors.supervised_by(request.user, horizons)[:20]),
        "states": [("open", "办理中(全部)")] + list(State.choices),
        "today": today,
        "missing_years": missing_calendar_years([today.year, today.year + 1]),
    })


# --- portal: one suggestion ------------------------------------------------------------------

def _detail_context(request, suggestion, bound=None):
    action_forms = []
    for action in actions.available_actions(request.user, suggestion):
        if bound and bound[0] == action:
            form = bound[1]
        else:
            form = actions.form_for(action, suggestion=suggestion, user=request.user)
        action_forms.append({"action": action, "title": workflow.ACTIONS[action].title, "form": form,
                             "multipart": action == "reply",
                             "open": bool(bound and bound[0] == action)})
    return {
        "s": suggestion,
        "events": suggestion.events.select_related("actor").all(),
        "replies": suggestion.replies.select_related("department").prefetch_related("attachments"),
        "photos": suggestion.photos.all(),
        "revisions": list(suggestion.revisions.all()),
        "cosigners": suggestion.cosigners.all(),
        "co_departments": suggestion.co_departments.all(),
        "requests": suggestion.change_requests.select_related("department", "requested_by").all(),
        "action_forms": action_forms,
        "light": selectors.light_of(suggestion),
        "masked_phone": privacy.masked_citizen_phone(suggestion),
        "can_reveal_phone": privacy.may_see_citizen_phone(request.user, suggestion),
        "today": timezone.localdate(),
    }


@login_required
@require_POST
def reveal_phone(request, pk):
    """Reveal on click: the full number for those the privacy rule allows, each reveal audited."""
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    phone = privacy.citizen_phone_reveal(actor=request.user, suggestion=suggestion, ip=_client_ip(request))
    if request.htmx:
        return render(request, "partials/revealed_phone.html", {"phone": phone})
    messages.info(request, f"反映人电话:{phone}(本次查看已记录)")
    return redirect("suggestions_portal:detail", pk=suggestion.pk)


@login_required
def detail(request, pk):
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    return render(request, "suggestions/portal/detail.html", _detail_context(request, suggestion))


@login_required
@require_POST
def act(request, pk, action):
    if not actions.is_door_action(action):
        raise Http404
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    form = actions.form_for(action, request.POST, request.FILES, suggestion=suggestion, user=request.user)
    if form.is_valid():
        try:
            actions.perform(action, actor=request.user, suggestion=suggestion, form=form)
        except (ApplicationError, PermissionDenied) as exc:
            messages.error(request, user_message(exc))
            return redirect("suggestions_portal:detail", pk=pk)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, actions.done_message(action))
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
            add_form_errors(form, exc)
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
    return ratelimit.client_ip(request)


def _submission_over_limit(request, phone: str) -> bool:
    """Counted atomically per attempt (congress.ratelimit): parallel posts cannot slip through."""
    return ratelimit.hit(
        "submit-phone", phone, limit=settings.SUGGESTION_RATE_PER_PHONE, window=86400
    ) or ratelimit.hit("submit-ip", _client_ip(request), limit=settings.SUGGESTION_RATE_PER_IP, window=3600)


def submit(request, township):
    township = get_object_or_404(Township, slug=township)
    initial = {"station": request.GET.get("station")} if request.GET.get("station") else None
    form = forms.PublicSuggestionForm(request.POST or None, request.FILES or None, township=township, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _submission_over_limit(request, data.get("submitter_phone", "")):
            form.add_error(None, selectors.RATE_LIMIT_MESSAGE)
            status = 429
        else:
            try:
                suggestion = services.suggestion_submit_public(
                    township=township, kind=data["kind"], title=data["title"], content=data["content"],
                    category=data.get("category"), village=data.get("village"), station=data.get("station"),
                    submitter_name=data.get("submitter_name", ""), submitter_phone=data.get("submitter_phone", ""),
                    is_anonymous=data.get("is_anonymous", False), consent=data["consent"], ip=_client_ip(request),
                    photos=data.get("photos") or [], deputy=selectors.preferred_deputy(township, request.GET.get("deputy")))
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                request.session["suggestion_submitted"] = suggestion.code
                request.session["suggestion_submitted_anonymous"] = not suggestion.submitter_phone
                return redirect("suggestions_public:done", township=township.slug, code=suggestion.code)
    elif request.method == "POST":
        status = 400
    station = None
    station_id = request.GET.get("station", "")
    if station_id.isascii() and station_id.isdigit():
        from liaison_stations.models import Station

        station = Station.objects.filter(pk=request.GET["station"], township=township).first()
    return render(request, "suggestions/public/submit.html", {"form": form, "township": township, "station": station,
                  "preferred_deputy": selectors.preferred_deputy(township, request.GET.get("deputy"))}, status=status)


def done(request, township, code):
    """After a submission. The code is in the address, so the page never 404s later (a bookmark,
    a reload, another browser); whether the item was anonymous is known only to the session that
    submitted it, so the page reveals nothing about an item from its code alone."""
    township = get_object_or_404(Township, slug=township)
    just_submitted = request.session.get("suggestion_submitted") == code
    return render(request, "suggestions/public/done.html", {
        "township": township, "code": code, "just_submitted": just_submitted,
        "anonymous": just_submitted and request.session.get("suggestion_submitted_anonymous", False),
    })


TRACKED_SESSION_KEY = "suggestion_tracked"


def track(request):
    """Look an item up by POST (code + last four phone digits; anonymous items by code alone), so
    no phone digits ever appear in an address, a log or a browser history. The item found is kept
    in the session: the withdraw and rating forms post back here and the page reloads by GET."""
    suggestion = None
    rating_form = None
    if request.method == "POST" and "code" in request.POST:
        form = forms.TrackForm(request.POST)
        if ratelimit.hit("track-ip", _client_ip(request), limit=settings.TRACK_RATE_PER_IP, window=600):
            form.add_error(None, "查询过于频繁,请十分钟后再试。")
            return render(request, "suggestions/public/track.html", {"form": form}, status=429)
        if form.is_valid():
            code = form.cleaned_data["code"].upper()
            wrong = {"limit": settings.TRACK_WRONG_DIGITS_PER_CODE, "window": 3600}
            if ratelimit.peek("track-code", code, **wrong):
                form.add_error(None, "该查询码输错次数过多,已暂时锁定,请一小时后再试。")
                return render(request, "suggestions/public/track.html", {"form": form}, status=429)
            suggestion = selectors.find_for_tracking(form.cleaned_data["code"], form.cleaned_data.get("phone_last4", ""))
            if suggestion is None:
                ratelimit.hit("track-code", code, **wrong)
                form.add_error(None, "未找到该事项,请核对查询码和手机号后四位(匿名反映的事项只填查询码)。")
            else:
                request.session[TRACKED_SESSION_KEY] = suggestion.pk
                return redirect("suggestions_public:track")
        return render(request, "suggestions/public/track.html", {"form": form}, status=400)
    form = forms.TrackForm(initial={"code": request.GET.get("code", "")[:12]})
    tracked_pk = request.session.get(TRACKED_SESSION_KEY)
    if tracked_pk:
        suggestion = selectors.suggestion_for_tracking_session(tracked_pk)
    if request.method == "POST" and suggestion is None:
        messages.error(request, "查询已失效,请重新输入查询码。")
        return redirect("suggestions_public:track")
    if suggestion is not None and request.method == "POST":
        if request.POST.get("withdraw"):
            try:
                services.suggestion_withdraw(actor=None, suggestion=suggestion, by_citizen=True, reason="反映人撤回")
                messages.success(request, "已撤回。")
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
            return redirect("suggestions_public:track")
        if request.POST.get("leave"):
            request.session.pop(TRACKED_SESSION_KEY, None)
            return redirect("suggestions_public:track")
        rating_form = forms.CitizenRatingForm(request.POST)
        if rating_form.is_valid():
            try:
                services.suggestion_citizen_rate(suggestion=suggestion, rating=rating_form.cleaned_data["rating"],
                                                 comment=rating_form.cleaned_data["comment"])
                messages.success(request, "感谢您的评价。")
                return redirect("suggestions_public:track")
            except (TransitionNotAllowed, ValidationError) as exc:
                add_form_errors(rating_form, exc)
    if (suggestion is not None and rating_form is None and (suggestion.replied_at or suggestion.direct_answer)
            and not suggestion.citizen_rating and not deadlines.rating_is_late(suggestion, timezone.localdate())):
        rating_form = forms.CitizenRatingForm()
    context = {"form": form, "s": suggestion, "rating_form": rating_form}
    if suggestion is not None:
        context.update(
            events=suggestion.events.filter(is_public=True),
            replies=suggestion.replies.all(),
            revisions=list(suggestion.revisions.all()),
            can_withdraw=workflow.can_transition(suggestion.state, "withdraw"),
            masked_phone=mask_phone(suggestion.submitter_phone),
        )
    return render(request, "suggestions/public/track.html", context)


def rate_link(request, code):
    """The short link of the citizen SMS (/r/<code>/): the tracking page with the code filled in.
    It looks nothing up, so it tells nobody whether a code exists."""
    return redirect(f"{reverse('suggestions_public:track')}?{urlencode({'code': code[:12]})}")


def results(request, township):
    township = get_object_or_404(Township, slug=township)
    return render(request, "suggestions/public/results.html", {
        "township": township,
        "page": _page(request, selectors.public_results(township)),
    })

