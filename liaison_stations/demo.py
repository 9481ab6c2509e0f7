"""Demo stations, shaped after shared/reference:

* 柳河镇: 7 代表之家, one per deputy group (第一代表小组 … 第七代表小组, matched by index), the
  group's members as the home's deputies and its leader as convener; standard "八有".
* 桃源乡: 一站五点 — one 镇中心联络站 ("九有") and five 联络点 ("六有") with every deputy
  assigned, and about 73 activities in the year.
* Every station: reception days on the 15th and 20th of each month of the current year with a
  two-deputy roster; records (with some visitors' issues) for past days; a work plan; checklists
  with partial evidence, most of it checked.

Idempotent and deterministic: rows are found by their natural key and created only when missing;
the random draws come from this module's own seeded generators and are drawn whether or not a
row is created, so a second run changes nothing. Runs without deputies too (stations only).
"""

import datetime
import random as _random

from django.test.utils import override_settings
from django.utils import timezone
from faker import Faker

from congress.demo import demo_loader
from congress.models import User, Village
from congress.validators import cn_number
from deputies.demo import away_deputy_ids
from deputies.models import Deputy, DeputyGroup, DutyKind

from . import services
from .models import (
    ReceptionDay,
    ReceptionIssue,
    ReceptionRecord,
    ReceptionRule,
    StandardEvidence,
    StandardSet,
    Station,
    StationActivity,
    WorkPlan,
    WorkPlanItem,
)
from .schedule import rule_dates

SEED = 20261123 + 3
TAOYUAN_ACTIVITIES = 73
LIUHE_ACTIVITIES_PER_HOME = 6

ACTIVITY_TEMPLATES = [
    (DutyKind.TRAINING, "代表履职学习培训会", "集中学习代表法和地方组织法,交流履职体会。"),
    (DutyKind.INSPECTION, "视察农村人居环境整治", "实地查看村庄道路、垃圾收运和改厕情况,提出改进意见。"),
    (DutyKind.VOTER_CONTACT, "进村入户走访选民", "走访困难群众和种养大户,听取意见建议并登记。"),
    (DutyKind.GROUP_ACTIVITY, "代表小组集中活动", "围绕乡村振兴开展专题讨论,梳理群众反映的问题。"),
    (DutyKind.LAW_ENFORCEMENT_CHECK, "食品安全法执法检查", "检查农贸市场和学校食堂食品安全管理情况。"),
    (DutyKind.PRACTICAL_DEED, "为民办实事:修缮便民桥", "协调资金和人力修缮村组便民桥,方便群众出行。"),
    (DutyKind.INSPECTION, "调研产业发展项目", "调研茶叶和柑橘产业基地建设进度与带动增收情况。"),
    (DutyKind.PERFORMANCE_REVIEW, "代表向选民述职", "代表向选区选民报告履职情况,接受选民评议。"),
]
ISSUES = [
    ("村组道路年久失修,雨天泥泞,希望硬化。", False, ""),
    ("灌溉水渠堵塞,影响春耕用水。", True, "已联系村委会组织清淤,本周内完成。"),
    ("村里路灯损坏较多,夜间出行不便。", False, ""),
    ("希望增加到镇上的公交班次。", False, ""),
    ("低保申请流程不清楚,希望有人指导。", True, "已当场讲解办理流程和所需材料。"),
    ("河道沿岸垃圾较多,需要定期清理。", False, ""),
    ("学校门口上下学时段交通拥堵,存在安全隐患。", False, ""),
    ("卫生院看病排队时间长,希望增加医生。", False, ""),
    ("邻里宅基地边界纠纷,请求调解。", True, "代表会同村调解委员会当场调解,双方达成一致。"),
    ("自来水水压不足,高处农户用水困难。", False, ""),
]
EVIDENCE_NOTES = {
    "有阵地": "活动室面积约80平方米,桌椅、投影齐全。",
    "有标志": "门口悬挂统一制作的“人大代表之家”标牌。",
    "有制度": "接待选民、学习培训、联系选民等制度已上墙。",
    "有计划": "年度活动计划经代表小组讨论通过。",
    "有召集人": "由代表小组组长担任召集人。",
    "有公示栏": "公示栏公布进站代表照片、联系方式(经本人同意)和接待安排。",
    "有台帐": "接待登记、活动记录、意见建议办理台帐齐全。",
    "有特色": "结合本村茶产业开展“田间议事”。",
}


def _deputies(township):
    return list(
        Deputy.objects.filter(township=township)
        .on_roster()
        .order_by("district__number", "name", "pk")
    )


def _station(township, name, *, deputies=(), **defaults):
    station = Station.objects.filter(township=township, name=name).first()
    if station is None:
        station = Station.objects.create(township=township, name=name, **defaults)
        if deputies:
            station.deputies.set(deputies)
    return station


def _liuhe(ctx, township, fake, rnd, presets):
    spec = ctx.specs["liuhe"]
    villages = {v.name: v for v in Village.objects.filter(township=township)}
    groups = {
        g.name: g
        for g in DeputyGroup.objects.filter(township=township, term__is_current=True)
        .select_related("leader")
        .prefetch_related("members")
    }
    admin = User.objects.filter(username="liuhe_station").first()
    stations = []
    for index in range(1, 8):
        village = villages.get(spec.villages[index - 1])
        group = groups.get(f"第{cn_number(index)}代表小组")
        members = list(group.members.order_by("name", "pk")) if group else []
        convener = (group.leader if group and group.leader_id else None) or (members[0] if members else None)
        officer, phone = fake.name(), fake.phone_number()
        stations.append(_station(
            township,
            f"{village.name if village else f'第{index}'}代表之家",
            deputies=members,
            kind=Station.Kind.HOME,
            village=village,
            address=f"{township.name}{village.name if village else ''}村民委员会二楼",
            convener=convener,
            administrator=admin if index == 1 else None,
            liaison_officer=officer,
            liaison_phone=phone,
            standard_set=presets.get("八有"),
            intro=f"对应{group.name if group else f'第{cn_number(index)}代表小组'},"
            "每月15日、20日为固定接待选民日。",
        ))
    return stations


def _taoyuan(ctx, township, fake, rnd, presets):
    spec = ctx.specs["taoyuan"]
    villages = {v.name: v for v in Village.objects.filter(township=township)}
    deputies = _deputies(township)
    share = [deputies[i::6] for i in range(6)]
    admin = User.objects.filter(username="taoyuan_station").first()
    officer, phone = fake.name(), fake.phone_number()
    center = _station(
        township,
        f"{township.name}人大代表联络站",
        deputies=share[0],
        kind=Station.Kind.CENTER,
        village=villages.get(spec.communities[0]),
        address=f"{township.name}人民政府大院内",
        convener=share[0][0] if share[0] else None,
        administrator=admin,
        liaison_officer=officer,
        liaison_phone=phone,
        standard_set=presets.get("九有"),
        intro="全乡“一站五点”的中心站,统筹五个联络点开展活动。",
    )
    stations = [center]
    for index, name in enumerate(spec.villages[1:6], start=1):
        officer, phone = fake.name(), fake.phone_number()
        stations.append(_station(
            township,
            f"{name}人大代表联络点",
            deputies=share[index],
            kind=Station.Kind.POINT,
            parent=center,
            village=villages.get(name),
            address=f"{name}党群服务中心",
            convener=share[index][0] if share[index] else None,
            liaison_officer=officer,
            liaison_phone=phone,
            standard_set=presets.get("六有"),
        ))
    return stations


def _checklist(station, staff, rnd, today):
    if station.standard_set_id is None:
        return
    items = list(station.standard_set.items.order_by("order"))
    submitted = rnd.randint(max(1, len(items) * 2 // 5), len(items))
    checked = max(0, submitted - rnd.randint(0, 2))
    for position, item in enumerate(items[:submitted]):
        days_ago = rnd.randint(5, 200)
        if StandardEvidence.objects.filter(station=station, item=item).exists():
            continue
        StandardEvidence.objects.create(
            station=station,
            item=item,
            note=EVIDENCE_NOTES.get(item.name, f"{item.name}:已按标准落实,资料见站内台账。"),
            submitted_by=station.administrator or staff,
            submitted_at=datetime.datetime.combine(
                today - datetime.timedelta(days=days_ago + 3), datetime.time(10, 0),
                tzinfo=datetime.UTC,
            ),
            checked_by=staff if position < checked else None,
            checked_on=today - datetime.timedelta(days=days_ago) if position < checked else None,
        )


def _reception_days(station, staff, fake, rnd, today, villages):
    year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    rule = ReceptionRule.objects.filter(station=station, frequency="monthly", month_days="15,20").first()
    if rule is None:
        rule = ReceptionRule.objects.create(
            station=station, frequency="monthly", month_days="15,20", start_date=year_start,
            time_note="上午9:00—12:00",
        )
    # Deputies working away all year (deputies demo) receive no one.
    away = away_deputy_ids(station.township)
    pool = [d for d in station.deputies.order_by("name", "pk") if d.pk not in away]
    records = 0
    for date in rule_dates(rule, year_start, year_end):
        roster = rnd.sample(pool, min(2, len(pool)))
        held = rnd.random() < 0.8
        issue_count = rnd.choice([0, 1, 1, 2])
        issue_picks = [rnd.randrange(len(ISSUES)) for _ in range(issue_count)]
        visitor_picks = [(fake.name(), fake.phone_number(), rnd.choice(villages) if villages else None)
                         for _ in range(issue_count)]
        day = ReceptionDay.objects.filter(station=station, date=date).first()
        if day is None:
            day = ReceptionDay.objects.create(
                station=station, date=date, rule=rule, time_note=rule.time_note
            )
            day.duty_deputies.set(roster)
        if date >= min(today, timezone.localdate()) or not held or staff is None or not roster:
            continue
        if ReceptionRecord.objects.filter(station=station, date=date).exists():
            continue
        record = services.reception_record_save(
            actor=staff, station=station, date=date, deputies=roster,
            summary=f"{'、'.join(d.name for d in roster)}代表接待来访群众{issue_count}人次。",
        )
        records += 1
        for pick, (name, phone, village) in zip(issue_picks, visitor_picks):
            content, on_spot, answer = ISSUES[pick]
            ReceptionIssue.objects.create(
                record=record, visitor_name=name, visitor_phone=phone, village=village,
                content=content, answered_on_spot=on_spot, answer=answer,
            )
    return records


def _work_plan(station, today):
    plan = WorkPlan.objects.filter(station=station, year=today.year).first()
    if plan is None:
        plan = WorkPlan.objects.create(
            station=station, year=today.year, title=f"{station.name}{today.year}年度活动计划",
            content="坚持每月接待选民日制度,按季度开展视察调研和代表小组活动。",
        )
        for month in range(1, 13):
            kind, title, _ = ACTIVITY_TEMPLATES[(month + station.pk) % len(ACTIVITY_TEMPLATES)]
            WorkPlanItem.objects.create(plan=plan, month=month, title=title, kind=kind)
    return {item.month: item for item in plan.items.all()}


def _activities(stations, count, staff, rnd, today):
    if not stations:
        return 0
    start = datetime.date(today.year, 1, 1)
    if (today - start).days < 90:
        start = today - datetime.timedelta(days=365)
    span = (today - start).days
    plans = {s.pk: _work_plan(s, today) for s in stations}
    away = away_deputy_ids(stations[0].township)
    pools = {
        s.pk: [d for d in s.deputies.order_by("name", "pk") if d.pk not in away] for s in stations
    }
    created = 0
    for index in range(count):
        station = stations[index % len(stations)]
        date = start + datetime.timedelta(days=int((index + 0.5) * span / count))
        plan_item = plans[station.pk].get(date.month)
        template = ACTIVITY_TEMPLATES[index % len(ACTIVITY_TEMPLATES)]
        kind, title, content = template
        if plan_item is not None and index % 3 == 0:
            kind, title = plan_item.kind, plan_item.title
        else:
            plan_item = None
        pool = pools[station.pk]
        participants = rnd.sample(pool, min(len(pool), rnd.randint(3, 8)))
        hours = rnd.choice([1.5, 2, 2.5, 3, 4])
        if staff is None or not participants:
            continue
        if StationActivity.objects.filter(station=station, date=date, title=title).exists():
            continue
        services.activity_save(
            actor=staff, station=station, participants=participants, title=title, kind=kind,
            date=date, place=station.address or station.name, hours=hours, content=content,
            plan_item=plan_item,
        )
        created += 1
    return created


@demo_loader
def load(ctx) -> None:
    # Demo rows are not user actions: skip the per-row audit copies, which would make loading
    # the ~1,000 generated duty records several times slower.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        _load(ctx)


def _load(ctx) -> None:
    rnd = _random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    today = ctx.today
    presets = {s.name: s for s in StandardSet.objects.filter(township=None)}
    built = {}
    for slug, builder in (("liuhe", _liuhe), ("taoyuan", _taoyuan)):
        township = ctx.townships.get(slug)
        if township is None:
            continue
        built[slug] = builder(ctx, township, fake, rnd, presets)
    for slug, stations in built.items():
        township = ctx.townships[slug]
        staff = User.objects.filter(username=f"{slug}_staff").first()
        villages = list(Village.objects.filter(township=township).order_by("name"))
        records = 0
        for station in stations:
            _checklist(station, staff, rnd, today)
            records += _reception_days(station, staff, fake, rnd, today, villages)
        if slug == "taoyuan":
            activities = _activities(stations, TAOYUAN_ACTIVITIES, staff, rnd, today)
        else:
            activities = _activities(stations, LIUHE_ACTIVITIES_PER_HOME * len(stations), staff, rnd, today)
        ctx.log.append(
            f"{township.name}:联络站(点){len(stations)}个,新增接待记录{records}条、活动{activities}次"
        )
