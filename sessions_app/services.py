"""Writes of the sessions app: one function per change, keyword-only with ``actor``, in one
transaction, the row locked, permission and state re-checked, history written with the actor,
side effects (notifications) after commit.

Refusals raise :class:`ActionRefused` (a Chinese message for the user) or ``PermissionDenied``;
nothing is written when they are raised.
"""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from congress.exceptions import ApplicationError, user_message
from congress.notifications import notification_send
from deputies.models import Deputy, DutyKind
from deputies.predicates import deputy_of
from deputies.services import duty_record_from_source
from suggestions.models import Category, Channel
from suggestions.services import suggestion_create_for_deputies

from . import checkin, selectors
from .models import (
    Attendance,
    Ballot,
    BallotBox,
    BallotReceipt,
    Choice,
    CongressSession,
    LivelihoodProject,
    ProjectProgress,
    SupervisionActivity,
    SupervisionFinding,
    Vote,
)


class ActionRefused(ApplicationError):
    """A business rule refuses the action; ``message`` is shown to the user as is."""


def _require(actor, perm: str, obj, message: str = "您没有权限进行此操作。") -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


def _save(instance, actor, fields: list[str]) -> None:
    instance._history_user = actor
    instance.save(update_fields=fields)


def _lock_session(session: CongressSession) -> CongressSession:
    return CongressSession.objects.select_for_update(of=("self",)).select_related("term", "township").get(pk=session.pk)


def _quorum_message(session: CongressSession) -> str:
    summary_total = selectors.roster_size(session.term)
    present = selectors.present_count(session)
    required = selectors.quorum_required(summary_total)
    return (
        f"出席代表不足法定人数:全体代表{summary_total}名,须有{required}名以上出席,"
        f"目前已签到{present}名,还差{max(required - present, 0)}名。"
    )


def _has_quorum_now(session: CongressSession) -> bool:
    return selectors.has_quorum(selectors.present_count(session), selectors.roster_size(session.term))


# --- Sessions ----------------------------------------------------------------------------------


def session_open(*, actor, session: CongressSession) -> CongressSession:
    """开幕: only with 三分之二以上 of the term's deputies present."""
    _require(actor, "sessions_app.manage_session", session)
    with transaction.atomic():
        session = _lock_session(session)
        if session.status != CongressSession.Status.PLANNED:
            raise ActionRefused("会议已开幕或已闭幕,不能重复开幕。")
        if not _has_quorum_now(session):
            raise ActionRefused(_quorum_message(session) + "会议不能开幕。")
        session.status = CongressSession.Status.OPEN
        session.opened_at = timezone.now()
        _save(session, actor, ["status", "opened_at"])
    return session


def session_close(*, actor, session: CongressSession) -> CongressSession:
    """闭幕: closes any vote still open and gives each present deputy one 出席人代会 duty record."""
    _require(actor, "sessions_app.manage_session", session)
    with transaction.atomic():
        session = _lock_session(session)
        if session.status != CongressSession.Status.OPEN:
            raise ActionRefused("只有已开幕的会议才能闭幕。")
        for vote in Vote.objects.filter(session=session, status=Vote.Status.OPEN):
            if vote.method == Vote.Method.PAPER:
                raise ActionRefused(f"纸质表决“{vote.title}”尚未录入票数,请先录入再闭幕。")
            _close_vote(vote, actor)
        session.status = CongressSession.Status.CLOSED
        session.closed_at = timezone.now()
        _save(session, actor, ["status", "closed_at"])
        attendance_record_duties(actor=actor, session=session)
    return session


def attendance_record_duties(*, actor, session: CongressSession) -> int:
    """One 出席人代会 duty record per present deputy (source ``session:<pk>``); idempotent."""
    created = 0
    days = (session.end_date - session.start_date).days + 1
    present = Attendance.objects.filter(session=session, status=Attendance.Status.PRESENT).select_related("deputy")
    for attendance in present:
        _, was_created = duty_record_from_source(
            deputy=attendance.deputy,
            source_key=f"session:{session.pk}",
            kind=DutyKind.ATTEND_SESSION,
            date=session.start_date,
            place=session.venue,
            hours=Decimal(8 * days),
            content=f"出席{session}",
            actor=actor,
        )
        created += was_created
    return created


# --- Attendance --------------------------------------------------------------------------------


def _deputy_of(actor) -> Deputy:
    deputy = deputy_of(actor)
    if deputy is None:
        raise ActionRefused("您的账号没有关联人大代表信息,不能签到或表决。请联系人大办。")
    return deputy


def attendance_check_in_by_code(*, actor, code: str, session_id: int | None = None) -> Attendance:
    """A deputy scanned the venue screen's code with the portal open. Refuses an expired,
    forged or other-session code with a clear message (``checkin.CheckinCodeError``)."""
    decoded_id = checkin.read_code(code, session_id=session_id)
    deputy = _deputy_of(actor)
    with transaction.atomic():
        session = CongressSession.objects.select_for_update(of=("self",)).select_related("term").filter(pk=decoded_id).first()
        if session is None:
            raise checkin.CheckinCodeError("签到码无效,找不到对应的会议。", "forged")
        _require(actor, "sessions_app.check_in", session, "您不是本乡镇的人大代表,不能在此签到。")
        if session.status == CongressSession.Status.CLOSED:
            raise ActionRefused("会议已闭幕,签到已结束。")
        if not selectors.is_on_roster(session.term, deputy):
            raise ActionRefused("您不在本届代表名单中,不能签到。如有疑问请联系人大办。")
        attendance = Attendance.objects.select_for_update().filter(session=session, deputy=deputy).first()
        if attendance and attendance.status == Attendance.Status.PRESENT:
            return attendance
        if attendance is None:
            attendance = Attendance(session=session, deputy=deputy)
        attendance.status = Attendance.Status.PRESENT
        attendance.leave_reason = ""
        attendance.method = Attendance.Method.QR
        attendance.checked_in_at = timezone.now()
        attendance.recorded_by = actor
        attendance._history_user = actor
        attendance.save()
    return attendance


def attendance_record(
    *, actor, session: CongressSession, deputy: Deputy, status: str, leave_reason: str = ""
) -> Attendance:
    """Staff mark a deputy present (manual check-in), on leave (reason required) or absent."""
    _require(actor, "sessions_app.manage_session", session)
    leave_reason = (leave_reason or "").strip()
    if status not in Attendance.Status.values:
        raise ActionRefused("出席情况不正确。")
    if status == Attendance.Status.LEAVE and not leave_reason:
        raise ActionRefused("请假必须填写请假事由。")
    with transaction.atomic():
        session = _lock_session(session)
        if session.status == CongressSession.Status.CLOSED:
            raise ActionRefused("会议已闭幕,不能再修改出席情况。")
        if not selectors.is_on_roster(session.term, deputy):
            raise ActionRefused(f"{deputy.name}不在本届代表名单中。")
        attendance = Attendance.objects.select_for_update().filter(session=session, deputy=deputy).first()
        if attendance is None:
            attendance = Attendance(session=session, deputy=deputy)
        attendance.status = status
        attendance.leave_reason = leave_reason if status == Attendance.Status.LEAVE else ""
        attendance.method = Attendance.Method.MANUAL
        attendance.checked_in_at = timezone.now() if status == Attendance.Status.PRESENT else None
        attendance.recorded_by = actor
        attendance._history_user = actor
        attendance.save()
    return attendance


def attendance_mark_rest_present(*, actor, session: CongressSession) -> int:
    """Hand attendance in one step: every deputy on the roster not yet recorded (no check-in, not
    marked on leave or absent) is marked present. Returns how many were marked."""
    _require(actor, "sessions_app.manage_session", session)
    with transaction.atomic():
        session = _lock_session(session)
        if session.status == CongressSession.Status.CLOSED:
            raise ActionRefused("会议已闭幕,不能再修改出席情况。")
        recorded = set(Attendance.objects.filter(session=session).values_list("deputy_id", flat=True))
        rest = [d for d in selectors.term_roster(session.term) if d.pk not in recorded]
        now = timezone.now()
        for deputy in rest:
            attendance = Attendance(
                session=session, deputy=deputy, status=Attendance.Status.PRESENT,
                method=Attendance.Method.MANUAL, checked_in_at=now, recorded_by=actor,
            )
            attendance._history_user = actor
            attendance.save()
    return len(rest)


# --- Votes -------------------------------------------------------------------------------------


def _lock_vote(vote: Vote) -> Vote:
    return Vote.objects.select_for_update(of=("self",)).select_related("session__term", "session__township").get(pk=vote.pk)


def vote_open(*, actor, vote: Vote, notify: bool = True) -> Vote:
    """Start a vote: the session must be open and the quorum present right now. Fixes the
    number of all the deputies of the term (``roster_size``) the verdict is counted on."""
    _require(actor, "sessions_app.manage_session", vote.session)
    with transaction.atomic():
        vote = _lock_vote(vote)
        session = vote.session
        if session.status != CongressSession.Status.OPEN:
            raise ActionRefused("会议开幕后才能开始表决。")
        if vote.status != Vote.Status.DRAFT:
            raise ActionRefused("该表决已经开始或已经结束。")
        if not _has_quorum_now(session):
            raise ActionRefused(_quorum_message(session) + "不能开始表决。")
        vote.status = Vote.Status.OPEN
        BallotBox.objects.get_or_create(vote=vote)
        vote.opened_at = timezone.now()
        vote.roster_size = selectors.roster_size(session.term)
        _save(vote, actor, ["status", "opened_at", "roster_size"])
        if notify and vote.method == Vote.Method.ELECTRONIC:
            present = Attendance.objects.filter(
                session=session, status=Attendance.Status.PRESENT, deputy__user__isnull=False
            ).select_related("deputy__user")
            for attendance in present:
                notification_send(
                    recipient=attendance.deputy.user,
                    title=f"请表决:{vote.title}",
                    url=vote.get_absolute_url(),
                )
    return vote


def vote_cast(*, actor, vote: Vote, choice: str) -> BallotReceipt:
    """One ballot of a present deputy of the term while the vote is open. The receipt (who
    voted) is written and the choice goes into the sealed box as a running total; the ballot
    rows appear only when the vote closes (``_count_ballot_box``). For a secret ballot the
    receipt carries no choice. A second ballot is refused (the unique constraint on the receipt
    holds even under concurrency)."""
    if choice not in Choice.values:
        raise ActionRefused("请选择赞成、反对或弃权。")
    deputy = _deputy_of(actor)
    _require(actor, "sessions_app.vote", vote.session, "只有本乡镇的人大代表可以表决。")
    with transaction.atomic():
        vote = _lock_vote(vote)
        if vote.method != Vote.Method.ELECTRONIC:
            raise ActionRefused("该事项使用纸质选票表决,请在会场填写选票。")
        if vote.status == Vote.Status.DRAFT:
            raise ActionRefused("表决尚未开始。")
        if vote.status == Vote.Status.CLOSED:
            raise ActionRefused("表决已经结束,不能再投票。")
        if not selectors.is_on_roster(vote.session.term, deputy):
            raise ActionRefused("您不在本届代表名单中,不能表决。")
        if not Attendance.objects.filter(
            session=vote.session, deputy=deputy, status=Attendance.Status.PRESENT
        ).exists():
            raise ActionRefused("请先签到,签到后才能表决。")
        if BallotReceipt.objects.filter(vote=vote, deputy=deputy).exists():
            raise ActionRefused("您已经对该事项表决过,每位代表只能表决一次。")
        try:
            with transaction.atomic():
                receipt = BallotReceipt.objects.create(
                    vote=vote,
                    deputy=deputy,
                    choice=choice if vote.ballot_kind == Vote.BallotKind.OPEN else "",
                )
                # Into the sealed box: a running total, no row of its own (see _count_ballot_box).
                BallotBox.objects.get_or_create(vote=vote)
                BallotBox.objects.filter(vote=vote).update(**{choice: F(choice) + 1})
        except IntegrityError:
            raise ActionRefused("您已经对该事项表决过,每位代表只能表决一次。") from None
    return receipt


def _count_ballot_box(vote: Vote) -> None:
    """Open the sealed box: write one ballot per counted choice in one batch, in random order
    (OS randomness), so every ballot shares one transaction and no order reflects the casting
    order. Refuses when the box does not match the receipts (nothing is saved then)."""
    box = BallotBox.objects.select_for_update().filter(vote=vote).first()
    if box is None or box.counted:
        return
    ballots = [Ballot(vote=vote, choice=choice) for choice, n in box.totals().items() for _ in range(n)]
    if len(ballots) != BallotReceipt.objects.filter(vote=vote).count() - Ballot.objects.filter(vote=vote).count():
        raise ActionRefused("票箱中的票数与投票记录数不一致,请联系管理员核查。")
    secrets.SystemRandom().shuffle(ballots)
    Ballot.objects.bulk_create(ballots)
    box.counted = True
    box.save(update_fields=["counted"])


def _close_vote(vote: Vote, actor, counts: dict | None = None) -> Vote:
    if counts is None:
        _count_ballot_box(vote)
        counts = selectors.ballot_counts(vote)
    vote.yes_count, vote.no_count, vote.abstain_count = counts["yes"], counts["no"], counts["abstain"]
    vote.passed = selectors.motion_passes(vote.yes_count, vote.roster_size)
    vote.status = Vote.Status.CLOSED
    vote.closed_at = timezone.now()
    _save(vote, actor, ["yes_count", "no_count", "abstain_count", "passed", "status", "closed_at"])
    return vote


def vote_close(*, actor, vote: Vote) -> Vote:
    """End an electronic vote: count the ballots; passes with more than half of ALL deputies."""
    _require(actor, "sessions_app.manage_session", vote.session)
    with transaction.atomic():
        vote = _lock_vote(vote)
        if vote.status != Vote.Status.OPEN:
            raise ActionRefused("只有表决中的事项才能结束表决。")
        if vote.method == Vote.Method.PAPER:
            raise ActionRefused("纸质表决请录入票数,录入后自动结束。")
        return _close_vote(vote, actor)


def vote_record_paper_counts(*, actor, vote: Vote, yes: int, no: int, abstain: int) -> Vote:
    """Staff enter the counts of a paper ballot; this closes the vote with its verdict. The
    ballots counted cannot exceed the deputies present."""
    _require(actor, "sessions_app.manage_session", vote.session)
    if min(yes, no, abstain) < 0:
        raise ActionRefused("票数不能为负数。")
    with transaction.atomic():
        vote = _lock_vote(vote)
        if vote.method != Vote.Method.PAPER:
            raise ActionRefused("手机表决的票数由系统统计,不能手工录入。")
        if vote.status != Vote.Status.OPEN:
            raise ActionRefused("请先开始表决(须达到法定人数),再录入纸质选票票数。" if vote.status == Vote.Status.DRAFT else "该表决已经结束。")
        present = selectors.present_count(vote.session)
        if yes + no + abstain > present:
            raise ActionRefused(f"收回选票{yes + no + abstain}张,多于出席代表{present}名,请核对票数。")
        return _close_vote(vote, actor, {"yes": yes, "no": no, "abstain": abstain})


# --- 民生实事票决 ------------------------------------------------------------------------------


def livelihood_voting_open(
    *, actor, session: CongressSession, ballot_kind: str = Vote.BallotKind.SECRET,
    method: str = Vote.Method.ELECTRONIC,
) -> list[Vote]:
    """Create one vote per candidate project and open them all (quorum required)."""
    _require(actor, "sessions_app.manage_session", session)
    with transaction.atomic():
        session = _lock_session(session)
        projects = list(LivelihoodProject.objects.select_for_update().filter(session=session).order_by("entry_order", "pk"))
        if not projects:
            raise ActionRefused("本次会议还没有民生实事候选项目。")
        if session.livelihood_quota < 1:
            raise ActionRefused("请先设置本次会议民生实事项目的入选名额。")
        if any(p.vote_id for p in projects):
            raise ActionRefused("民生实事项目票决已经开始过。")
        votes = []
        for project in projects:
            vote = Vote.objects.create(
                session=session, title=f"民生实事项目:{project.title}", ballot_kind=ballot_kind, method=method
            )
            project.vote = vote
            _save(project, actor, ["vote"])
            votes.append(vote_open(actor=actor, vote=vote, notify=False))
        present = Attendance.objects.filter(
            session=session, status=Attendance.Status.PRESENT, deputy__user__isnull=False
        ).select_related("deputy__user")
        if method == Vote.Method.ELECTRONIC:
            from django.urls import reverse

            url = reverse("sessions_portal:livelihood_ballot", kwargs={"pk": session.pk})
            for attendance in present:
                notification_send(recipient=attendance.deputy.user, title="请对民生实事候选项目进行票决", url=url)
    return votes


def livelihood_project_add(
    *, actor, session: CongressSession, title: str, department, budget, description: str,
    source_note: str = "政府提出", source_suggestion=None,
) -> LivelihoodProject:
    """A candidate project, entered by staff or promoted from a suggestion (then its title and
    content are the defaults and the suggestion is linked)."""
    _require(actor, "sessions_app.manage_session", session)
    with transaction.atomic():
        session = _lock_session(session)
        if LivelihoodProject.objects.filter(session=session, vote__isnull=False).exists():
            raise ActionRefused("票决已经开始,不能再增加候选项目。")
        if department.township_id not in (None, session.township_id):
            raise ActionRefused("责任单位不属于本乡镇。")
        if source_suggestion is not None:
            if source_suggestion.township_id != session.township_id:
                raise ActionRefused("所选建议不属于本乡镇。")
            if LivelihoodProject.objects.filter(session=session, source_suggestion=source_suggestion).exists():
                raise ActionRefused("该建议已经是本次会议的候选项目。")
        last = LivelihoodProject.objects.filter(session=session).order_by("-entry_order").first()
        project = LivelihoodProject(
            session=session, title=title, department=department, budget=budget,
            description=description, source_note=source_note, source_suggestion=source_suggestion,
            entry_order=(last.entry_order + 1) if last else 1,
        )
        project._history_user = actor
        project.save()
    return project


def livelihood_project_from_suggestion(*, actor, session: CongressSession, suggestion, department, budget) -> LivelihoodProject:
    """Promote a suggestion to a 民生实事 candidate project in one step."""
    return livelihood_project_add(
        actor=actor, session=session, title=suggestion.title, department=department, budget=budget,
        description=suggestion.content, source_note=f"代表建议({suggestion.code})", source_suggestion=suggestion,
    )


def livelihood_cast(*, actor, session: CongressSession, choices: dict[int, str]) -> int:
    """A deputy's ballot over all candidate projects at once (project id → choice). All or
    nothing: a refusal on one project saves none."""
    projects = {
        p.pk: p for p in LivelihoodProject.objects.filter(session=session).select_related("vote")
    }
    if not choices:
        raise ActionRefused("请至少对一个项目作出选择。")
    with transaction.atomic():
        for project_id, choice in sorted(choices.items()):
            project = projects.get(project_id)
            if project is None or project.vote is None:
                raise ActionRefused("候选项目不存在或尚未开始票决。")
            try:
                vote_cast(actor=actor, vote=project.vote, choice=choice)
            except ActionRefused as exc:
                raise ActionRefused(f"“{project.title}”:{exc.message}") from None
    return len(choices)


def livelihood_voting_finalize(*, actor, session: CongressSession) -> list:
    """Close every project vote still open and store the ranking and the selection
    (see ``selectors.rank_livelihood_projects`` for the rule)."""
    _require(actor, "sessions_app.manage_session", session)
    with transaction.atomic():
        session = _lock_session(session)
        projects = list(LivelihoodProject.objects.select_for_update(of=("self",)).filter(session=session).select_related("vote"))
        if not projects or any(p.vote_id is None for p in projects):
            raise ActionRefused("民生实事项目票决尚未开始。")
        for project in projects:
            vote = _lock_vote(project.vote)
            if vote.status == Vote.Status.OPEN:
                if vote.method == Vote.Method.PAPER:
                    raise ActionRefused(f"“{project.title}”的纸质选票票数尚未录入。")
                _close_vote(vote, actor)
        ranking = selectors.livelihood_ranking(session)
        for row in ranking:
            row.project.rank = row.rank
            row.project.selected = row.selected
            _save(row.project, actor, ["rank", "selected"])
    return ranking


def project_progress_add(
    *, actor, project: LivelihoodProject, kind: str, date: datetime.date, content: str,
    percent: int | None = None, inspectors=(), completion: str | None = None,
) -> ProjectProgress:
    """A progress report or a deputies' inspection of a selected project; inspectors get one
    视察调研 duty record each; ``completion`` updates the project's status. The responsible
    department's handler may file progress reports (not inspections) on its own projects."""
    _require(actor, "sessions_app.report_progress", project)
    if not actor.has_perm("sessions_app.manage_session", project.session):
        if kind != ProjectProgress.Kind.REPORT or list(inspectors):
            raise PermissionDenied("承办单位只能报送进展,代表视察由人大办登记。")
    with transaction.atomic():
        project = LivelihoodProject.objects.select_for_update(of=("self",)).select_related("session").get(pk=project.pk)
        if not project.selected:
            raise ActionRefused("只有入选的民生实事项目才需要跟踪进展。")
        progress = ProjectProgress(
            project=project, kind=kind, date=date, content=content, percent=percent, created_by=actor
        )
        progress._history_user = actor
        progress.save()
        inspectors = list(inspectors)
        if inspectors:
            progress.inspectors.set(inspectors)
            for deputy in inspectors:
                duty_record_from_source(
                    deputy=deputy, source_key=f"livelihood_inspection:{progress.pk}",
                    kind=DutyKind.INSPECTION, date=date, content=f"视察民生实事项目:{project.title}",
                    hours=2, actor=actor,
                )
        if completion and completion != project.completion:
            project.completion = completion
            fields = ["completion"]
            if completion == LivelihoodProject.Completion.COMPLETED and not project.completed_on:
                project.completed_on = date
                fields.append("completed_on")
            _save(project, actor, fields)
    return progress


# --- Supervision -------------------------------------------------------------------------------

SUPERVISION_DUTY_KIND = {
    SupervisionActivity.Kind.INSPECTION: DutyKind.INSPECTION,
    SupervisionActivity.Kind.RESEARCH: DutyKind.INSPECTION,
    SupervisionActivity.Kind.LAW_CHECK: DutyKind.LAW_ENFORCEMENT_CHECK,
    SupervisionActivity.Kind.INQUIRY: DutyKind.ATTEND_MEETING,
    SupervisionActivity.Kind.WORK_REVIEW: DutyKind.ATTEND_MEETING,
}


def supervision_record_duties(*, actor, activity: SupervisionActivity) -> int:
    """Each participant of an activity that took place gets ONE duty record (source
    ``supervision:<pk>``); running it again adds only the participants added since."""
    _require(actor, "sessions_app.change_supervisionactivity", activity)
    if activity.status != SupervisionActivity.Status.DONE or activity.held_on is None:
        return 0
    created = 0
    with transaction.atomic():
        for deputy in activity.participants.all():
            _, was_created = duty_record_from_source(
                deputy=deputy,
                source_key=f"supervision:{activity.pk}",
                kind=SUPERVISION_DUTY_KIND[activity.kind],
                date=activity.held_on,
                place=activity.place,
                hours=activity.hours,
                content=str(activity),
                actor=actor,
            )
            created += was_created
    return created


# --- Bridges to the suggestion workflow -------------------------------------------------------


def session_suggestion_submit(
    *, actor, session: CongressSession, deputies, kind: str, category: str, title: str,
    content: str, village=None, department=None,
):
    """大会期间代表建议: enters the suggestion workflow with channel "congress session",
    already claimed by the deputies who made it."""
    _require(actor, "sessions_app.manage_session", session)
    deputies = list(deputies)
    if not deputies:
        raise ActionRefused("请选择提出建议的代表。")
    roster = set(selectors.term_roster(session.term).values_list("pk", flat=True))
    outsiders = [d.name for d in deputies if d.pk not in roster]
    if outsiders:
        raise ActionRefused(f"{'、'.join(outsiders)}不在本届代表名单中。")
    try:
        return suggestion_create_for_deputies(
            actor=actor, deputies=deputies, channel=Channel.SESSION, kind=kind, category=category,
            title=title, content=content, village=village, department=department,
        )
    except ValidationError as exc:
        raise ActionRefused(user_message(exc)) from None


def finding_to_suggestion(*, actor, finding: SupervisionFinding, kind: str = "suggestion", category_name: str = "社会治理"):
    """A supervision finding becomes a suggestion to its department in one step, claimed by
    the activity's participants."""
    _require(actor, "sessions_app.change_supervisionfinding", finding)
    with transaction.atomic():
        finding = SupervisionFinding.objects.select_for_update(of=("self",)).select_related("activity").get(pk=finding.pk)
        if finding.suggestion_ref:
            raise ActionRefused("该问题已经转为建议。")
        if finding.department_id is None:
            raise ActionRefused("请先为该问题指定建议交办单位。")
        activity = finding.activity
        deputies = list(activity.participants.all())
        if not deputies:
            raise ActionRefused("该监督活动没有参加代表,无法以代表名义提出建议。")
        try:
            suggestion = suggestion_create_for_deputies(
                actor=actor, deputies=deputies, channel=Channel.SUPERVISION, kind=kind,
                category=Category.objects.filter(name=category_name).first(),
                title=f"{activity.get_kind_display()}发现问题:{finding.content[:30]}"[:100],
                content=finding.content, village=None, department=finding.department,
            )
        except ValidationError as exc:
            raise ActionRefused(user_message(exc)) from None
        finding.suggestion_ref = suggestion.code
        _save(finding, actor, ["suggestion_ref"])
    return suggestion
