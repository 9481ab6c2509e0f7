"""Every write to a suggestion goes through one function here.

Each service takes keyword-only arguments with the ``actor`` named and runs in
``transaction.atomic()``. Workflow actions go through one runner, :func:`_transition`: it locks
the row with ``select_for_update()``, re-checks the state and the actor's permission as the
action's declaration in :data:`suggestions.workflow.ACTIONS` says, lets the service add what is
special to it (``change``), assigns the target state, timestamp and stage deadline
(:func:`_apply`, the only code that assigns ``Suggestion.state``), saves with ``update_fields``,
writes the typed timeline row (:class:`~suggestions.models.EventKind`), moves the figure counters
(:mod:`suggestions.counters`) by what changed, and schedules the notices with
``transaction.on_commit``. Views, admin actions, Celery tasks and other apps call these.
"""

import datetime
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from congress.exceptions import USER_ERRORS, user_message
from congress.models import Department, User
from congress.notifications import notification_mark_read, notification_send
from congress.roles import PRESIDIUM_STAFF, Role
from congress.workdays import WorkCalendar, months_deadline

from . import counters, deadlines, workflow
from .citizen_notices import citizen_notice_add
from .models import (
    Channel,
    ChangeRequest,
    DeadlineSettings,
    EventKind,
    ProgressNote,
    Rating,
    ReplyAttachment,
    ReplyClass,
    State,
    Suggestion,
    SuggestionEvent,
    SuggestionPhoto,
    SuggestionReply,
    SuggestionRevision,
)
from .rules import ACTION_RULES, deputy_of
from .workflow import STALE_MESSAGE, TransitionNotAllowed


# --- helpers ---------------------------------------------------------------------------------


_CLOCK: ContextVar[datetime.datetime | None] = ContextVar("suggestions_clock", default=None)
_COUNTERS_DEFERRED: ContextVar[bool] = ContextVar("suggestions_counters_deferred", default=False)


def _now() -> datetime.datetime:
    return _CLOCK.get() or timezone.now()


def _today() -> datetime.date:
    return timezone.localdate(_now())


@contextmanager
def backdated(moment: datetime.datetime):
    """Run the services as if it were ``moment``: the demo builds past history through the
    same doors. Notices are not sent for such history (nobody is to act on the past)."""
    token = _CLOCK.set(moment)
    try:
        yield
    finally:
        _CLOCK.reset(token)


@contextmanager
def figure_counters_deferred():
    """Bulk writes through these services (the demo): the figure counters are not moved per
    action but recounted once (:func:`figure_counters_rebuild`) when the block ends without an
    error. The counters come out the same as if each action had moved them."""
    token = _COUNTERS_DEFERRED.set(True)
    try:
        yield
    finally:
        _COUNTERS_DEFERRED.reset(token)
    figure_counters_rebuild()


def _memberships(suggestion_id: int) -> dict | None:
    """The suggestion's counter cells, or None while the counters are deferred."""
    return None if _COUNTERS_DEFERRED.get() else counters.memberships(suggestion_id)


def _count(before: dict | None, suggestion_id: int) -> None:
    if before is not None:
        counters.apply(before, counters.memberships(suggestion_id))


def _calendar(start: datetime.date) -> WorkCalendar:
    return WorkCalendar([start.year, start.year + 1])


def _settings(suggestion: Suggestion) -> DeadlineSettings:
    """The township's deadline settings, read once per suggestion object."""
    cached = getattr(suggestion, "_deadline_settings", None)
    if cached is None:
        cached = suggestion._deadline_settings = DeadlineSettings.for_township(suggestion.township_id)
    return cached


def stage_due_date(settings: DeadlineSettings, state: str, start: datetime.date) -> datetime.date | None:
    """The deadline of a stage counted in working days from ``start`` (the stage's rule in
    :data:`suggestions.workflow.STAGES`); ``None`` for stages without such a count."""
    stage = workflow.STAGES.get(state)
    if stage is None or stage.due in (None, workflow.REPLY_DEADLINE):
        return None
    return _calendar(start).add_workdays(start, getattr(settings, stage.due))


def _current_stage_due(suggestion: Suggestion) -> datetime.date | None:
    stage = workflow.STAGES.get(suggestion.state)
    if stage is not None and stage.due == workflow.REPLY_DEADLINE:
        return deadlines.current_reply_deadline(suggestion)
    return stage_due_date(_settings(suggestion), suggestion.state, _today())


def _set_due(suggestion: Suggestion, due: datetime.date | None, fields: set) -> None:
    suggestion.due_date = due
    suggestion.due_version += 1
    fields.update({"due_date", "due_version"})


def _actor_label(actor) -> str:
    if actor is None:
        return "群众"
    return f"{actor.display_name}({actor.get_role_display() or '管理员'})"


def _event(suggestion, *, actor, action, from_state, to_state, note="", internal_note="", is_public=True):
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        actor=actor,
        actor_label=_actor_label(actor),
        from_state=from_state,
        to_state=to_state,
        note=note,
        internal_note=internal_note,
        is_public=is_public,
    )


def _tell_citizen(suggestion: Suggestion, kind: str) -> None:
    """The citizen's SMS of ``kind`` (congress.outbox row in the caller's transaction); none for
    history built by the demo, which nobody is to be told about."""
    if _CLOCK.get() is None:
        citizen_notice_add(suggestion=suggestion, kind=kind)


def _notify_later(users: Iterable[User], title: str, suggestion: Suggestion, body: str = "", *,
                  urgent: bool = False, sms_template: str = "", sms_params: dict | None = None) -> int:
    """Tell each user (once): the inbox and outbox rows are written in the caller's transaction
    (congress.outbox), so they exist exactly when the change does; sending waits for commit.
    ``urgent`` notices also go by SMS to those who take urgent ones (``sms_template``: its
    approved text). Returns how many were told."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if _CLOCK.get() is not None:  # history built by the demo: nobody is to act on the past
        return 0
    url = suggestion.get_absolute_url()
    for user in recipients.values():
        notification_send(recipient=user, title=title, body=body, url=url, sms=urgent,
                          sms_template=sms_template, sms_params=sms_params)
    return len(recipients)


def staff_users(township_id) -> list[User]:
    return list(User.objects.filter(township_id=township_id, role__in=PRESIDIUM_STAFF, is_active=True))


def handler_users(department_ids) -> list[User]:
    return list(User.objects.filter(department_id__in=list(department_ids), role=Role.HANDLER, is_active=True))


def _deputy_users(deputies) -> list[User]:
    return [d.user for d in deputies if d.user_id]


def _lead_deputy_users(suggestion: Suggestion) -> list[User]:
    return [suggestion.lead_deputy.user] if suggestion.lead_deputy and suggestion.lead_deputy.user_id else []


def next_actor_users(suggestion: Suggestion) -> list[User]:
    """Who must act in the suggestion's current stage (:data:`workflow.STAGES`), falling back to
    the township's presidium staff; :mod:`suggestions.reminders` resolves the same in bulk."""
    stage = workflow.STAGES.get(suggestion.state)
    if stage is None:
        return []
    who = workflow.NextActor
    if stage.actor == who.ROUTED_DEPUTIES:
        users = _deputy_users(suggestion.routed_deputies.select_related("user"))
    elif stage.actor == who.LEAD_DEPUTY:
        users = _lead_deputy_users(suggestion)
    elif stage.actor == who.LEAD_DEPARTMENT:
        users = handler_users([suggestion.lead_department_id]) if suggestion.lead_department_id else []
    else:
        users = []
    return users or staff_users(suggestion.township_id)


# --- the transition runner -----------------------------------------------------------------------


@dataclass
class Step:
    """What an action's own service adds to the generic transition: the fields it changed, the
    timeline note (and an internal note the citizen never sees), optionally a follow-on action
    with the same sources and permission (``evaluate`` → ``rehandle``), and the body of the
    notice to the next actor."""

    note: str = ""
    internal_note: str = ""
    fields: set = dataclass_field(default_factory=set)
    action: str | None = None
    notice_body: str = ""


def _lock(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion_id)


def _check(suggestion: Suggestion, actor, spec: workflow.Action, seen_state: str | None = None,
           stale_if_refused: bool = False) -> None:
    """State first (a stale page gets the refresh message), then the actor's permission."""
    if seen_state is not None and seen_state != suggestion.state:
        raise TransitionNotAllowed(STALE_MESSAGE)
    if suggestion.state not in spec.sources:
        if seen_state is not None or stale_if_refused:
            raise TransitionNotAllowed(STALE_MESSAGE)
        raise TransitionNotAllowed(f"该建议当前状态为「{suggestion.get_state_display()}」,不能{spec.label}。")
    rule = ACTION_RULES[spec.rule]
    if actor is None or not (actor.is_superuser or rule.test(actor, suggestion)):
        raise PermissionDenied(f"您无权对该建议执行「{spec.label}」。")


def _apply(suggestion: Suggestion, spec: workflow.Action, fields: set) -> None:
    """Move the suggestion as ``spec`` declares: the target state, the action's timestamp and
    the current stage's deadline. The only code that assigns ``Suggestion.state``."""
    if spec.target is not None:
        suggestion.state = spec.target
        fields.add("state")
    if spec.stamp and spec.stamp not in fields:
        setattr(suggestion, spec.stamp, _now())
        fields.add(spec.stamp)
    if spec.restarts_due:
        _set_due(suggestion, _current_stage_due(suggestion), fields)


def _record(suggestion: Suggestion, spec: workflow.Action, *, actor, from_state: str, note: str,
            internal_note: str = "", notice_body: str = "") -> None:
    """The typed timeline row; the actor's notices about this suggestion become read (they
    have acted on it); the notice to whoever acts next goes out after commit."""
    _event(suggestion, actor=actor, action=spec.name, from_state=from_state, to_state=suggestion.state,
           note=note or spec.label, internal_note=internal_note, is_public=spec.public)
    if actor is not None:
        notification_mark_read(actor=actor, url=suggestion.get_absolute_url())
    if spec.notice:
        _notify_later(next_actor_users(suggestion), spec.notice.format(title=suggestion.title), suggestion,
                      body=notice_body)


def _transition(action: str, *, actor, suggestion, seen_state=None, change=None, stale_if_refused=False,
                by_citizen_refusal: str = "") -> Suggestion:
    """Run one workflow action: lock the row, check the state and the actor's permission (a
    citizen acting on the tracking page — ``actor`` None — is checked by the view and given
    ``by_citizen_refusal`` when the state does not allow it), let the action's service add what
    is special (``change(s) -> Step``, still under the lock), apply the declared move, save,
    write the timeline row and schedule the notices."""
    spec = workflow.ACTIONS[action]
    s = _lock(suggestion.pk)
    before = _memberships(s.pk)
    if by_citizen_refusal:
        if s.state not in spec.sources:
            raise TransitionNotAllowed(by_citizen_refusal)
    else:
        _check(s, actor, spec, seen_state, stale_if_refused)
    step = change(s) if change else Step()
    if step.action and step.action != action:
        spec = workflow.ACTIONS[step.action]
        if s.state not in spec.sources:  # a declaration error, not a user's
            raise RuntimeError(f"{step.action} cannot follow {action} from {s.state}")
    old = s.state
    fields = set(step.fields)
    _apply(s, spec, fields)
    if fields:
        s.save(update_fields=fields)
    _record(s, spec, actor=actor, from_state=old, note=step.note, internal_note=step.internal_note,
            notice_body=step.notice_body)
    _count(before, s.pk)
    return s


def _start(suggestion: Suggestion, action: str, *, actor, note: str) -> Suggestion:
    """Create a suggestion through a creation action (no source state): same move, timeline
    row and notice as :func:`_transition`."""
    spec = workflow.ACTIONS[action]
    suggestion.original_title, suggestion.original_content = suggestion.title, suggestion.content
    _apply(suggestion, spec, set())
    suggestion.save()
    if not _COUNTERS_DEFERRED.get():
        counters.apply({}, counters.memberships(suggestion.pk))
    _record(suggestion, spec, actor=actor, from_state="", note=note)
    return suggestion


def _route(suggestion: Suggestion, *, preferred=None) -> list:
    """Deputies of the village's electoral district(s) and of the chosen station; a citizen who
    scanned a deputy's own QR code (代表码) reaches that deputy first, and only that deputy."""
    from deputies.models import Deputy

    if preferred is not None:
        suggestion.routed_deputies.add(preferred)
        return [preferred]
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
            consent=False, ip=None, photos=(), reception_issue=None, note="",
            deputy=None) -> Suggestion:
    suggestion = Suggestion(
        township=township, channel=channel, kind=kind, title=title.strip(), content=content.strip(),
        category=category, village=village, station=station,
        submitter_name="" if is_anonymous else submitter_name.strip(),
        submitter_phone="" if is_anonymous else submitter_phone,
        is_anonymous=is_anonymous, consent_at=_now() if consent else None,
        submitter_ip=ip, created_by=actor, reception_issue=reception_issue,
    )
    _validate_township_rows(suggestion, village=village, station=station)
    suggestion.full_clean(exclude=["code", "routed_deputies", "cosigners", "co_departments"])
    _start(suggestion, "submit", actor=actor, note=note or f"通过「{suggestion.get_channel_display()}」提交")
    _tell_citizen(suggestion, "accepted")
    for photo in photos:
        SuggestionPhoto.objects.create(suggestion=suggestion, image=photo)
    if deputy is not None:
        from deputies.models import Deputy

        if not Deputy.objects.on_roster().filter(pk=deputy.pk, township_id=township.pk).exists():
            raise ValidationError("所选代表不属于该乡镇或已不在任。")
    deputies = _route(suggestion, preferred=deputy)
    _notify_later(_deputy_users(deputies), f"群众点单待接单:{suggestion.title}", suggestion)
    if not deputies:
        _notify_later(staff_users(township.pk), f"群众点单待接单(未匹配到代表,请人大办处理):{suggestion.title}", suggestion)
    return suggestion


@transaction.atomic
def suggestion_submit_public(*, township, kind, title, content, category=None, village=None,
                             station=None, submitter_name="", submitter_phone="",
                             is_anonymous=False, consent=False, ip=None, photos=(),
                             deputy=None) -> Suggestion:
    """A citizen's submission from the public form (no login): consent is required. ``deputy``:
    the deputy whose QR code (代表码) the citizen scanned, who gets the item first."""
    if not consent:
        raise ValidationError({"consent": "请阅读并同意隐私声明后再提交。"})
    if not is_anonymous and not submitter_phone:
        raise ValidationError({"submitter_phone": "请填写手机号码,或选择匿名提交。"})
    return _create(actor=None, township=township, channel=Channel.WEB, kind=kind, title=title,
                   content=content, category=category, village=village, station=station,
                   submitter_name=submitter_name, submitter_phone=submitter_phone,
                   is_anonymous=is_anonymous, consent=consent, ip=ip, photos=photos, deputy=deputy)


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
    now = _now()
    suggestion = Suggestion(
        township_id=township_id, channel=channel, kind=kind, category=category, title=title,
        content=content, village=village, created_by=actor, lead_deputy=deputies[0],
        proposed_department=department, claimed_at=now, presented_at=now, consent_at=now,
    )
    _validate_township_rows(suggestion, village=village)
    names = "、".join(d.name for d in deputies)
    _start(suggestion, "propose", actor=actor,
           note=f"{suggestion.get_channel_display()}代表建议,领衔及联名代表:{names}")
    if len(deputies) > 1:
        suggestion.cosigners.add(*deputies[1:])
    return suggestion


# --- deputy steps ------------------------------------------------------------------------------


@transaction.atomic
def suggestion_claim(*, actor, suggestion, seen_state=None) -> Suggestion:
    def change(s):
        s.lead_deputy = deputy_of(actor)
        return Step(note=f"{s.lead_deputy.name}代表已接单", fields={"lead_deputy"})

    s = _transition("claim", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    others = [u for u in _deputy_users(s.routed_deputies.select_related("user")) if u.pk != actor.pk]
    _notify_later(others, f"建议已由{s.lead_deputy.name}代表接单,可联名:{s.title}", s)
    return s


@transaction.atomic
def suggestion_cosign(*, actor, suggestion, seen_state=None) -> Suggestion:
    deputy = deputy_of(actor)

    def change(s):
        if s.cosigners.filter(pk=deputy.pk).exists():
            raise TransitionNotAllowed("您已联名该建议。")
        s.cosigners.add(deputy)
        return Step(note=f"{deputy.name}代表联名")

    s = _transition("cosign", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    _notify_later(_lead_deputy_users(s), f"{deputy.name}代表联名了您领衔的建议", s)
    return s


@transaction.atomic
def suggestion_answer_directly(*, actor, suggestion, answer: str, seen_state=None) -> Suggestion:
    """The deputy answers it within their own reach (or explains it is out of scope) and closes."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "请填写答复或解释内容。"})

    def change(s):
        fields = {"direct_answer"}
        deputy = deputy_of(actor)
        if s.lead_deputy_id is None and deputy is not None:
            s.lead_deputy = deputy
            s.claimed_at = _now()
            fields |= {"lead_deputy", "claimed_at"}
        s.direct_answer = answer
        return Step(note=answer, fields=fields)

    s = _transition("answer", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    _notify_later(staff_users(s.township_id), f"代表已直接答复办结:{s.title}", s)
    _tell_citizen(s, "closed")
    return s


@transaction.atomic
def suggestion_present(*, actor, suggestion, title=None, content=None, category=None,
                       proposed_department=None, seen_state=None) -> Suggestion:
    """The lead deputy refines the text (a new version beside the citizen's original) and
    submits it to the presidium."""

    def change(s):
        fields = _revise(s, actor=actor, kind=SuggestionRevision.Kind.REFINE, title=title, content=content)
        if category is not None:
            s.category = category
            fields.add("category")
        if proposed_department is not None:
            s.proposed_department = proposed_department
            fields.add("proposed_department")
        return Step(note="代表完善后提交主席团", fields=fields)

    return _transition("present", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)


def _revise(s: Suggestion, *, actor, kind: str, title: str | None, content: str | None) -> set:
    """Make ``title``/``content`` (blank: unchanged) the working text, kept as a new
    :class:`SuggestionRevision`; the original stays as submitted. Returns the changed fields."""
    new_title = (title or "").strip() or s.title
    new_content = (content or "").strip() or s.content
    if (new_title, new_content) == (s.title, s.content):
        return set()
    SuggestionRevision.objects.create(suggestion=s, kind=kind, title=new_title, content=new_content,
                                      author=actor, author_label=_actor_label(actor))
    s.title, s.content = new_title, new_content
    return {"title", "content"}


@transaction.atomic
def suggestion_revise(*, actor, suggestion, title: str = "", content: str = "", note: str = "",
                      seen_state=None) -> Suggestion:
    """Staff correct the working title or text (a typo, a clearer title); the submitter's
    original and every earlier version stay as they were."""
    if not (title or "").strip() and not (content or "").strip():
        raise ValidationError({"content": "请填写更正后的标题或内容。"})

    def change(s):
        fields = _revise(s, actor=actor, kind=SuggestionRevision.Kind.CORRECT, title=title, content=content)
        if not fields:
            raise ValidationError({"content": "更正后的标题和内容与当前一致,无需更正。"})
        return Step(note=(note or "").strip() or "工作人员更正了标题或内容", fields=fields)

    return _transition("revise", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)


# --- staff steps -------------------------------------------------------------------------------


@transaction.atomic
def suggestion_withdraw(*, actor, suggestion, reason: str = "", by_citizen: bool = False,
                        seen_state=None) -> Suggestion:
    """Withdrawn before dispatch: by staff, or by the citizen on the tracking page (actor None,
    ``by_citizen=True``, after the view has checked code + phone digits)."""
    return _transition(
        "withdraw", actor=actor, suggestion=suggestion, seen_state=seen_state,
        change=lambda s: Step(note=reason or ("反映人撤回" if by_citizen else "撤回")),
        by_citizen_refusal="该事项已派单办理,不能撤回。" if by_citizen else "",
    )


@transaction.atomic
def suggestion_reject(*, actor, suggestion, reason: str, seen_state=None) -> Suggestion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予受理的理由(例如:属于诉讼或信访渠道)。"})

    def change(s):
        s.rejection_reason = reason
        return Step(note=reason, fields={"rejection_reason"})

    s = _transition("reject", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    _notify_later(_lead_deputy_users(s), f"建议不予受理:{s.title}", s, body=reason)
    _tell_citizen(s, "rejected")
    return s


def _check_departments(suggestion: Suggestion, departments, field: str) -> None:
    """Only this township's (or the county's) active departments may be given a suggestion."""
    for dept in departments:
        if dept.township_id not in (None, suggestion.township_id) or not dept.is_active:
            raise ValidationError({field: f"「{dept}」不是本乡镇可交办的承办单位。"})


@transaction.atomic
def suggestion_dispatch(*, actor, suggestion, lead_department: Department, co_departments=(),
                        is_complex=False, deadline: datetime.date | None = None, is_key=False,
                        supervisor: User | None = None, note: str = "", seen_state=None) -> Suggestion:
    """Staff dispatch (交办): lead and co-departments, deadline (default three months, six for
    complex ones), optional key flag with a supervising leader."""
    co_departments = [d for d in co_departments if d.pk != lead_department.pk]

    def change(s):
        nonlocal deadline
        _check_departments(s, [lead_department, *co_departments], "lead_department")
        if is_key and supervisor is None:
            raise ValidationError({"supervisor": "重点建议须指定督办领导。"})
        if supervisor is not None and (supervisor.township_id != s.township_id or supervisor.role not in PRESIDIUM_STAFF):
            raise ValidationError({"supervisor": "督办领导须为本乡镇人大主席团成员。"})
        settings = _settings(s)
        today = _today()
        months = settings.complex_reply_months if is_complex else settings.reply_months
        latest = months_deadline(today, months)
        if deadline is None:
            deadline = latest
        elif deadline <= today:
            raise ValidationError({"deadline": "答复期限须晚于今天。"})
        elif deadline > latest:
            raise ValidationError({"deadline": f"答复期限不能超过交办后{months}个月({latest:%Y年%m月%d日})。"})
        s.lead_department = lead_department
        s.is_complex = is_complex
        s.is_key = is_key
        s.supervisor = supervisor
        s.deadline = deadline
        s.co_departments.set(co_departments)
        deadlines.record_first_deadline(s, actor=actor, reason=note)
        names = "、".join(d.name for d in co_departments)
        return Step(
            note=(f"主办:{lead_department.name}" + (f";协办:{names}" if names else "")
                  + f";答复期限:{deadline:%Y年%m月%d日}" + (";重点建议" if is_key else "")),
            internal_note=(note or "").strip(),
            fields={"lead_department", "is_complex", "is_key", "supervisor", "deadline"},
        )

    s = _transition("dispatch", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    _notify_later(handler_users([d.pk for d in co_departments]), f"协办建议:{s.title}", s)
    if supervisor:
        _notify_later([supervisor], f"请督办重点建议:{s.title}", s)
    _notify_later(_lead_deputy_users(s), f"您的建议已交办{lead_department.name}", s)
    return s


# --- department steps --------------------------------------------------------------------------


@transaction.atomic
def suggestion_sign(*, actor, suggestion, seen_state=None) -> Suggestion:
    return _transition("sign", actor=actor, suggestion=suggestion, seen_state=seen_state,
                       change=lambda s: Step(note=f"{s.lead_department.name}已签收"))


@transaction.atomic
def suggestion_request_change(*, actor, suggestion, kind: str, reason: str, months: int | None = None,
                              seen_state=None) -> ChangeRequest:
    """A department asks for reassignment (within the allowed working days after dispatch) or
    for an extension (up to the township's maximum months)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写申请理由。"})
    action = "request_reassign" if kind == ChangeRequest.Kind.REASSIGN else "request_extension"
    created = []

    def change(s):
        nonlocal months
        settings = _settings(s)
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
        created.append(request)
        return Step(note=f"{request.get_kind_display()}:{reason}" + (f"(延期{months}个月)" if months else ""))

    s = _transition(action, actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    request = created[0]
    _notify_later(staff_users(s.township_id), f"{s.lead_department.name}{request.get_kind_display()}:{s.title}", s)
    return request


@transaction.atomic
def suggestion_decide_change(*, actor, request: ChangeRequest, approve: bool, note: str = "",
                             new_department: Department | None = None) -> ChangeRequest:
    """Staff approve or refuse a reassignment (approval names the new lead department and
    restarts the sign-for stage) or an extension (approval moves the reply deadline)."""
    verb = "approve" if approve else "refuse"
    action = f"{verb}_{'reassign' if request.kind == ChangeRequest.Kind.REASSIGN else 'extension'}"
    decided = []

    def change(s):
        req = ChangeRequest.objects.select_for_update().get(pk=request.pk)
        if req.status != ChangeRequest.Status.PENDING:
            raise TransitionNotAllowed(STALE_MESSAGE)
        fields: set = set()
        text = note
        if approve and req.kind == ChangeRequest.Kind.REASSIGN:
            if new_department is None or new_department.pk == s.lead_department_id:
                raise ValidationError({"new_department": "请选择新的主办单位。"})
            _check_departments(s, [new_department], "new_department")
            s.lead_department = new_department
            s.signed_at = None
            fields |= {"lead_department", "signed_at"}
            text = f"改由{new_department.name}主办。{note}"
        elif approve:
            due = deadlines.extend_deadline(s, months=req.months, actor=actor, reason=req.reason)
            fields.add("deadline")
            text = f"延期{req.months}个月,答复期限改为{due:%Y年%m月%d日}。{note}"
        req.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REFUSED
        req.decided_by = actor
        req.decided_at = _now()
        req.decision_note = note
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        decided.append(req)
        return Step(note=text.strip(), fields=fields)

    s = _transition(action, actor=actor, suggestion=Suggestion(pk=request.suggestion_id), change=change,
                    stale_if_refused=True)
    req = decided[0]
    _notify_later(handler_users([req.department_id]),
                  f"{req.get_kind_display()}{'已同意' if approve else '未同意'}:{s.title}", s, body=note)
    return req


@transaction.atomic
def suggestion_add_progress(*, actor, suggestion, text: str, seen_state=None) -> ProgressNote:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写办理进展。"})
    created = []

    def change(s):
        created.append(ProgressNote.objects.create(suggestion=s, author=actor, text=text))
        return Step(note=text)

    _transition("note", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    return created[0]


@transaction.atomic
def suggestion_reply(*, actor, suggestion, reply_class: str, text: str, attachments=(), seen_state=None) -> SuggestionReply:
    text = (text or "").strip()
    if reply_class not in ReplyClass.values:
        raise ValidationError({"reply_class": "请选择答复类别(A/B/C/D)。"})
    if not text:
        raise ValidationError({"text": "请填写答复内容。"})
    if reply_class == "C" and len(text) < 10:
        raise ValidationError({"text": "C类答复须说明暂不能解决的原因。"})
    created = []

    def change(s):
        reply = SuggestionReply.objects.create(
            suggestion=s, cycle=s.rehandle_count, department=s.lead_department, reply_class=reply_class,
            text=text, author=actor,
        )
        for upload in attachments:
            ReplyAttachment.objects.create(reply=reply, file=upload)
        created.append(reply)
        s.replied_at = _now()
        s.reply_class = reply_class
        s.rating, s.rating_late, s.rating_late_reason = "", False, ""
        fields = {"replied_at", "reply_class", "rating", "rating_late", "rating_late_reason"}
        if s.first_replied_at is None:
            s.first_replied_at = s.replied_at
            fields.add("first_replied_at")
        return Step(note=f"{reply.get_reply_class_display()}。{text}", fields=fields)

    s = _transition("reply", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    _tell_citizen(s, "replied")
    return created[0]


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

    def change(s):
        settings = _settings(s)
        late = _late_rating(s, actor, settings, late_reason)
        s.rating = rating
        s.rating_comment = comment
        s.rating_late, s.rating_late_reason = late, late_reason.strip() if late else ""
        fields = {"rating", "rating_comment", "rating_late", "rating_late_reason"}
        if rating == Rating.UNSATISFIED and s.rehandle_count < settings.rehandle_limit and not late:
            s.rehandle_count += 1
            due = deadlines.start_rehandle_cycle(s, settings=settings, today=_today(), actor=actor, reason=comment)
            return Step(
                action="rehandle", fields=fields | {"rehandle_count"}, notice_body=comment,
                note=f"评价:不满意({comment})。第{s.rehandle_count}次重新办理,答复期限{due:%Y年%m月%d日}",
            )
        return Step(note=f"评价:{Rating(rating).label}" + (f"({comment})" if comment else "")
                    + (f"。逾期补录,不计入满意率:{s.rating_late_reason}" if late else ""), fields=fields)

    s = _transition("evaluate", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    if s.state == State.IN_PROGRESS:
        _notify_later(staff_users(s.township_id), f"建议评价不满意,已退回重新办理:{s.title}", s)
    else:
        _notify_later(staff_users(s.township_id), f"建议已评价({Rating(rating).label}),可销单:{s.title}", s)
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
    before = _memberships(s.pk)
    s.save(update_fields=["citizen_rating", "citizen_comment"])
    _count(before, s.pk)
    _event(s, actor=None, action=EventKind.CITIZEN_RATE, from_state=s.state, to_state=s.state,
           note=f"群众评价:{Rating(rating).label}")
    return s


@transaction.atomic
def suggestion_close(*, actor, suggestion, is_public: bool = False, note: str = "", seen_state=None) -> Suggestion:
    """销单. From 已答复 only once the rating period has passed (the rating is then left out
    of 满意率)."""

    def change(s):
        if s.state == State.REPLIED and s.due_date and _today() <= s.due_date:
            raise TransitionNotAllowed(f"评价期限({s.due_date:%Y年%m月%d日})未到,暂不能销单。")
        s.is_public = is_public
        return Step(
            note=note or ("逾期未评价,销单" if s.state == State.REPLIED else "销单") + ("并公开" if is_public else ""),
            fields={"is_public"},
        )

    s = _transition("close", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    _notify_later(_lead_deputy_users(s), f"建议已销单:{s.title}", s)
    _tell_citizen(s, "closed")
    return s


# --- supervision: 催办 and 督办 ------------------------------------------------------------------

# At most one 催办 per item in this window (checked under the row lock, so two presses at once
# cannot both pass).
CHASE_INTERVAL = datetime.timedelta(hours=24)


def _due_text(s: Suggestion) -> str:
    if s.due_date is None:
        return ""
    late = "(已逾期)" if s.due_date < _today() else ""
    return f"期限{s.due_date:%Y年%m月%d日}{late}"


def _once_a_day(s, kind: str) -> None:
    """催办 and 督办 at most once per item per :data:`CHASE_INTERVAL` (checked under the row lock
    of the transition): a second press is refused with the time it may be pressed again."""
    last = (SuggestionEvent.objects.filter(suggestion=s, action=kind, created_at__gt=_now() - CHASE_INTERVAL)
            .order_by("-created_at").values_list("created_at", flat=True).first())
    if last is not None:
        again = timezone.localtime(last + CHASE_INTERVAL)
        label = EventKind(kind).label
        raise TransitionNotAllowed(f"该建议今天已{label}过,请于{again:%Y年%m月%d日 %H:%M}后再{label}。")


@transaction.atomic
def suggestion_chase(*, actor, suggestion, message: str = "", seen_state=None) -> Suggestion:
    """催办: presidium staff press whoever must act in the current stage
    (:func:`next_actor_users`, as the reminders do) with an urgent notice — inbox, and SMS / WeChat
    Work by each recipient's choice (SMS template ``chase``). Logged on the timeline as an internal
    催办 row. At most once per item per :data:`CHASE_INTERVAL`: a second press is refused and
    writes nothing."""
    message = (message or "").strip()[:200]
    told = []

    def change(s):
        _once_a_day(s, EventKind.CHASE)
        users = next_actor_users(s)
        told.extend(users)
        stage = workflow.STAGES[s.state]
        names = "、".join(u.display_name for u in users) or "—"
        return Step(note=f"催办「{State(s.state).label}」环节:{stage.todo}。{_due_text(s)}".rstrip("。") + "。"
                    + f"通知:{names}" + (f"。催办说明:{message}" if message else ""))

    s = _transition("chase", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    stage = workflow.STAGES[s.state]
    body = f"人大办催办:{State(s.state).label}环节,{stage.todo}。{_due_text(s)}" + (f"。{message}" if message else "")
    _notify_later(told, f"【催办】{s.title}", s, body=body, urgent=True, sms_template="chase",
                  sms_params={"title": s.title, "stage": State(s.state).label})
    return s


@transaction.atomic
def suggestion_supervise(*, actor, suggestion, note: str = "", seen_state=None) -> Suggestion:
    """督办: the supervising leader (or the chair) of a key suggestion in handling issues a
    督办函 to the lead department: an internal 督办 row on the timeline, and an urgent notice to
    the lead department's handlers; the letter itself is :func:`suggestions.documents.supervision_letter`
    (downloaded from the suggestion's page). At most once per item per :data:`CHASE_INTERVAL`,
    as 催办."""
    note = (note or "").strip()[:500]

    reply_due = []

    def change(s):
        _once_a_day(s, EventKind.SUPERVISE)
        # The letter presses for the reply: the deadline of the cycle in handling.
        due = deadlines.current_reply_deadline(s) or s.deadline
        reply_due.append(f"答复期限{due:%Y年%m月%d日}" + ("(已逾期)" if due < _today() else ""))
        return Step(note=f"对{s.lead_department.name}发出督办函。{reply_due[0]}"
                    + (f"。督办意见:{note}" if note else ""))

    s = _transition("supervise", actor=actor, suggestion=suggestion, seen_state=seen_state, change=change)
    _notify_later(handler_users([s.lead_department_id]), f"【督办】{s.title}", s,
                  body=f"{actor.display_name}发出督办函,请加快办理,按期答复。{reply_due[0]}"
                  + (f"。{note}" if note else ""), urgent=True)
    return s


def run_bulk(service, *, actor, suggestions, seen_states=None, **kwargs) -> tuple[int, list[str]]:
    """Apply one service to many suggestions; each in its own transaction. ``seen_states``
    (pk → the state the actor saw) makes an item changed meanwhile fail with the refresh
    message. Returns (done, error messages)."""
    done, errors = 0, []
    for s in suggestions:
        if seen_states is not None:
            kwargs["seen_state"] = seen_states.get(s.pk) or None
        try:
            service(actor=actor, suggestion=s, **kwargs)
            done += 1
        except USER_ERRORS as exc:
            errors.append(f"{s.code}:{user_message(exc)}")
    return done, errors


# --- figure counters ---------------------------------------------------------------------------


def figure_counters_rebuild() -> int:
    """Replace the figure counters by a full recount (after bulk writes that bypass these
    services, or a change of the working-day calendar). Returns the number of counter rows."""
    return counters.rebuild()


def figure_counters_fold() -> int:
    """Daily compaction of the figure counters (see :func:`suggestions.counters.fold`)."""
    return counters.fold()
