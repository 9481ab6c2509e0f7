"""Demo suggestions for both townships.

柳河镇 last year reproduces the real figures of DOMAIN.md §5: 7 session suggestions, all handled;
21 receptions and visits with 12 issues resolved; 4 disputes found and 4 mediated; 3 petitions,
100% closed. This year both townships have suggestions in every state, some overdue and some
near their deadline, so the first reminder sweep has work to do.

Built through the services, as staff, deputies and handlers would (``services.backdated`` sets
the story's clock; no notices are sent for the past), so the history is what the workflow
writes. Idempotent and deterministic: each row has a fixed tracking code (``D`` + township +
number); an existing code is left untouched. Uses Deputy/Station rows when the deputies and
stations demos made them, and works without them.
"""

import datetime
import random

from django.db.models import Q
from django.utils import timezone
from faker import Faker

from congress.demo import demo_loader
from congress.models import Department, User
from congress.roles import Role
from congress.workdays import WorkCalendar
from deputies.models import Deputy
from liaison_stations.models import Station

from . import services
from .models import (
    Category,
    ChangeRequest,
    Channel,
    DeadlineSettings,
    Kind,
    ProgressNote,
    Rating,
    State,
    Suggestion,
    SuggestionEvent,
    SuggestionReply,
    SuggestionRevision,
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
        self.deputies = list(Deputy.objects.filter(township=township).select_related("user").order_by("pk")[:40])
        demo_deputy = Deputy.objects.filter(user__username=f"{township.slug}_deputy").select_related("user").first()
        if demo_deputy and demo_deputy not in self.deputies:
            self.deputies.insert(0, demo_deputy)
        self.demo_deputy = demo_deputy or (self.deputies[0] if self.deputies else None)
        self.stations = list(Station.objects.filter(township=township).order_by("pk"))
        self.cal = WorkCalendar(range(ctx.today.year - 1, ctx.today.year + 2))
        self.created = 0

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

    def handler_for(self, department) -> User:
        """A handler of ``department`` (the demo makes one for a department that has none)."""
        handler = User.objects.filter(department=department, role=Role.HANDLER, is_active=True).order_by("pk").first()
        if handler is None:
            handler, _ = User.objects.get_or_create(
                username=f"{self.township.slug}_handler_d{department.pk}",
                defaults=dict(password=self.ctx.password_hash, name=self.fake.name(), role=Role.HANDLER,
                              county=self.township.county, township=self.township, department=department,
                              title="经办人"),
            )
        return handler

    # The story's clock: each step happens some working days after the previous one (never
    # after today), through the services, with the rows they write dated accordingly.

    def _step(self, days: int, action):
        self.day = min(self.cal.add_workdays(self.day, days), self.ctx.today)
        self.minute += 7
        moment = _at(self.day) + datetime.timedelta(minutes=self.minute)
        written_after = timezone.now()
        with services.backdated(moment):
            result = action()
        for model in (SuggestionEvent, SuggestionReply, SuggestionRevision, ProgressNote, ChangeRequest):
            model.objects.filter(created_at__gte=written_after).update(created_at=moment)
        return result

    def make(self, n, *, state, channel, kind=Kind.SUGGESTION, topic=None, start: datetime.date,
             reply_class="A", rating=Rating.SATISFIED, key=False, public=True, direct_answer="",
             department=None, extension=False):
        code = f"{self.prefix}{n:05d}"
        if Suggestion.objects.filter(code=code).exists():
            return None
        speaking = self.demo_deputy if self.demo_deputy and self.demo_deputy.user_id else None
        if state in (State.CLAIMED, State.PRESENTED) and speaking is None:
            return None
        category_name, title, content = topic or TOPICS[n % len(TOPICS)]
        village = self.villages[n % len(self.villages)] if self.villages else None
        content = content.format(v=village.name if village else "本村")
        department = department or self.department_for(title, n)
        handler = self.handler_for(department)
        anonymous = n % 7 == 0
        order = [State.SUBMITTED, State.CLAIMED, State.PRESENTED, State.DISPATCHED, State.IN_PROGRESS,
                 State.REPLIED, State.EVALUATED, State.CLOSED]
        reached = order.index(state) if state in order else 0
        by_deputies = channel in (Channel.SESSION, Channel.SUPERVISION) and state not in (State.WITHDRAWN, State.REJECTED)
        lead = self.deputy(n) if by_deputies else speaking
        self.day, self.minute = start, 0
        category = self.categories.get(category_name)

        def create():
            if by_deputies:
                return services.suggestion_create_for_deputies(
                    actor=self.staff, deputies=[lead] if lead else [], channel=channel, kind=kind,
                    category=category, title=title, content=content, village=village, department=department)
            if channel == Channel.WEB:
                return services.suggestion_submit_public(
                    township=self.township, kind=kind, title=title, content=content, category=category,
                    village=village, is_anonymous=anonymous, consent=True,
                    submitter_name="" if anonymous else self.fake.name(),
                    submitter_phone="" if anonymous else self.fake.phone_number())
            return services.suggestion_create_by_staff(
                actor=self.staff, channel=channel, kind=kind, title=title, content=content, category=category,
                village=village, station=self.stations[n % len(self.stations)] if self.stations and channel == Channel.RECEPTION else None,
                submitter_name="" if anonymous else self.fake.name(),
                submitter_phone="" if anonymous else self.fake.phone_number())

        if by_deputies and lead is None:
            return None
        s = self._step(0, create)
        Suggestion.objects.filter(pk=s.pk).update(code=code, submitted_at=_at(start, 9))
        deputy_user = speaking.user if speaking else None

        def act(days, service, actor, **kwargs):
            return self._step(days, lambda: service(actor=actor, suggestion=s, **kwargs))

        if direct_answer:
            if deputy_user:
                act(2, services.suggestion_claim, deputy_user)
            act(3, services.suggestion_answer_directly, deputy_user or self.staff, answer=direct_answer)
            Suggestion.objects.filter(pk=s.pk).update(is_public=public)
        elif state == State.WITHDRAWN:
            act(2, services.suggestion_withdraw, self.staff, reason="反映人撤回")
        elif state == State.REJECTED:
            act(2, services.suggestion_reject, self.staff, reason="该事项已进入司法程序,请通过法院诉讼渠道解决。")
        else:
            if not by_deputies and reached >= 1 and deputy_user:
                act(2, services.suggestion_claim, deputy_user)
                if reached >= 2:
                    refined = f"{content}建议有关部门尽快研究解决。" if n % 2 == 0 else content
                    act(3, services.suggestion_present, deputy_user, title=title, content=refined)
            if reached >= 3:
                co = [self.by_name[name] for name in TOPIC_DEPARTMENTS.get(title, [])[1:] if name in self.by_name]
                co = co[:1] if n % 4 == 0 and co and co[0] != department else []
                act(3, services.suggestion_dispatch, self.staff, lead_department=department, co_departments=co,
                    is_key=bool(key and self.chair), supervisor=self.chair if key else None)
            if reached >= 4:
                act(2, services.suggestion_sign, handler)
                if extension:
                    act(5, services.suggestion_request_change, handler, kind=ChangeRequest.Kind.EXTEND,
                        reason="涉及县级资金审批,需延期办理。", months=2)
            if reached >= 5:
                act(self.rng.randint(15, 45), services.suggestion_reply, handler, reply_class=reply_class,
                    text=REPLY_TEXTS[reply_class])
            evaluator = self.staff if by_deputies or deputy_user is None else deputy_user
            if reached >= 6 and rating:
                if rating == Rating.UNSATISFIED:
                    act(5, services.suggestion_evaluate, evaluator, rating=rating, comment="问题没有解决")
                    act(20, services.suggestion_reply, handler, reply_class=reply_class, text=REPLY_TEXTS[reply_class])
                act(5, services.suggestion_evaluate, evaluator, rating=rating,
                    comment="问题仍未解决" if rating == Rating.UNSATISFIED else "")
            if reached >= 7:
                act(2 if rating else 25, services.suggestion_close, self.staff, is_public=public)
        self.created += 1
        return s


REPLY_TEXTS = {"A": "经研究已落实解决,感谢代表的关心和支持。", "B": "已列入明年工作计划,将逐步解决。",
               "C": "受资金和规划条件限制暂不能解决,我们已向上级部门反映,条件具备时优先安排。"}


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
        dict(state=State.SUBMITTED, channel=Channel.WEB, start=today - datetime.timedelta(days=2)),
        dict(state=State.SUBMITTED, channel=Channel.WEB, start=today - datetime.timedelta(days=12)),
        dict(state=State.SUBMITTED, channel=Channel.WECHAT, start=today - datetime.timedelta(days=1)),
        dict(state=State.CLAIMED, channel=Channel.RECEPTION, start=today - datetime.timedelta(days=6)),
        dict(state=State.PRESENTED, channel=Channel.SESSION, start=today - datetime.timedelta(days=8)),
        dict(state=State.PRESENTED, channel=Channel.PHONE, start=today - datetime.timedelta(days=15)),
        dict(state=State.DISPATCHED, channel=Channel.WEB, start=recent),
        dict(state=State.DISPATCHED, channel=Channel.SUPERVISION, start=recent),
        dict(state=State.IN_PROGRESS, channel=Channel.SESSION, start=older, key=True),
        dict(state=State.IN_PROGRESS, channel=Channel.RECEPTION, start=recent),
        dict(state=State.IN_PROGRESS, channel=Channel.LETTER, start=recent, extension=True),
        dict(state=State.REPLIED, channel=Channel.WEB, start=older, reply_class="B"),
        dict(state=State.REPLIED, channel=Channel.WEB, start=older, reply_class="A"),
        dict(state=State.EVALUATED, channel=Channel.RECEPTION, start=older, rating=Rating.BASIC),
        dict(state=State.CLOSED, channel=Channel.WEB, start=older, reply_class="A"),
        dict(state=State.CLOSED, channel=Channel.VISIT, start=older, reply_class="C", rating=Rating.UNSATISFIED),
        dict(state=State.WITHDRAWN, channel=Channel.WEB, start=recent),
        dict(state=State.REJECTED, channel=Channel.LETTER, kind=Kind.PETITION, start=recent),
    ]
    for offset, spec in enumerate(plan):
        b.make(first + offset, **spec)


@demo_loader
def load(ctx) -> None:
    # The stories below backdate submissions with a plain update (past the services): the
    # figure counters are not moved per action but recounted from the rows once, at the end.
    with services.figure_counters_deferred():
        _load(ctx)


def _load(ctx) -> None:
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
