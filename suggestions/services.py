"""Every write to a suggestion goes through one function here.

Each service takes keyword-only arguments with the ``actor`` named, runs in
``transaction.atomic()``, locks the row with ``select_for_update()``, re-checks the state
(:func:`suggestions.workflow.can_transition`) and the actor's permission
(:data:`suggestions.rules.ACTION_RULES`), saves with ``update_fields``, writes the timeline row
(:class:`SuggestionEvent`: who, when, from, to, note) and schedules notifications with
``transaction.on_commit``. Views, admin actions, Celery tasks and other apps call these.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from congress.models import Department, User
from congress.notifications import notification_send
from congress.roles import PRESIDIUM_LEADERS, PRESIDIUM_STAFF, Role
from congress.workdays import WorkCalendar, add_months

from . import deadlines, workflow
from .models import (
    Category,
    Channel,
    ChangeRequest,
    DeadlineSettings,
    ProgressNote,
    Rating,
    ReplyAttachment,
    State,
    Suggestion,
    SuggestionEvent,
    SuggestionPhoto,
    SuggestionReply,
)
from .rules import ACTION_RULES, deputy_of
from .workflow import STALE_MESSAGE, TransitionNotAllowed

__all__ = ["TransitionNotAllowed", "STALE_MESSAGE"]


# --- helpers ---------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _calendar(start: datetime.date) -> WorkCalendar:
    return WorkCalendar([start.year, start.year + 1])


def stage_due_date(settings: DeadlineSettings, state: str, start: datetime.date) -> datetime.date | None:
    """The deadline of the stage a suggestion has just entered (working days unless months)."""
    cal = _calendar(start)
    if state == State.SUBMITTED:
        return cal.add_workdays(start, settings.claim_workdays)
    if state == State.CLAIMED:
        return cal.add_workdays(start, settings.present_workdays)
    if state == State.PRESENTED:
        return cal.add_workdays(start, settings.dispatch_workdays)
    if state == State.DISPATCHED:
        return cal.add_workdays(start, settings.sign_workdays)
    if state == State.REPLIED:
        return cal.add_workdays(start, settings.evaluation_workdays)
    return None


def reply_deadline(settings: DeadlineSettings, start: datetime.date, *, months: int) -> datetime.date:
    """``months`` calendar months after ``start``, moved to the next working day if needed."""
    target = add_months(start, months)
    return WorkCalendar([target.year]).next_workday_on_or_after(target)


def _set_due(suggestion: Suggestion, due: datetime.date | None, fields: set) -> None:
    suggestion.due_date = due
    suggestion.due_version += 1
    fields.update({"due_date", "due_version"})


def _actor_label(actor) -> str:
    if actor is None:
        return "群众"
    return f"{actor.display_name}({actor.get_role_display() or '管理员'})"


def _event(suggestion, *, actor, action, from_state, to_state, note="", is_public=True):
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        actor=actor,
        actor_label=_actor_label(actor),
        from_state=from_state,
        to_state=to_state,
        note=note,
        is_public=is_public,
    )


def _notify_later(users: Iterable[User], title: str, suggestion: Suggestion, body: str = "") -> None:
    """Tell each user (once) after the transaction commits."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if not recipients:
        return
    url = suggestion.get_absolute_url()

    def send():
        for user in recipients.values():
            notification_send(recipient=user, title=title, body=body, url=url)

    transaction.on_commit(send)


def staff_users(township_id) -> list[User]:
    return list(User.objects.filter(township_id=township_id, role__in=PRESIDIUM_STAFF, is_active=True))


def leader_users(township_id) -> list[User]:
    return list(User.objects.filter(township_id=township_id, role__in=PRESIDIUM_LEADERS, is_active=True))


def handler_users(department_ids) -> list[User]:
    return list(User.objects.filter(department_id__in=list(department_ids), role=Role.HANDLER, is_active=True))


def _deputy_users(deputies) -> list[User]:
    return [d.user for d in deputies if d.user_id]


def _lock(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion_id)


def _check(suggestion: Suggestion, actor, action: str, seen_state: str | None = None) -> None:
    """State first (a stale page gets the refresh message), then the actor's permission."""
    if seen_state is not None and seen_state != suggestion.state:
        raise TransitionNotAllowed(STALE_MESSAGE)
    if not workflow.can_transition(suggestion.state, action):
        label = workflow.TRANSITIONS[action].label
        if seen_state is None:
            raise TransitionNotAllowed(
                f"该建议当前状态为「{suggestion.get_state_display()}」,不能{label}。"
            )
        raise TransitionNotAllowed(STALE_MESSAGE)
    rule = ACTION_RULES[workflow.ACTION_PERMISSION.get(action, action)]
    if actor is None or not (actor.is_superuser or rule.test(actor, suggestion)):
        raise PermissionDenied(f"您无权对该建议执行「{workflow.TRANSITIONS[action].label}」。")


def _route(suggestion: Suggestion) -> list:
    """Deputies of the village's electoral district(s) and of the chosen station."""
    from deputies.models import Deputy

    condition = Q(pk__in=[])
    if suggestion.village_id:
        condition |= Q(district__villages=suggestion.village_id)
    if suggestion.station_id:
        condition |= Q(stations=suggestion.station_id)
    deputies = list(
        Deputy.objects.filter(condition, township_id=suggestion.township_id)
        .select_related("user")
        .distinct()
    )
    if deputies:
        suggestion.routed_deputies.add(*deputies)
    return deputies


def _validate_township_rows(suggestion, *, village=None, station=None, category=None):
    if village is not None and village.township_id != suggestion.township_id:
        raise ValidationError({"village": "所选村(社区)不属于该乡镇。"})
    if station is not None and station.township_id != suggestion.township_id:
        raise ValidationError({"station": "所选联络站不属于该乡镇。"})


# --- creation ----------------------------------------------------------------------------------


def _create(*, actor, township, channel, kind, title, content, category=None, village=None,
            station=None, submitter_name="", submitter_phone="", is_anonymous=False,
            consent=False, ip=None, photos=(), reception_issue=None, note="") -> Suggestion:
    suggestion = Suggestion(
        township=township, channel=channel, kind=kind, title=title.strip(), content=content.strip(),
        category=category, village=village, station=station,
        submitter_name="" if is_anonymous else submitter_name.strip(),
        submitter_phone="" if is_anonymous else submitter_phone,
        is_anonymous=is_anonymous, consent_at=timezone.now() if consent else None,
        submitter_ip=ip, created_by=actor, reception_issue=reception_issue, state=State.SUBMITTED,
    )
    _validate_township_rows(suggestion, village=village, station=station)
    suggestion.full_clean(exclude=["code", "routed_deputies", "cosigners", "co_departments"])
    settings = DeadlineSettings.for_township(township.pk)
    suggestion.due_date = stage_due_date(settings, State.SUBMITTED, _today())
    suggestion.due_version = 1
    suggestion.save()
    for photo in photos:
        SuggestionPhoto.objects.create(suggestion=suggestion, image=photo)
    _event(suggestion, actor=actor, action="submit", from_state="", to_state=State.SUBMITTED,
           note=note or f"通过「{suggestion.get_channel_display()}」提交")
    deputies = _route(suggestion)
    _notify_later(_deputy_users(deputies), f"新的群众点单待接单:{suggestion.title}", suggestion)
    if not deputies:
        _notify_later(staff_users(township.pk), f"新的群众点单(未匹配到代表):{suggestion.title}", suggestion)
    return suggestion


@transaction.atomic
def suggestion_submit_public(*, township, kind, title, content, category=None, village=None,
                             station=None, submitter_name="", submitter_phone="",
                             is_anonymous=False, consent=False, ip=None, photos=()) -> Suggestion:
    """A citizen's submission from the public form (no login): consent is required."""
    if not consent:
        raise ValidationError({"consent": "请阅读并同意隐私声明后再提交。"})
    if not is_anonymous and not submitter_phone:
        raise ValidationError({"submitter_phone": "请填写手机号码,或选择匿名提交。"})
    return _create(actor=None, township=township, channel=Channel.WEB, kind=kind, title=title,
                   content=content, category=category, village=village, station=station,
                   submitter_name=submitter_name, submitter_phone=submitter_phone,
                   is_anonymous=is_anonymous, consent=consent, ip=ip, photos=photos)


@transaction.atomic
def suggestion_create_by_staff(*, actor, channel, kind, title, content, category=None,
                               village=None, station=None, submitter_name="",
                               submitter_phone="", photos=()) -> Suggestion:
    """Staff (or a deputy / station admin) enter an item received by WeChat group, phone,
    letter or a visit."""
    if not actor.has_perm("suggestions.enter"):
        raise PermissionDenied("您无权录入建议。")
    return _create(actor=actor, township=actor.township, channel=channel, kind=kind, title=title,
                   content=content, category=category, village=village, station=station,
                   submitter_name=submitter_name, submitter_phone=submitter_phone,
                   consent=True, photos=photos, note=f"由{_actor_label(actor)}代为录入")


@transaction.atomic
def suggestion_create_from_reception_issue(*, actor, issue) -> Suggestion:
    """One step from a reception record's issue (channel 接待日). Calling it again for the same
    issue returns the existing suggestion."""
    from liaison_stations.models import ReceptionIssue

    issue = ReceptionIssue.objects.select_for_update().select_related("record__station", "record__township").get(pk=issue.pk)
    existing = Suggestion.objects.filter(reception_issue=issue).first()
    if existing:
        return existing
    record = issue.record
    if not (actor.is_superuser or (actor.township_id == record.township_id and (
        actor.role in PRESIDIUM_STAFF or actor.role in {Role.STATION_ADMIN, Role.DEPUTY}
    ))):
        raise PermissionDenied("您无权将该来访事项转为建议。")
    content = issue.content.strip()
    suggestion = _create(
        actor=actor, township=record.township, channel=Channel.RECEPTION, kind="suggestion",
        title=content.splitlines()[0][:60] if content else "接待日反映事项", content=content or "(无内容)",
        village=issue.village, station=record.station, submitter_name=issue.visitor_name,
        submitter_phone=issue.visitor_phone, consent=True, reception_issue=issue,
        note=f"来自{record.station}{record.date:%Y年%m月%d日}接待选民日",
    )
    return suggestion


@transaction.atomic
def suggestion_create_for_deputies(*, actor, deputies, channel, kind, category, title, content,
                                   village=None, department=None) -> Suggestion:
    """A suggestion already claimed by ``deputies`` (first = lead, rest co-signers) and submitted
    to the presidium: 大会期间代表建议 (channel ``session``) or a supervision finding
    (``supervision``). ``department`` pre-fills the proposed lead department for dispatch."""
    deputies = list(deputies)
    if not deputies:
        raise ValidationError("至少需要一名领衔代表。")
    township_id = deputies[0].township_id
    if not (actor.is_superuser or (actor.township_id == township_id and actor.role in PRESIDIUM_STAFF)
            or (deputy_of(actor) is not None and deputy_of(actor).pk == deputies[0].pk)):
        raise PermissionDenied("您无权以代表名义提出建议。")
    if any(d.township_id != township_id for d in deputies):
        raise ValidationError("联名代表必须属于同一乡镇。")
    now = timezone.now()
    suggestion = Suggestion(
        township_id=township_id, channel=channel, kind=kind, category=category, title=title,
        content=content, village=village, created_by=actor, lead_deputy=deputies[0],
        proposed_department=department, state=State.PRESENTED, claimed_at=now, presented_at=now,
        consent_at=now,
    )
    _validate_township_rows(suggestion, village=village)
    settings = DeadlineSettings.for_township(township_id)
    suggestion.due_date = stage_due_date(settings, State.PRESENTED, _today())
    suggestion.due_version = 1
    suggestion.save()
    if len(deputies) > 1:
        suggestion.cosigners.add(*deputies[1:])
    names = "、".join(d.name for d in deputies)
    _event(suggestion, actor=actor, action="present", from_state="", to_state=State.PRESENTED,
           note=f"{suggestion.get_channel_display()}代表建议,领衔及联名代表:{names}")
    _notify_later(staff_users(township_id), f"代表建议待派单:{title}", suggestion)
    return suggestion


# --- deputy steps ------------------------------------------------------------------------------


@transaction.atomic
def suggestion_claim(*, actor, suggestion, seen_state=None) -> Suggestion:
    s = _lock(suggestion.pk)
    _check(s, actor, "claim", seen_state)
    s.lead_deputy = deputy_of(actor)
    s.state = State.CLAIMED
    s.claimed_at = timezone.now()
    fields = {"lead_deputy", "state", "claimed_at"}
    _set_due(s, stage_due_date(DeadlineSettings.for_township(s.township_id), State.CLAIMED, _today()), fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="claim", from_state=State.SUBMITTED, to_state=State.CLAIMED,
           note=f"{s.lead_deputy.name}代表已接单")
    others = [u for u in _deputy_users(s.routed_deputies.select_related("user")) if u.pk != actor.pk]
    _notify_later(others, f"建议已由{s.lead_deputy.name}代表接单,可联名:{s.title}", s)
    return s


@transaction.atomic
def suggestion_cosign(*, actor, suggestion) -> Suggestion:
    s = _lock(suggestion.pk)
    _check(s, actor, "cosign")
    deputy = deputy_of(actor)
    if s.cosigners.filter(pk=deputy.pk).exists():
        raise TransitionNotAllowed("您已联名该建议。")
    s.cosigners.add(deputy)
    _event(s, actor=actor, action="cosign", from_state=s.state, to_state=s.state, note=f"{deputy.name}代表联名")
    if s.lead_deputy and s.lead_deputy.user_id:
        _notify_later([s.lead_deputy.user], f"{deputy.name}代表联名了您领衔的建议", s)
    return s


@transaction.atomic
def suggestion_answer_directly(*, actor, suggestion, answer: str, seen_state=None) -> Suggestion:
    """The deputy answers it within their own reach (or explains it is out of scope) and closes."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "请填写答复或解释内容。"})
    s = _lock(suggestion.pk)
    _check(s, actor, "answer", seen_state)
    old = s.state
    deputy = deputy_of(actor)
    fields = {"state", "direct_answer", "closed_at"}
    if s.lead_deputy_id is None and deputy is not None:
        s.lead_deputy = deputy
        s.claimed_at = timezone.now()
        fields |= {"lead_deputy", "claimed_at"}
    s.direct_answer = answer
    s.state = State.CLOSED
    s.closed_at = timezone.now()
    _set_due(s, None, fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="answer", from_state=old, to_state=State.CLOSED, note=answer)
    _notify_later(staff_users(s.township_id), f"代表已直接答复办结:{s.title}", s)
    return s


@transaction.atomic
def suggestion_present(*, actor, suggestion, title=None, content=None, category=None,
                       proposed_department=None, seen_state=None) -> Suggestion:
    """The lead deputy refines the text and submits it to the presidium."""
    s = _lock(suggestion.pk)
    _check(s, actor, "present", seen_state)
    fields = {"state", "presented_at"}
    if title:
        s.title = title.strip()
        fields.add("title")
    if content:
        s.content = content.strip()
        fields.add("content")
    if category is not None:
        s.category = category
        fields.add("category")
    if proposed_department is not None:
        s.proposed_department = proposed_department
        fields.add("proposed_department")
    s.state = State.PRESENTED
    s.presented_at = timezone.now()
    _set_due(s, stage_due_date(DeadlineSettings.for_township(s.township_id), State.PRESENTED, _today()), fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="present", from_state=State.CLAIMED, to_state=State.PRESENTED,
           note="代表完善后提交主席团")
    _notify_later(staff_users(s.township_id), f"代表建议待派单:{s.title}", s)
    return s


# --- staff steps -------------------------------------------------------------------------------


@transaction.atomic
def suggestion_withdraw(*, actor, suggestion, reason: str = "", by_citizen: bool = False,
                        seen_state=None) -> Suggestion:
    """Withdrawn before dispatch: by staff, or by the citizen on the tracking page (actor None,
    ``by_citizen=True``, after the view has checked code + phone digits)."""
    s = _lock(suggestion.pk)
    if by_citizen:
        if not workflow.can_transition(s.state, "withdraw"):
            raise TransitionNotAllowed("该事项已派单办理,不能撤回。")
    else:
        _check(s, actor, "withdraw", seen_state)
    old = s.state
    s.state = State.WITHDRAWN
    fields = {"state"}
    _set_due(s, None, fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="withdraw", from_state=old, to_state=State.WITHDRAWN,
           note=reason or ("反映人撤回" if by_citizen else "撤回"))
    return s


@transaction.atomic
def suggestion_reject(*, actor, suggestion, reason: str, seen_state=None) -> Suggestion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予受理的理由(例如:属于诉讼或信访渠道)。"})
    s = _lock(suggestion.pk)
    _check(s, actor, "reject", seen_state)
    old = s.state
    s.state = State.REJECTED
    s.rejection_reason = reason
    fields = {"state", "rejection_reason"}
    _set_due(s, None, fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="reject", from_state=old, to_state=State.REJECTED, note=reason)
    if s.lead_deputy and s.lead_deputy.user_id:
        _notify_later([s.lead_deputy.user], f"建议不予受理:{s.title}", s, body=reason)
    return s


@transaction.atomic
def suggestion_dispatch(*, actor, suggestion, lead_department: Department, co_departments=(),
                        is_complex=False, deadline: datetime.date | None = None, is_key=False,
                        supervisor: User | None = None, note: str = "", seen_state=None) -> Suggestion:
    """Staff dispatch (交办): lead and co-departments, deadline (default three months, six for
    complex ones), optional key flag with a supervising leader."""
    s = _lock(suggestion.pk)
    _check(s, actor, "dispatch", seen_state)
    co_departments = [d for d in co_departments if d.pk != lead_department.pk]
    for dept in [lead_department, *co_departments]:
        if dept.township_id not in (None, s.township_id) or not dept.is_active:
            raise ValidationError({"lead_department": f"「{dept}」不是本乡镇可交办的承办单位。"})
    if is_key and supervisor is None:
        raise ValidationError({"supervisor": "重点建议须指定督办领导。"})
    if supervisor is not None and (supervisor.township_id != s.township_id or supervisor.role not in PRESIDIUM_STAFF):
        raise ValidationError({"supervisor": "督办领导须为本乡镇人大主席团成员。"})
    settings = DeadlineSettings.for_township(s.township_id)
    today = _today()
    months = settings.complex_reply_months if is_complex else settings.reply_months
    latest = reply_deadline(settings, today, months=months)
    if deadline is None:
        deadline = latest
    elif deadline <= today:
        raise ValidationError({"deadline": "答复期限须晚于今天。"})
    elif deadline > latest:
        raise ValidationError({"deadline": f"答复期限不能超过交办后{months}个月({latest:%Y年%m月%d日})。"})
    old = s.state
    s.lead_department = lead_department
    s.is_complex = is_complex
    s.is_key = is_key
    s.supervisor = supervisor
    s.deadline = deadline
    s.state = State.DISPATCHED
    s.dispatched_at = timezone.now()
    fields = {"lead_department", "is_complex", "is_key", "supervisor", "deadline", "state", "dispatched_at"}
    _set_due(s, stage_due_date(settings, State.DISPATCHED, today), fields)
    s.save(update_fields=fields)
    s.co_departments.set(co_departments)
    deadlines.record_first_deadline(s, actor=actor, reason=note)
    names = "、".join(d.name for d in co_departments)
    _event(s, actor=actor, action="dispatch", from_state=old, to_state=State.DISPATCHED,
           note=(f"主办:{lead_department.name}" + (f";协办:{names}" if names else "")
                 + f";答复期限:{deadline:%Y年%m月%d日}" + (";重点建议" if is_key else "")
                 + (f"。{note}" if note else "")))
    _notify_later(handler_users([lead_department.pk]), f"新交办建议,请签收:{s.title}", s)
    _notify_later(handler_users([d.pk for d in co_departments]), f"新协办建议:{s.title}", s)
    if supervisor:
        _notify_later([supervisor], f"请督办重点建议:{s.title}", s)
    if s.lead_deputy and s.lead_deputy.user_id:
        _notify_later([s.lead_deputy.user], f"您的建议已交办{lead_department.name}", s)
    return s


# --- department steps --------------------------------------------------------------------------


@transaction.atomic
def suggestion_sign(*, actor, suggestion, seen_state=None) -> Suggestion:
    s = _lock(suggestion.pk)
    _check(s, actor, "sign", seen_state)
    s.state = State.IN_PROGRESS
    s.signed_at = timezone.now()
    fields = {"state", "signed_at"}
    _set_due(s, deadlines.current_reply_deadline(s), fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="sign", from_state=State.DISPATCHED, to_state=State.IN_PROGRESS,
           note=f"{s.lead_department.name}已签收")
    return s


@transaction.atomic
def suggestion_request_change(*, actor, suggestion, kind: str, reason: str, months: int | None = None) -> ChangeRequest:
    """A department asks for reassignment (within the allowed working days after dispatch) or
    for an extension (up to the township's maximum months)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写申请理由。"})
    s = _lock(suggestion.pk)
    action = "request_reassign" if kind == ChangeRequest.Kind.REASSIGN else "request_extension"
    _check(s, actor, action)
    settings = DeadlineSettings.for_township(s.township_id)
    if kind == ChangeRequest.Kind.REASSIGN:
        dispatched_on = timezone.localdate(s.dispatched_at)
        limit = _calendar(dispatched_on).add_workdays(dispatched_on, settings.reassign_request_workdays)
        if _today() > limit:
            raise TransitionNotAllowed(
                f"申请改办须在交办后{settings.reassign_request_workdays}个工作日内({limit:%Y年%m月%d日}前)提出。"
            )
        months = None
    else:
        if not months or months < 1 or months > settings.max_extension_months:
            raise ValidationError({"months": f"延期月数须在1至{settings.max_extension_months}个月之间。"})
        if s.change_requests.filter(kind=kind, status=ChangeRequest.Status.APPROVED).exists():
            raise TransitionNotAllowed("该建议已延期一次,不能再次申请延期。")
    if s.change_requests.filter(kind=kind, status=ChangeRequest.Status.PENDING).exists():
        raise TransitionNotAllowed("已有一项同类申请正在审批中。")
    request = ChangeRequest.objects.create(
        suggestion=s, kind=kind, department=s.lead_department, requested_by=actor, reason=reason, months=months
    )
    _event(s, actor=actor, action=action, from_state=s.state, to_state=s.state,
           note=f"{request.get_kind_display()}:{reason}" + (f"(延期{months}个月)" if months else ""),
           is_public=False)
    _notify_later(staff_users(s.township_id), f"{s.lead_department.name}{request.get_kind_display()}:{s.title}", s)
    return request


@transaction.atomic
def suggestion_decide_change(*, actor, request: ChangeRequest, approve: bool, note: str = "",
                             new_department: Department | None = None) -> ChangeRequest:
    """Staff approve or refuse a reassignment (approval names the new lead department and
    restarts the sign-for stage) or an extension (approval moves the reply deadline)."""
    s = _lock(request.suggestion_id)
    req = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if req.status != ChangeRequest.Status.PENDING:
        raise TransitionNotAllowed(STALE_MESSAGE)
    verb = "approve" if approve else "refuse"
    action = f"{verb}_{'reassign' if req.kind == ChangeRequest.Kind.REASSIGN else 'extension'}"
    if not workflow.can_transition(s.state, action):
        # The request was pending, so someone else moved the suggestion on meanwhile.
        raise TransitionNotAllowed(STALE_MESSAGE)
    _check(s, actor, action)
    old = s.state
    fields: set = set()
    text = note
    if approve and req.kind == ChangeRequest.Kind.REASSIGN:
        if new_department is None or new_department.pk == s.lead_department_id:
            raise ValidationError({"new_department": "请选择新的主办单位。"})
        if new_department.township_id not in (None, s.township_id):
            raise ValidationError({"new_department": "所选单位不是本乡镇可交办的承办单位。"})
        s.lead_department = new_department
        s.state = State.DISPATCHED
        s.signed_at = None
        fields |= {"lead_department", "state", "signed_at"}
        _set_due(s, stage_due_date(DeadlineSettings.for_township(s.township_id), State.DISPATCHED, _today()), fields)
        text = f"改由{new_department.name}主办。{note}"
    elif approve:
        due = deadlines.extend_deadline(s, months=req.months, actor=actor, reason=req.reason)
        fields.add("deadline")
        _set_due(s, due, fields)
        text = f"延期{req.months}个月,答复期限改为{due:%Y年%m月%d日}。{note}"
    if fields:
        s.save(update_fields=fields)
    req.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REFUSED
    req.decided_by = actor
    req.decided_at = timezone.now()
    req.decision_note = note
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _event(s, actor=actor, action=action, from_state=old, to_state=s.state,
           note=text.strip() or workflow.TRANSITIONS[action].label, is_public=False)
    _notify_later(handler_users([req.department_id]), f"{req.get_kind_display()}{'已同意' if approve else '未同意'}:{s.title}", s, body=note)
    if approve and req.kind == ChangeRequest.Kind.REASSIGN:
        _notify_later(handler_users([new_department.pk]), f"新交办建议,请签收:{s.title}", s)
    return req


@transaction.atomic
def suggestion_add_progress(*, actor, suggestion, text: str) -> ProgressNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写办理进展。"})
    s = _lock(suggestion.pk)
    _check(s, actor, "note")
    note = ProgressNote.objects.create(suggestion=s, author=actor, text=text)
    _event(s, actor=actor, action="note", from_state=s.state, to_state=s.state, note=text)
    return note


@transaction.atomic
def suggestion_reply(*, actor, suggestion, reply_class: str, text: str, attachments=(), seen_state=None) -> SuggestionReply:
    text = (text or "").strip()
    if reply_class not in ("A", "B", "C"):
        raise ValidationError({"reply_class": "请选择答复类别(A/B/C)。"})
    if not text:
        raise ValidationError({"text": "请填写答复内容。"})
    if reply_class == "C" and len(text) < 10:
        raise ValidationError({"text": "C类答复须说明暂不能解决的原因。"})
    s = _lock(suggestion.pk)
    _check(s, actor, "reply", seen_state)
    reply = SuggestionReply.objects.create(
        suggestion=s, cycle=s.rehandle_count, department=s.lead_department, reply_class=reply_class,
        text=text, author=actor,
    )
    for upload in attachments:
        ReplyAttachment.objects.create(reply=reply, file=upload)
    now = timezone.now()
    s.state = State.REPLIED
    s.reply_class = reply_class
    s.replied_at = now
    s.rating, s.rating_late, s.rating_late_reason = "", False, ""
    fields = {"state", "reply_class", "replied_at", "rating", "rating_late", "rating_late_reason"}
    if s.first_replied_at is None:
        s.first_replied_at = now
        fields.add("first_replied_at")
    _set_due(s, stage_due_date(DeadlineSettings.for_township(s.township_id), State.REPLIED, _today()), fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="reply", from_state=State.IN_PROGRESS, to_state=State.REPLIED,
           note=f"{reply.get_reply_class_display()}。{text}")
    evaluators = [s.lead_deputy.user] if s.lead_deputy and s.lead_deputy.user_id else staff_users(s.township_id)
    _notify_later(evaluators, f"建议已答复,请在规定时间内评价:{s.title}", s)
    return reply


# --- evaluation and closing --------------------------------------------------------------------


@transaction.atomic
def suggestion_evaluate(*, actor, suggestion, rating: str, comment: str = "", late_reason: str = "",
                        seen_state=None) -> Suggestion:
    """The deputy (or staff recording it) rates the reply. 不满意 sends it back for re-handling
    with a new deadline while the township's limit allows; after that it is kept as rated.
    After the rating window (:mod:`suggestions.deadlines`) the rating is refused, unless staff
    record it with ``late_reason``: then it is flagged late, left out of 满意率 and closes the
    cycle without re-handling."""
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})
    comment = (comment or "").strip()
    if rating == Rating.UNSATISFIED and not comment:
        raise ValidationError({"comment": "评价为不满意时请写明理由。"})
    s = _lock(suggestion.pk)
    _check(s, actor, "evaluate", seen_state)
    settings = DeadlineSettings.for_township(s.township_id)
    late = _late_rating(s, actor, settings, late_reason)
    now = timezone.now()
    s.rating = rating
    s.rating_comment = comment
    s.evaluated_at = now
    s.rating_late, s.rating_late_reason = late, late_reason.strip() if late else ""
    fields = {"rating", "rating_comment", "evaluated_at", "state", "rating_late", "rating_late_reason"}
    label = Rating(rating).label
    if rating == Rating.UNSATISFIED and s.rehandle_count < settings.rehandle_limit and not late:
        s.rehandle_count += 1
        s.state = State.IN_PROGRESS
        due = deadlines.start_rehandle_cycle(s, settings=settings, today=_today(), actor=actor, reason=comment)
        fields |= {"rehandle_count"}
        _set_due(s, due, fields)
        s.save(update_fields=fields)
        _event(s, actor=actor, action="rehandle", from_state=State.REPLIED, to_state=State.IN_PROGRESS,
               note=f"评价:不满意({comment})。第{s.rehandle_count}次重新办理,答复期限{due:%Y年%m月%d日}")
        _notify_later(handler_users([s.lead_department_id]), f"建议评价不满意,请重新办理:{s.title}", s, body=comment)
        _notify_later(staff_users(s.township_id), f"建议评价不满意,已退回重新办理:{s.title}", s)
        return s
    s.state = State.EVALUATED
    _set_due(s, None, fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="evaluate", from_state=State.REPLIED, to_state=State.EVALUATED,
           note=f"评价:{label}" + (f"({comment})" if comment else "")
           + (f"。逾期补录,不计入满意率:{s.rating_late_reason}" if late else ""))
    _notify_later(staff_users(s.township_id), f"建议已评价({label}),可销单:{s.title}", s)
    return s


def _late_rating(s: Suggestion, actor, settings: DeadlineSettings, late_reason: str) -> bool:
    """Whether this rating comes after the window; refuses it unless staff give a reason."""
    if not deadlines.rating_is_late(s, _today(), settings):
        return False
    if not (late_reason or "").strip():
        raise TransitionNotAllowed(deadlines.late_rating_message(s, settings))
    if not (actor.is_superuser or (actor.township_id == s.township_id and actor.role in PRESIDIUM_STAFF)):
        raise PermissionDenied("逾期评价只能由人大办工作人员补录。")
    return True


@transaction.atomic
def suggestion_citizen_rate(*, suggestion, rating: str, comment: str = "") -> Suggestion:
    """The citizen's own rating on the tracking page (after a reply); recorded beside the
    deputy's, does not move the state."""
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})
    s = _lock(suggestion.pk)
    if s.replied_at is None and not s.direct_answer:
        raise TransitionNotAllowed("答复后才能评价。")
    if s.citizen_rating:
        raise TransitionNotAllowed("您已评价过,感谢您的反馈。")
    if deadlines.rating_is_late(s, _today()):
        raise TransitionNotAllowed(deadlines.late_rating_message(s))
    s.citizen_rating = rating
    s.citizen_comment = (comment or "").strip()
    s.save(update_fields=["citizen_rating", "citizen_comment"])
    _event(s, actor=None, action="citizen_rate", from_state=s.state, to_state=s.state,
           note=f"群众评价:{Rating(rating).label}")
    return s


@transaction.atomic
def suggestion_close(*, actor, suggestion, is_public: bool = False, note: str = "", seen_state=None) -> Suggestion:
    """销单. From 已答复 only once the rating period has passed (the rating is then left out
    of 满意率)."""
    s = _lock(suggestion.pk)
    _check(s, actor, "close", seen_state)
    if s.state == State.REPLIED and s.due_date and _today() <= s.due_date:
        raise TransitionNotAllowed(f"评价期限({s.due_date:%Y年%m月%d日})未到,暂不能销单。")
    old = s.state
    s.state = State.CLOSED
    s.closed_at = timezone.now()
    s.is_public = is_public
    fields = {"state", "closed_at", "is_public"}
    _set_due(s, None, fields)
    s.save(update_fields=fields)
    _event(s, actor=actor, action="close", from_state=old, to_state=State.CLOSED,
           note=note or ("逾期未评价,销单" if old == State.REPLIED else "销单") + ("并公开" if is_public else ""))
    if s.lead_deputy and s.lead_deputy.user_id:
        _notify_later([s.lead_deputy.user], f"建议已销单:{s.title}", s)
    return s


def run_bulk(service, *, actor, suggestions, **kwargs) -> tuple[int, list[str]]:
    """Apply one service to many suggestions; each in its own transaction. Returns
    (done, error messages)."""
    done, errors = 0, []
    for s in suggestions:
        try:
            service(actor=actor, suggestion=s, **kwargs)
            done += 1
        except (TransitionNotAllowed, PermissionDenied, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            errors.append(f"{s.code}:{message}")
    return done, errors


def ensure_default_categories() -> None:
    for index, name in enumerate(workflow_categories()):
        Category.objects.get_or_create(name=name, defaults={"sort_order": index})


def workflow_categories():
    from .models import DEFAULT_CATEGORIES

    return DEFAULT_CATEGORIES
