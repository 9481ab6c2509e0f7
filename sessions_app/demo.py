"""Demo data for the sessions app: the current term (第六届) of both demo townships with the
sessions of the past two years — last year only ONE session (to show the flag), this year two —
with agendas, published resolutions, attendance, votes (passed and failed, open, secret and
paper), a 民生实事 vote with more candidates than the quota and the selected projects followed
through the year, presidium meetings with one quarter missing, and supervision activities.

Idempotent: every row is found by its natural key ((term, number) for a session, (township,
date) for a presidium meeting, (township, title) for an activity) and its children are only
made together with it; nothing existing is changed. Deterministic: a random generator seeded
per township. Uses the deputies demo's Deputy rows when present (the term's roster); without
deputies it still makes sessions, agendas and projects, just no attendance or ballots.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from congress.demo import demo_loader
from congress.models import Department, Term, User
from congress.roles import Role
from deputies.demo import away_deputy_ids
from deputies.models import DutyKind
from deputies.services import duty_record_from_source

from . import selectors, services
from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotReceipt,
    Choice,
    CongressSession,
    LivelihoodProject,
    PresidiumMeeting,
    ProjectProgress,
    SupervisionActivity,
    SupervisionFinding,
    Vote,
)

LEAVE_REASONS = ["因病住院治疗", "外出务工未能返回", "参加县里统一培训", "家中有急事", "在外地出差"]

PROJECT_CANDIDATES = [
    ("村组道路硬化及安防工程", "农业农村办公室", "120.00", "硬化通组道路8.6公里,增设急弯路段安全护栏和警示标志。"),
    ("农村饮水安全巩固提升工程", "农业农村办公室", "95.50", "新建蓄水池3座、更换老旧供水管网12公里,解决高峰村等3个村季节性缺水。"),
    ("镇区老旧小区改造", "经济发展办公室", "180.00", "改造老旧小区4个,涉及雨污分流、外墙修缮、加装照明和停车位。"),
    ("中心学校食堂提质改造", "中心学校", "65.00", "改造学校食堂后厨,配齐留样、消毒设备,实现明厨亮灶。"),
    ("卫生院康复理疗科建设", "卫生院", "80.00", "新建康复理疗科,配置理疗设备,方便老年人和慢性病患者就近康复。"),
    ("农贸市场升级改造", "综合行政执法队", "150.00", "改造农贸市场顶棚和排水,规范摊位,增设公共厕所。"),
    ("居家养老服务站建设", "社会事务办公室", "45.00", "在5个村建设居家养老服务站,提供助餐、日间照料服务。"),
]
QUOTA = 4

SUPERVISION_PLAN = [
    # (kind, title, subject department, years before this year, month, day)
    (SupervisionActivity.Kind.INSPECTION, "民生实事项目推进情况视察", "农业农村办公室", 0, 6, 18),
    (SupervisionActivity.Kind.RESEARCH, "农村人居环境整治专题调研", "农业农村办公室", 1, 9, 12),
    (SupervisionActivity.Kind.LAW_CHECK, "《中华人民共和国食品安全法》贯彻实施情况执法检查", "综合行政执法队", 1, 11, 6),
    (SupervisionActivity.Kind.INQUIRY, "义务教育阶段学生营养改善计划专题询问", "中心学校", 0, 4, 22),
    (SupervisionActivity.Kind.WORK_REVIEW, "对镇卫生院开展工作评议", "卫生院", 0, 9, 25),
    (SupervisionActivity.Kind.INSPECTION, "防汛备汛工作视察", "平安建设办公室", 0, 12, 10),
]


def _at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _sessions_plan(today: datetime.date):
    """(number, kind, start, days) of the sessions of the past two years: last year one only."""
    last, this = today.year - 1, today.year
    plan = [(7, CongressSession.Kind.EARLY_YEAR, datetime.date(last, 2, 26), 1)]
    plan.append((8, CongressSession.Kind.EARLY_YEAR, datetime.date(this, 2, 12), 2))
    if datetime.date(this, 7, 28) < today:
        plan.append((9, CongressSession.Kind.MID_YEAR, datetime.date(this, 7, 28), 1))
    return plan


@demo_loader
def load(ctx) -> None:
    for slug, township in ctx.townships.items():
        term = Term.objects.filter(township=township, is_current=True).first()
        if term is None:
            continue
        rng = random.Random(f"sessions_app-{slug}")
        actor = User.objects.filter(township=township, role=Role.STAFF).order_by("pk").first()
        roster = list(selectors.term_roster(term))
        made = 0
        for number, kind, start, days in _sessions_plan(ctx.today):
            if CongressSession.objects.filter(term=term, number=number).exists():
                continue
            _make_session(ctx, rng, township, term, roster, actor, number, kind, start, days)
            made += 1
        meetings = _make_presidium_meetings(ctx, rng, township, roster)
        activities = _make_supervision(ctx, rng, township, roster, actor)
        if made or meetings or activities:
            ctx.log.append(
                f"{township.name}人代会:新建会议{made}次、主席团会议{meetings}次、监督活动{activities}项"
                f"(本届代表{len(roster)}名)"
            )


def _make_session(ctx, rng, township, term, roster, actor, number, kind, start, days):
    session = CongressSession.objects.create(
        township=township, term=term, number=number, kind=kind, start_date=start,
        end_date=start + datetime.timedelta(days=days - 1), venue="镇政府四楼大会议室",
        livelihood_quota=QUOTA if number == 8 else 0, status=CongressSession.Status.CLOSED,
        opened_at=_at(start, 9), closed_at=_at(start + datetime.timedelta(days=days - 1), 17),
    )
    year = start.year
    items = [
        (AgendaItem.Kind.GOVERNMENT_REPORT, "听取和审议镇人民政府工作报告", "关于镇人民政府工作报告的决议"),
        (AgendaItem.Kind.PRESIDIUM_REPORT, "听取和审议镇人大主席团工作报告", "关于镇人大主席团工作报告的决议"),
        (AgendaItem.Kind.BUDGET if kind == CongressSession.Kind.EARLY_YEAR else AgendaItem.Kind.FINAL_ACCOUNTS,
         f"审查和批准{year}年财政预算" if kind == CongressSession.Kind.EARLY_YEAR else f"审查和批准{year - 1}年财政决算",
         f"关于{year}年财政预算的决议" if kind == CongressSession.Kind.EARLY_YEAR else f"关于{year - 1}年财政决算的决议"),
        (AgendaItem.Kind.SUGGESTION_REPORT, "听取代表建议办理情况报告", ""),
    ]
    if number == 8:
        items.append((AgendaItem.Kind.LIVELIHOOD_VOTE, f"票决{year}年度民生实事项目", f"关于{year}年度民生实事项目的决议"))
    agenda = []
    for order, (item_kind, title, resolution) in enumerate(items, start=1):
        agenda.append(
            AgendaItem.objects.create(
                session=session, order=order, kind=item_kind, title=title, resolution_title=resolution,
                resolution_text=(
                    f"{township.name}第{term.number}届人民代表大会第{number}次会议审议了{title[5:] if title.startswith('听取和审议') else title},"
                    "决定予以批准。会议号召全镇人民团结一心、真抓实干,为完成全年目标任务而努力奋斗。"
                ) if resolution else "",
                resolution_adopted_on=session.end_date if resolution else None,
                resolution_published=bool(resolution),
            )
        )
    if not roster:
        return session
    # Attendance: about 90 % present, a few on leave, the rest absent. Deputies working away
    # all year (deputies demo) are always among those on leave.
    shuffled = roster[:]
    rng.shuffle(shuffled)
    away = away_deputy_ids(township)
    shuffled.sort(key=lambda d: d.pk not in away)
    leave_n = max(1, len(roster) // 20, len(away))
    absent_n = max(1, len(roster) // 30)
    present = shuffled[leave_n + absent_n:]
    rows = []
    for i, deputy in enumerate(shuffled):
        if i < leave_n:
            rows.append(Attendance(session=session, deputy=deputy, status=Attendance.Status.LEAVE,
                                   leave_reason="外出务工未能返回" if deputy.pk in away else rng.choice(LEAVE_REASONS),
                                   method=Attendance.Method.MANUAL, recorded_by=actor))
        elif i >= leave_n + absent_n:
            rows.append(Attendance(session=session, deputy=deputy, status=Attendance.Status.PRESENT,
                                   method=Attendance.Method.QR, checked_in_at=_at(start, 8, rng.randint(10, 58))))
    Attendance.objects.bulk_create(rows)
    services.attendance_record_duties(actor=actor, session=session)
    total = len(roster)
    # Votes on the resolutions: passed; one motion on this year's first session fails.
    for item in agenda:
        if item.resolution_title:
            _make_vote(rng, session, item, item.resolution_title, present, total,
                       ballot_kind=Vote.BallotKind.OPEN, yes_share=0.93)
    if number == 8:
        _make_vote(rng, session, None, "关于调整镇区临时停车收费标准的决定(草案)", present, total,
                   ballot_kind=Vote.BallotKind.SECRET, yes_share=0.38)
        _make_livelihood(ctx, rng, session, present, total, actor)
    if number == 7:
        _make_vote(rng, session, None, "补选镇人民代表大会主席团成员", present, total,
                   ballot_kind=Vote.BallotKind.SECRET, method=Vote.Method.PAPER, yes_share=0.9)
    return session


def _split(rng, voters: int, yes_share: float) -> tuple[int, int, int]:
    yes = round(voters * yes_share)
    rest = voters - yes
    no = rng.randint(0, rest)
    return yes, no, rest - no


def _make_vote(rng, session, item, title, present, total, *, ballot_kind, yes_share,
               method=Vote.Method.ELECTRONIC, counts=None):
    voters = len(present) - (1 if len(present) > 3 else 0)  # someone always stays silent
    yes, no, abstain = counts or _split(rng, voters, yes_share)
    opened = _at(session.start_date, 10, 30)
    vote = Vote.objects.create(
        session=session, agenda_item=item, title=title, ballot_kind=ballot_kind, method=method,
        status=Vote.Status.CLOSED, roster_size=total, opened_at=opened, closed_at=opened + datetime.timedelta(minutes=10),
        yes_count=yes, no_count=no, abstain_count=abstain, passed=selectors.motion_passes(yes, total),
    )
    if method == Vote.Method.ELECTRONIC:
        choices = [Choice.YES] * yes + [Choice.NO] * no + [Choice.ABSTAIN] * abstain
        voters_list = present[: len(choices)]
        rng.shuffle(choices)
        BallotReceipt.objects.bulk_create(
            [BallotReceipt(vote=vote, deputy=d, choice=c if ballot_kind == Vote.BallotKind.OPEN else "")
             for d, c in zip(voters_list, choices)]
        )
        rng.shuffle(choices)
        Ballot.objects.bulk_create([Ballot(vote=vote, choice=c) for c in choices])
    return vote


def _make_livelihood(ctx, rng, session, present, total, actor):
    township = session.township
    source = None
    try:
        from suggestions.models import Suggestion

        source = Suggestion.objects.filter(township=township, channel="session").order_by("pk").first()
    except ImportError:  # pragma: no cover - the suggestions app is installed
        pass
    yes_shares = [0.92, 0.55, 0.86, 0.74, 0.81, 0.45, 0.74]
    for order, (title, dept_name, budget, description) in enumerate(PROJECT_CANDIDATES, start=1):
        department = Department.objects.filter(township=township, name=dept_name).first()
        if department is None:
            continue
        project = LivelihoodProject.objects.create(
            session=session, title=title, department=department, budget=Decimal(budget),
            description=description, entry_order=order,
            source_note="代表建议" if (order == 7 and source) else "政府提出",
            source_suggestion=source if order == 7 else None,
        )
        voters = len(present) - 1
        yes = round(voters * yes_shares[order - 1])
        if order == 7:  # ties with project 4 on 赞成: the tie rule decides
            counts = (yes, 2, voters - yes - 2)
        elif order == 4:
            counts = (yes, 3, voters - yes - 3)
        else:
            no = rng.randint(0, voters - yes)
            counts = (yes, no, voters - yes - no)
        project.vote = _make_vote(rng, session, None, f"民生实事项目:{title}", present, total,
                                  ballot_kind=Vote.BallotKind.SECRET, yes_share=0, counts=counts)
        project.save(update_fields=["vote"])
    for row in selectors.livelihood_ranking(session):
        row.project.rank, row.project.selected = row.rank, row.selected
        if row.selected:
            row.project.completion = rng.choice(
                [LivelihoodProject.Completion.COMPLETED, LivelihoodProject.Completion.IN_PROGRESS,
                 LivelihoodProject.Completion.IN_PROGRESS, LivelihoodProject.Completion.DELAYED]
            )
            if row.project.completion == LivelihoodProject.Completion.COMPLETED:
                row.project.completed_on = min(ctx.today, session.start_date + datetime.timedelta(days=240))
        row.project.save(update_fields=["rank", "selected", "completion", "completed_on"])
        if row.selected:
            _make_progress(ctx, rng, row.project, present, actor)


def _make_progress(ctx, rng, project, present, actor):
    start = project.session.start_date
    steps = [
        (60, ProjectProgress.Kind.REPORT, 15, "完成项目立项、设计和招投标,施工单位已进场。"),
        (130, ProjectProgress.Kind.INSPECTION, 45, "镇人大代表视察施工现场,听取责任单位汇报,提出加快进度、确保质量的意见。"),
        (200, ProjectProgress.Kind.REPORT, 75, "主体工程基本完成,正在进行附属设施施工。"),
    ]
    if project.completion == LivelihoodProject.Completion.COMPLETED:
        steps.append((240, ProjectProgress.Kind.REPORT, 100, "项目已完工并通过验收,交付使用。"))
    for offset, kind, percent, content in steps:
        day = start + datetime.timedelta(days=offset)
        if day > ctx.today:
            break
        if project.completion == LivelihoodProject.Completion.DELAYED and percent > 45:
            percent, content = 35, "受征地协调影响,工程进度滞后于计划,责任单位已制定赶工方案。"
        progress = ProjectProgress.objects.create(
            project=project, kind=kind, date=day, percent=percent, content=content, created_by=actor
        )
        if kind == ProjectProgress.Kind.INSPECTION and present:
            inspectors = rng.sample(present, min(5, len(present)))
            progress.inspectors.set(inspectors)
            for deputy in inspectors:
                duty_record_from_source(
                    deputy=deputy, source_key=f"livelihood_inspection:{progress.pk}", kind=DutyKind.INSPECTION,
                    date=day, content=f"视察民生实事项目:{project.title}", hours=2, actor=actor,
                )


def _make_presidium_meetings(ctx, rng, township, roster) -> int:
    """One meeting a quarter from the start of last year to the current quarter, except the
    third quarter of last year (to show the flag)."""
    members = [d for d in roster if d.is_presidium_member] or roster[:5]
    made = 0
    last = ctx.today.year - 1
    for year in (last, ctx.today.year):
        for quarter in range(1, 5):
            if year == last and quarter == 3:
                continue
            day = datetime.date(year, 3 * quarter - 1, 10 + quarter)
            if day > ctx.today:
                continue
            if PresidiumMeeting.objects.filter(township=township, date=day).exists():
                continue
            meeting = PresidiumMeeting.objects.create(
                township=township, date=day, place="镇人大办公室",
                agenda=f"一、通报第{quarter}季度人大工作情况;二、研究代表建议督办工作;三、安排下季度代表活动。",
                minutes="会议由镇人大主席主持,主席团成员逐项审议议题并发表意见。",
                decisions="同意下季度组织代表开展集中视察一次;对逾期未办复的建议发督办函。",
            )
            if members:
                meeting.attendees.set(members)
            made += 1
    return made


def _make_supervision(ctx, rng, township, roster, actor) -> int:
    made = 0
    for kind, title, dept_name, years_ago, month, day in SUPERVISION_PLAN:
        planned = datetime.date(ctx.today.year - years_ago, month, day)
        if SupervisionActivity.objects.filter(township=township, title=title).exists():
            continue
        done = planned <= ctx.today
        activity = SupervisionActivity.objects.create(
            township=township, kind=kind, title=title,
            subject_department=Department.objects.filter(township=township, name=dept_name).first(),
            planned_date=planned, held_on=planned if done else None, place=f"{township.name}辖区",
            hours=Decimal("3.0"), plan=f"组织部分镇人大代表开展{title},听取汇报、实地查看、座谈交流。",
            status=SupervisionActivity.Status.DONE if done else SupervisionActivity.Status.PLANNED,
            summary="代表们对工作成效给予肯定,同时指出了存在的问题。" if done else "",
        )
        if kind == SupervisionActivity.Kind.WORK_REVIEW and done:
            voters = max(len(roster) // 2, 20)
            satisfied = round(voters * 0.7)
            basic = round(voters * 0.25)
            activity.satisfied_count, activity.basically_satisfied_count = satisfied, basic
            activity.unsatisfied_count = voters - satisfied - basic
            activity.save(update_fields=["satisfied_count", "basically_satisfied_count", "unsatisfied_count"])
        away = away_deputy_ids(township)
        available = [d for d in roster if d.pk not in away]
        if available:
            activity.participants.set(rng.sample(available, min(len(available), rng.randint(6, 10))))
        if done:
            SupervisionFinding.objects.create(
                activity=activity, department=activity.subject_department,
                content=f"{title}中发现:部分工作台账不完善,群众反映的问题整改不够及时,建议限期整改并报告结果。",
            )
            if actor and roster:
                services.supervision_record_duties(actor=actor, activity=activity)
        made += 1
    return made
