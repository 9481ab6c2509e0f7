"""Demo suggestions for both townships.

柳河镇 last year reproduces the real figures of DOMAIN.md §5: 7 session suggestions, all handled;
21 receptions and visits with 12 issues resolved; 4 disputes found and 4 mediated; 3 petitions,
100% closed. This year both townships have suggestions in every state, some overdue and some
near their deadline, so the first reminder sweep has work to do.

Idempotent and deterministic: each row has a fixed tracking code (``D`` + township + number);
an existing code is left untouched. Uses Deputy/Station rows when the deputies and stations
demos made them, and works without them.
"""

import datetime
import random

from django.db.models import Q
from django.utils import timezone
from faker import Faker

from congress.models import Department, User
from congress.roles import Role
from congress.workdays import WorkCalendar, add_months

from .models import (
    Category,
    ChangeRequest,
    Channel,
    DeadlineSettings,
    Kind,
    Rating,
    ReplyDeadline,
    State,
    Suggestion,
    SuggestionEvent,
    SuggestionReply,
)

SEED = 4_2026

TOPICS = [
    ("基础设施", "村道破损严重,雨天积水", "{v}通组公路约800米路面破损,雨天积水严重,群众出行不便,建议尽快硬化修复。"),
    ("基础设施", "路灯损坏,夜间出行不安全", "{v}主干道有5盏路灯损坏多月,夜间出行存在安全隐患,建议维修。"),
    ("民生实事", "饮水水压不足", "{v}地势较高的农户自来水水压不足,夏季经常断水,建议增设加压设施。"),
    ("产业发展", "茶叶销售渠道单一", "{v}茶叶种植面积扩大,但销售渠道单一,建议引进电商平台帮助销售。"),
    ("生态环境", "河道垃圾堆积", "{v}河段垃圾堆积,影响水质和环境,建议定期清理并设置垃圾收集点。"),
    ("教育", "上下学交通安全", "中心学校门口上下学时段车辆拥堵,建议设置减速带和护学岗。"),
    ("医疗", "村卫生室缺少常用药", "{v}卫生室常用慢性病药品经常短缺,建议完善药品配送。"),
    ("社会治理", "邻里宅基地纠纷", "{v}两户村民因宅基地界线发生纠纷,多次协商未果,请求调解。"),
    ("民生实事", "农村客运班次太少", "{v}到镇上的客运班车每天只有两班,建议增加班次。"),
    ("基础设施", "农田灌溉渠道淤塞", "{v}灌溉渠道淤塞,影响春耕用水,建议组织清淤。"),
]


# Who handles each kind of case, as a township would dispatch it (lead department first found).
TOPIC_DEPARTMENTS = {
    "村道破损严重,雨天积水": ["村镇建设办公室", "县交通运输局"],
    "路灯损坏,夜间出行不安全": ["村镇建设办公室"],
    "饮水水压不足": ["水利站", "县水利局"],
    "茶叶销售渠道单一": ["经济发展办公室", "农业农村办公室"],
    "河道垃圾堆积": ["农业农村办公室", "综合行政执法队"],
    "上下学交通安全": ["平安建设办公室", "中心学校"],
    "村卫生室缺少常用药": ["卫生院", "县卫生健康局"],
    "邻里宅基地纠纷": ["司法所", "自然资源所"],
    "农村客运班次太少": ["县交通运输局", "经济发展办公室"],
    "农田灌溉渠道淤塞": ["水利站", "农业农村办公室"],
}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class _Builder:
    def __init__(self, ctx, township, rng: random.Random, fake: Faker):
        self.ctx = ctx
        self.township = township
        self.rng = rng
        self.fake = fake
        self.prefix = "D" + township.slug[:2].upper()
        self.villages = list(township.villages.order_by("pk"))
        self.departments = list(Department.objects.filter(township=township, is_active=True).order_by("pk"))
        self.by_name = {d.name: d for d in Department.objects.filter(
            Q(township=township) | Q(county_id=township.county_id, township__isnull=True), is_active=True)}
        self.social = next((d for d in self.departments if d.name == "社会事务办公室"), self.departments[0] if self.departments else None)
        self.categories = {c.name: c for c in Category.objects.all()}
        self.chair = User.objects.filter(township=township, role=Role.CHAIR).order_by("pk").first()
        self.staff = User.objects.filter(township=township, role=Role.STAFF).order_by("pk").first() or self.chair
        self.handler = User.objects.filter(township=township, role=Role.HANDLER).order_by("pk").first()
        try:
            from deputies.models import Deputy

            self.deputies = list(Deputy.objects.filter(township=township).select_related("user").order_by("pk")[:40])
            demo_deputy = Deputy.objects.filter(user__username=f"{township.slug}_deputy").first()
        except Exception:  # the deputies app may not have made rows
            self.deputies, demo_deputy = [], None
        if demo_deputy and demo_deputy not in self.deputies:
            self.deputies.insert(0, demo_deputy)
        self.demo_deputy = demo_deputy or (self.deputies[0] if self.deputies else None)
        try:
            from liaison_stations.models import Station

            self.stations = list(Station.objects.filter(township=township).order_by("pk"))
        except Exception:
            self.stations = []
        self.settings = DeadlineSettings.for_township(township.pk)
        self.cal = WorkCalendar(range(ctx.today.year - 1, ctx.today.year + 2))
        self.created = 0

    def _workdays_before(self, due: datetime.date, n: int) -> datetime.date:
        """The day whose ``n``-th following working day is ``due`` (or the first after it)."""
        day = due
        while n:
            if self.cal.is_workday(day):
                n -= 1
            day -= datetime.timedelta(days=1)
        return day

    def deputy(self, n):
        if not self.deputies:
            return None
        return self.demo_deputy if n % 3 == 0 else self.deputies[n % len(self.deputies)]

    def department_for(self, title: str, n: int):
        """The department that handles this kind of case (TOPIC_DEPARTMENTS), else any."""
        for name in TOPIC_DEPARTMENTS.get(title, []):
            if name in self.by_name:
                return self.by_name[name]
        return self.social if n % 2 == 0 else self.departments[n % len(self.departments)]

    def make(self, n, *, state, channel, kind=Kind.SUGGESTION, topic=None, start: datetime.date,
             reply_class="A", rating=Rating.SATISFIED, due_offset=None, key=False, public=True,
             direct_answer="", department=None, extension=False):
        code = f"{self.prefix}{n:05d}"
        if Suggestion.objects.filter(code=code).exists():
            return None
        if state in (State.CLAIMED, State.PRESENTED) and self.demo_deputy is None:
            return None
        category_name, title, content = topic or TOPICS[n % len(TOPICS)]
        village = self.villages[n % len(self.villages)] if self.villages else None
        vname = village.name if village else "本村"
        deputy = self.deputy(n)
        department = department or self.department_for(title, n)
        anonymous = n % 7 == 0
        s = Suggestion(
            township=self.township, code=code, channel=channel, kind=kind,
            category=self.categories.get(category_name), village=village, title=title,
            content=content.format(v=vname), is_anonymous=anonymous,
            submitter_name="" if anonymous else self.fake.name(),
            submitter_phone="" if anonymous else self.fake.phone_number(),
            consent_at=_at(start), station=self.stations[n % len(self.stations)] if self.stations and channel == Channel.RECEPTION else None,
            created_by=self.staff, state=state,
        )
        events = [("submit", "", State.SUBMITTED, start, f"通过「{s.get_channel_display()}」提交")]
        day = start
        order = [State.SUBMITTED, State.CLAIMED, State.PRESENTED, State.DISPATCHED, State.IN_PROGRESS,
                 State.REPLIED, State.EVALUATED, State.CLOSED]
        reached = order.index(state) if state in order else None
        session_like = channel in (Channel.SESSION, Channel.SUPERVISION)

        def step(to_state, days):
            nonlocal day
            day = self.cal.add_workdays(day, days)
            return day

        if direct_answer:
            s.lead_deputy = deputy
            s.direct_answer = direct_answer
            s.claimed_at = _at(step(State.CLAIMED, 2))
            s.closed_at = _at(step(State.CLOSED, 3))
            events.append(("answer", State.SUBMITTED, State.CLOSED, day, direct_answer))
            s.is_public = public
        elif state in (State.WITHDRAWN, State.REJECTED):
            if state == State.REJECTED:
                s.rejection_reason = "该事项已进入司法程序,请通过法院诉讼渠道解决。"
            events.append((state, State.SUBMITTED, state, step(state, 2), s.rejection_reason or "反映人撤回"))
        else:
            if reached >= 1 and deputy is not None:
                s.lead_deputy = deputy
                s.claimed_at = _at(step(State.CLAIMED, 0 if session_like else 2))
                events.append(("claim", State.SUBMITTED, State.CLAIMED, day, f"{deputy.name}代表已接单"))
            if reached >= 2:
                s.presented_at = _at(step(State.PRESENTED, 0 if session_like else 3))
                events.append(("present", State.CLAIMED if deputy else State.SUBMITTED, State.PRESENTED, day, "提交主席团"))
            if reached >= 3:
                s.lead_department = department
                s.dispatched_at = _at(step(State.DISPATCHED, 3))
                months = self.settings.reply_months
                s.deadline = self.cal.next_workday_on_or_after(add_months(day, months))
                if key and self.chair:
                    s.is_key, s.supervisor = True, self.chair
                events.append(("dispatch", State.PRESENTED, State.DISPATCHED, day,
                               f"主办:{department.name};答复期限:{s.deadline:%Y年%m月%d日}"))
            if reached >= 4:
                s.signed_at = _at(step(State.IN_PROGRESS, 2))
                events.append(("sign", State.DISPATCHED, State.IN_PROGRESS, day, f"{department.name}已签收"))
            if reached >= 5:
                s.first_replied_at = s.replied_at = _at(step(State.REPLIED, self.rng.randint(15, 45)))
                s.reply_class = reply_class
                events.append(("reply", State.IN_PROGRESS, State.REPLIED, day, f"{reply_class}类答复"))
            if reached >= 6 and rating:
                s.rating = rating
                s.evaluated_at = _at(step(State.EVALUATED, 5))
                events.append(("evaluate", State.REPLIED, State.EVALUATED, day, f"评价:{Rating(rating).label}"))
            if reached >= 7:
                s.closed_at = _at(step(State.CLOSED, 2))
                s.is_public = public
                events.append(("close", State.EVALUATED if rating else State.REPLIED, State.CLOSED, day, "销单"))
        # The current stage's deadline: near, today or overdue as asked.
        if state not in (State.CLOSED, State.WITHDRAWN, State.REJECTED, State.EVALUATED):
            if state == State.IN_PROGRESS and due_offset is None:
                s.due_date = s.deadline
            else:
                s.due_date = self.ctx.today + datetime.timedelta(days=due_offset if due_offset is not None else 3)
            if state == State.REPLIED:
                # The rating window runs from the reply: date the reply so that it ends as asked.
                replied_on = self._workdays_before(s.due_date, self.settings.evaluation_workdays)
                s.first_replied_at = s.replied_at = _at(replied_on)
                s.due_date = self.cal.add_workdays(replied_on, self.settings.evaluation_workdays)
            s.due_version = 1
        s.save()
        Suggestion.objects.filter(pk=s.pk).update(submitted_at=_at(start, 9))
        if s.lead_deputy is None and state == State.SUBMITTED and self.deputies:
            s.routed_deputies.add(*[d for d in {self.demo_deputy, self.deputies[n % len(self.deputies)]} if d])
        if s.dispatched_at and n % 4 == 0:
            co = [self.by_name[name] for name in TOPIC_DEPARTMENTS.get(title, [])[1:] if name in self.by_name]
            if co and co[0] != department:
                s.co_departments.add(co[0])
        for action, frm, to, when, note in events:
            actor = {"submit": self.staff, "claim": s.lead_deputy.user if s.lead_deputy else None,
                     "present": s.lead_deputy.user if s.lead_deputy else None, "answer": s.lead_deputy.user if s.lead_deputy else None,
                     "sign": self.handler, "reply": self.handler}.get(action) or self.staff
            event = SuggestionEvent.objects.create(suggestion=s, action=action, actor=actor,
                                                   actor_label=str(actor) if actor else "群众", from_state=frm,
                                                   to_state=to, note=note)
            SuggestionEvent.objects.filter(pk=event.pk).update(created_at=_at(when, 11))
        if s.replied_at:
            texts = {"A": "经研究已落实解决,感谢代表的关心和支持。", "B": "已列入明年工作计划,将逐步解决。",
                     "C": "受资金和规划条件限制暂不能解决,我们已向上级部门反映,条件具备时优先安排。"}
            reply = SuggestionReply.objects.create(suggestion=s, cycle=0, department=department,
                                                   reply_class=reply_class, text=texts[reply_class], author=self.handler)
            SuggestionReply.objects.filter(pk=reply.pk).update(created_at=s.replied_at)
        if s.dispatched_at:
            ReplyDeadline.objects.create(suggestion=s, cycle=0, kind=ReplyDeadline.Kind.FIRST, due_date=s.deadline,
                                         set_by=self.staff, set_at=s.dispatched_at, reason="交办")
        if extension and self.handler:
            ChangeRequest.objects.create(suggestion=s, kind=ChangeRequest.Kind.EXTEND, department=department,
                                         requested_by=self.handler, reason="涉及县级资金审批,需延期办理。", months=2)
        self.created += 1
        return s


def _real_year(b: _Builder, year: int) -> None:
    """柳河镇's real figures for one year (DOMAIN.md §5)."""
    start = datetime.date(year, 1, 10)
    n = 1
    # 7 session suggestions (大会期间代表建议), all handled and closed.
    for i in range(7):
        b.make(n, state=State.CLOSED, channel=Channel.SESSION, start=start + datetime.timedelta(days=i * 3),
               reply_class="A" if i < 5 else "B", rating=Rating.SATISFIED if i < 6 else Rating.BASIC)
        n += 1
    # 21 receptions and visits, 12 resolved (class A); the other 9 answered B/C and closed.
    for i in range(21):
        b.make(n, state=State.CLOSED, channel=Channel.RECEPTION if i % 3 else Channel.VISIT,
               start=datetime.date(year, 2 + i % 9, 15), reply_class="A" if i < 12 else ("B" if i < 18 else "C"),
               rating=Rating.SATISFIED if i < 12 else Rating.BASIC)
        n += 1
    # 4 disputes found and 4 mediated on the spot by deputies.
    for i in range(4):
        b.make(n, state=State.CLOSED, channel=Channel.VISIT, kind=Kind.DISPUTE, topic=TOPICS[7],
               start=datetime.date(year, 3 + i * 2, 8), direct_answer="代表会同村调委会现场调解,双方达成协议并签字。")
        n += 1
    # 3 petitions, 100% closed.
    for i in range(3):
        b.make(n, state=State.CLOSED, channel=Channel.LETTER, kind=Kind.PETITION, start=datetime.date(year, 4 + i * 3, 20),
               reply_class="A", rating=Rating.SATISFIED, public=False)
        n += 1


def _this_year(b: _Builder, first: int) -> None:
    """Every state, some overdue (negative offset) and some near their deadline."""
    today = b.ctx.today
    recent = today - datetime.timedelta(days=40)
    older = today - datetime.timedelta(days=120)
    plan = [
        dict(state=State.SUBMITTED, channel=Channel.WEB, start=today - datetime.timedelta(days=2), due_offset=2),
        dict(state=State.SUBMITTED, channel=Channel.WEB, start=today - datetime.timedelta(days=12), due_offset=-3),
        dict(state=State.SUBMITTED, channel=Channel.WECHAT, start=today - datetime.timedelta(days=1), due_offset=5),
        dict(state=State.CLAIMED, channel=Channel.RECEPTION, start=today - datetime.timedelta(days=6), due_offset=1),
        dict(state=State.PRESENTED, channel=Channel.SESSION, start=today - datetime.timedelta(days=8), due_offset=0),
        dict(state=State.PRESENTED, channel=Channel.PHONE, start=today - datetime.timedelta(days=15), due_offset=-4),
        dict(state=State.DISPATCHED, channel=Channel.WEB, start=recent, due_offset=-2),
        dict(state=State.DISPATCHED, channel=Channel.SUPERVISION, start=recent, due_offset=2),
        dict(state=State.IN_PROGRESS, channel=Channel.SESSION, start=older, due_offset=-5, key=True),
        dict(state=State.IN_PROGRESS, channel=Channel.RECEPTION, start=recent, due_offset=3),
        dict(state=State.IN_PROGRESS, channel=Channel.LETTER, start=recent, extension=True),
        dict(state=State.REPLIED, channel=Channel.WEB, start=older, due_offset=4, reply_class="B"),
        dict(state=State.REPLIED, channel=Channel.WEB, start=older, due_offset=-1, reply_class="A"),
        dict(state=State.EVALUATED, channel=Channel.RECEPTION, start=older, rating=Rating.BASIC),
        dict(state=State.CLOSED, channel=Channel.WEB, start=older, reply_class="A"),
        dict(state=State.CLOSED, channel=Channel.VISIT, start=older, reply_class="C", rating=Rating.UNSATISFIED),
        dict(state=State.WITHDRAWN, channel=Channel.WEB, start=recent),
        dict(state=State.REJECTED, channel=Channel.LETTER, kind=Kind.PETITION, start=recent),
    ]
    for offset, spec in enumerate(plan):
        b.make(first + offset, **spec)


def load(ctx) -> None:
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    for slug, township in sorted(ctx.townships.items()):
        DeadlineSettings.objects.get_or_create(township=township)
        b = _Builder(ctx, township, rng, fake)
        if not b.departments:
            continue
        if slug == "liuhe":
            _real_year(b, ctx.today.year - 1)
        _this_year(b, 100)
        if b.created:
            ctx.log.append(f"{township.name}:新建演示建议 {b.created} 件")
