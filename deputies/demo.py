"""Demo deputies for the demo county (called by :func:`congress.demo.load_demo`).

柳河镇: 63 deputies of city, county and town level (some hold two levels) in 7 groups across
its 22 districts; 桃源乡: 115 deputies in 6 groups (一站五点). Each township's ``_deputy`` account
is linked to one deputy. Two years of duty records, spread so that this year's ranking has
scores and a few deputies have no record this year; some 述职评议 with voters' verdicts;
presidium members linked to deputies, and voter-contact registers (双联系).

A township that already has deputies is left as it is, so a second run changes nothing.

Every eleventh deputy works away from home all year (occupation ``AWAY_OCCUPATION``, 外出务工),
as some deputies of real townships do: they have no duty record this year. The stations and
sessions demos leave them out of receptions, activities and supervision and record them on leave
at sessions (:func:`away_deputy_ids`), so "no record this year" lists have names in the full demo.
"""

import datetime
from decimal import Decimal

from congress.demo import demo_loader
from congress.models import ElectoralDistrict, Term, User
from congress.validators import MOBILE_RE, cn_number

from .models import (
    Deputy,
    DeputyCategory,
    DeputyGroup,
    DutyKind,
    DutyRecord,
    DutyScoreWeight,
    Education,
    Gender,
    Level,
    Mandate,
    MandateStatus,
    PoliticalStatus,
    PresidiumLink,
    VoterContact,
)

# (levels held, how many deputies) per township; the rest hold a town mandate only.
LEVEL_MIX = {
    "liuhe": {
        "groups": 7,
        "presidium": 5,
        "mix": [
            ((Level.CITY, Level.TOWN), 1),
            ((Level.CITY,), 1),
            ((Level.COUNTY, Level.TOWN), 6),
            ((Level.COUNTY,), 3),
        ],
    },
    "taoyuan": {
        "groups": 6,
        "presidium": 7,
        "mix": [
            ((Level.CITY, Level.TOWN), 1),
            ((Level.COUNTY, Level.TOWN), 4),
            ((Level.COUNTY,), 3),
        ],
    },
}
TERM_OF_LEVEL = {Level.TOWN: 6, Level.COUNTY: 18, Level.CITY: 6}
ELECTED_ON = {
    Level.TOWN: datetime.date(2021, 12, 28),
    Level.COUNTY: datetime.date(2021, 12, 20),
    Level.CITY: datetime.date(2022, 1, 10),
}
# Kinds a deputy records during the year, with how often each comes up. 出席人代会 entries are
# written by the sessions module from attendance, so none are invented here.
KIND_WEIGHTS = [
    (DutyKind.VOTER_CONTACT, 25),
    (DutyKind.RECEPTION, 15),
    (DutyKind.GROUP_ACTIVITY, 15),
    (DutyKind.TRAINING, 12),
    (DutyKind.INSPECTION, 8),
    (DutyKind.LAW_ENFORCEMENT_CHECK, 4),
    (DutyKind.SUGGESTION, 8),
    (DutyKind.PRACTICAL_DEED, 8),
    (DutyKind.ATTEND_MEETING, 5),
]
TOPICS = [
    "道路硬化",
    "灌溉水渠维修",
    "路灯安装",
    "低保评定",
    "垃圾清运",
    "饮水管网",
    "河道整治",
    "学校周边交通",
]
TRAININGS = ["《宪法》", "《代表法》", "《监督法》", "《选举法》", "代表履职能力", "乡村振兴政策"]
INSPECTIONS = [
    "农村人居环境整治",
    "高标准农田建设",
    "乡村道路建设",
    "农村饮水安全",
    "义务教育学校建设",
]
LAWS = ["食品安全法", "道路交通安全法", "环境保护法", "安全生产法"]
DEEDS = [
    "协调修复灌溉水渠200米",
    "争取资金安装路灯12盏",
    "帮助销售滞销农产品3000斤",
    "协调解决饮水管网破损问题",
    "组织志愿者清理河道垃圾",
    "为困难群众代办医保报销",
]
AWAY_OCCUPATION = "外出务工"
EMPLOYERS = [
    "{v}党支部书记",
    "{v}村委会主任",
    "{v}种植专业合作社负责人",
    "{v}村医",
    "{v}小学教师",
    "个体工商户",
    "镇卫生院医生",
]


def away_deputy_ids(township) -> set[int]:
    """Demo deputies working away from home all year, whom the other demos leave idle."""
    return set(
        Deputy.objects.filter(township=township, occupation=AWAY_OCCUPATION).values_list(
            "pk", flat=True
        )
    )


def _is_away(index: int) -> bool:
    return index % 11 == 5  # never the demo account's deputy (index 0)


def _pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.uniform(0, total)
    for value, w in weighted:
        r -= w
        if r <= 0:
            return value
    return weighted[-1][0]


def _phone(fake) -> str:
    while True:
        number = fake.phone_number()
        if MOBILE_RE.match(number):
            return number


@demo_loader
def load(ctx) -> None:
    staff = {u.township_id: u for u in User.objects.filter(username__endswith="_staff")}
    for slug, township in ctx.townships.items():
        if slug not in LEVEL_MIX or Deputy.objects.filter(township=township).exists():
            continue
        _load_township(ctx, township, ctx.specs[slug], LEVEL_MIX[slug], staff.get(township.pk))


def _load_township(ctx, township, spec, plan, staff_user) -> None:
    fake, rng, today = ctx.faker, ctx.random, ctx.today
    term = Term.objects.get(township=township, is_current=True)
    districts = list(
        ElectoralDistrict.objects.filter(township=township)
        .prefetch_related("villages")
        .order_by("number")
    )
    n_groups = plan["groups"]
    groups = [
        DeputyGroup.objects.create(
            township=township, term=term, name=f"第{cn_number(i + 1)}代表小组"
        )
        for i in range(n_groups)
    ]

    level_sets = []
    for levels, count in plan["mix"]:
        level_sets += [levels] * count
    level_sets += [(Level.TOWN,)] * (spec.deputy_count - len(level_sets))
    # The demo account's deputy holds two levels, so the portal shows both.
    level_sets.remove((Level.COUNTY, Level.TOWN))
    rng.shuffle(level_sets)
    level_sets.insert(0, (Level.COUNTY, Level.TOWN))

    account = User.objects.filter(username=f"{spec.slug}_deputy").first()
    names = set()
    deputies = []
    for i in range(len(level_sets)):
        district = districts[i % len(districts)]
        village = district.villages.all()[0]
        if i == 0 and account is not None:
            name, phone = (
                account.name,
                account.phone if MOBILE_RE.match(account.phone or "") else _phone(fake),
            )
        else:
            name = fake.name()
            while name in names:
                name = fake.name()
            phone = _phone(fake)
        names.add(name)
        occupation = rng.choice(["农民", "村干部", "教师", "医生", "个体经营", "企业管理"])
        employer = rng.choice(EMPLOYERS).format(v=village.name)
        deputies.append(
            Deputy(
                township=township,
                user=account if i == 0 else None,
                name=name,
                gender=Gender.FEMALE if rng.random() < 0.3 else Gender.MALE,
                ethnicity="汉族" if rng.random() < 0.92 else rng.choice(["回族", "土家族", "苗族"]),
                birth_date=datetime.date(rng.randint(1962, 1995), rng.randint(1, 12), 1),
                political_status=_pick(
                    rng,
                    [
                        (PoliticalStatus.CPC, 70),
                        (PoliticalStatus.NONE, 22),
                        (PoliticalStatus.DEMOCRATIC_PARTY, 4),
                        (PoliticalStatus.CYL, 4),
                    ],
                ),
                education=_pick(
                    rng,
                    [
                        (Education.JUNIOR, 15),
                        (Education.SENIOR, 30),
                        (Education.COLLEGE, 30),
                        (Education.BACHELOR, 22),
                        (Education.POSTGRADUATE, 3),
                    ],
                ),
                occupation=AWAY_OCCUPATION if _is_away(i) else occupation,
                employer="常年在外地务工" if _is_away(i) else employer,
                category=_pick(
                    rng,
                    [
                        (DeputyCategory.VILLAGE_CADRE, 35),
                        (DeputyCategory.FARMER, 25),
                        (DeputyCategory.OFFICIAL, 12),
                        (DeputyCategory.ENTERPRISE, 10),
                        (DeputyCategory.PROFESSIONAL, 13),
                        (DeputyCategory.WORKER, 5),
                    ],
                ),
                district=district,
                group=groups[(district.number - 1) * n_groups // len(districts)],
                phone=phone,
            )
        )
    # bulk_create skips the audit rows; the demo is not anyone's change.
    deputies = Deputy.objects.bulk_create(deputies)

    mandates = []
    for deputy, levels in zip(deputies, level_sets, strict=True):
        for level in levels:
            mandates.append(
                Mandate(
                    deputy=deputy,
                    level=level,
                    term_number=TERM_OF_LEVEL[level],
                    elected_on=ELECTED_ON[level],
                )
            )
        if Level.TOWN in levels and rng.random() < 0.4:
            mandates.append(
                Mandate(
                    deputy=deputy,
                    level=Level.TOWN,
                    term_number=5,
                    elected_on=datetime.date(2016, 12, 28),
                    status=MandateStatus.TERMINATED,
                    status_date=datetime.date(2021, 12, 27),
                    status_reason="任期届满",
                )
            )
    # One county deputy moved away: the county mandate ended, the town mandate goes on.
    mover = next(
        d
        for d, levels in zip(deputies[1:], level_sets[1:], strict=True)
        if levels == (Level.COUNTY, Level.TOWN)
    )
    for m in mandates:
        if m.deputy is mover and m.level == Level.COUNTY:
            m.status, m.status_date, m.status_reason = (
                MandateStatus.TRANSFERRED,
                datetime.date(today.year, 1, 1) - datetime.timedelta(days=40),
                "工作调动至外县",
            )
    Mandate.objects.bulk_create(mandates)

    for group in groups:
        group.leader = next(
            d for d in deputies if d.group_id == group.pk and d.occupation != AWAY_OCCUPATION
        )
        group.save(update_fields=["leader"])

    # 双联系 (1): presidium members, each keeping in touch with a share of the other deputies.
    town_deputies = [
        d for d, levels in zip(deputies, level_sets, strict=True) if Level.TOWN in levels
    ]
    members = [d for d in town_deputies[1:] if d.occupation != AWAY_OCCUPATION][: plan["presidium"]]
    Deputy.objects.filter(pk__in=[m.pk for m in members]).update(is_presidium_member=True)
    others = [d for d in deputies if d not in members]
    PresidiumLink.objects.bulk_create(
        PresidiumLink(member=members[i % len(members)], deputy=d, since=term.start_date)
        for i, d in enumerate(others)
    )

    # 双联系 (2): voter-contact registers.
    contacts = []
    for i, deputy in enumerate(deputies):
        villages = list(deputy.district.villages.all())
        for _ in range(8 if i == 0 else rng.randint(0, 3)):
            contacts.append(
                VoterContact(
                    deputy=deputy,
                    name=fake.name(),
                    village=rng.choice(villages),
                    address=f"{rng.choice(villages).name}{rng.randint(1, 12)}组",
                    phone=_phone(fake),
                    since=term.start_date + datetime.timedelta(days=rng.randint(0, 400)),
                )
            )
    VoterContact.objects.bulk_create(contacts)

    if township.slug == "liuhe":
        # A township's own score weights (the others use the defaults).
        for kind, weight in (
            (DutyKind.SUGGESTION, 4),
            (DutyKind.PRACTICAL_DEED, 4),
            (DutyKind.RECEPTION, 3),
        ):
            DutyScoreWeight.objects.create(township=township, kind=kind, weight=Decimal(weight))

    n_records = _duty_records(ctx, township, deputies, staff_user)
    ctx.log.append(
        f"{township.name}:人大代表 {len(deputies)} 名({n_groups} 个代表小组,{len(districts)} 个选区),"
        f"履职记录 {n_records} 条;{spec.slug}_deputy 已关联代表 {deputies[0].name}"
    )


def _record(rng, fake, deputy, kind, date, staff_user) -> DutyRecord:
    village = deputy.district.villages.all()[0].name
    topic = rng.choice(TOPICS)
    fields = {"place": f"{village}", "contact_persons": "", "outcome": ""}
    if kind == DutyKind.TRAINING:
        fields.update(
            content=f"参加镇人大主席团组织的{rng.choice(TRAININGS)}学习培训", place="镇政府会议室"
        )
    elif kind == DutyKind.INSPECTION:
        fields.update(content=f"参加{rng.choice(INSPECTIONS)}视察调研,实地查看并提出意见")
    elif kind == DutyKind.LAW_ENFORCEMENT_CHECK:
        fields.update(content=f"参加《{rng.choice(LAWS)}》贯彻实施情况执法检查")
    elif kind == DutyKind.RECEPTION:
        fields.update(
            content=f"在代表之家接待选民,听取{topic}方面的意见",
            place=f"{village}代表联络点",
            contact_persons=f"{village}村民{fake.last_name()}某等{rng.randint(1, 6)}人",
            outcome=rng.choice(
                [
                    "当场解释答复",
                    "已转镇社会事务办公室办理",
                    "已转镇农业农村办公室办理",
                    "已形成代表建议提交主席团",
                ]
            ),
        )
    elif kind == DutyKind.VOTER_CONTACT:
        fields.update(
            content=f"走访{village}{rng.randint(3, 12)}户群众,了解{topic}情况",
            contact_persons=f"{village}群众{rng.randint(3, 12)}户",
            outcome=rng.choice(["已向主席团反映", "已协调村委会解决", "做好解释工作"]),
        )
    elif kind == DutyKind.GROUP_ACTIVITY:
        fields.update(content=f"参加{deputy.group.name}集中活动,讨论{topic}问题", place="代表之家")
    elif kind == DutyKind.SUGGESTION:
        fields.update(content=f"提出关于解决{village}{topic}问题的建议")
    elif kind == DutyKind.PRACTICAL_DEED:
        fields.update(
            content=f"为{village}{rng.choice(DEEDS)}",
            contact_persons=f"{village}群众",
            outcome="群众满意,已办结",
        )
    elif kind == DutyKind.ATTEND_MEETING:
        fields.update(
            content=rng.choice(["列席镇人大主席团会议", "列席镇政府常务会议"]), place="镇政府会议室"
        )
    return DutyRecord(
        deputy=deputy,
        kind=kind,
        date=date,
        hours=Decimal(rng.choice([1, 1.5, 2, 2.5, 3, 4])),
        created_by=staff_user,
        **fields,
    )


def _duty_records(ctx, township, deputies, staff_user) -> int:
    fake, rng, today = ctx.faker, ctx.random, ctx.today
    year_start = datetime.date(today.year, 1, 1)
    elapsed = (today - year_start).days
    last_year = (datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    records, reviews = [], []
    for i, deputy in enumerate(deputies):
        idle = deputy.occupation == AWAY_OCCUPATION  # nothing this year
        n_now = 0 if idle else max(1, round(rng.randint(3, 14) * max(elapsed, 36) / 365))
        if i == 0:
            n_now = max(n_now, 8)
        for _ in range(n_now):
            date = year_start + datetime.timedelta(days=rng.randint(0, elapsed))
            records.append(_record(rng, fake, deputy, _pick(rng, KIND_WEIGHTS), date, staff_user))
        for _ in range(rng.randint(4, 14)):
            date = last_year[0] + datetime.timedelta(days=rng.randint(0, 364))
            records.append(_record(rng, fake, deputy, _pick(rng, KIND_WEIGHTS), date, staff_user))
        if i == 0:
            # The demo account's ledgers have a line in each table.
            for kind in (DutyKind.RECEPTION, DutyKind.VOTER_CONTACT, DutyKind.PRACTICAL_DEED):
                records.append(_record(rng, fake, deputy, kind, today, staff_user))
        if i % 9 == 2 and not idle:
            reviews.append((deputy, year_start + datetime.timedelta(days=rng.randint(0, elapsed))))
        if i % 7 == 3:
            reviews.append((deputy, last_year[0] + datetime.timedelta(days=rng.randint(280, 360))))
    for deputy, date in reviews:
        voters = rng.randint(25, 60)
        unsatisfied = rng.randint(0, 3)
        basic = rng.randint(2, 10)
        records.append(
            DutyRecord(
                deputy=deputy,
                kind=DutyKind.PERFORMANCE_REVIEW,
                date=date,
                hours=Decimal(2),
                place=f"第{deputy.district.number}选区{deputy.district.villages.all()[0].name}",
                content=f"向第{deputy.district.number}选区选民述职,报告一年来履职情况,接受满意度测评",
                satisfied_count=voters - basic - unsatisfied,
                basically_satisfied_count=basic,
                unsatisfied_count=unsatisfied,
                created_by=staff_user,
            )
        )
    created = DutyRecord.objects.bulk_create(records)
    by_group: dict[int, list[Deputy]] = {}
    for deputy in deputies:
        by_group.setdefault(deputy.group_id, []).append(deputy)
    through = DutyRecord.participants.through
    links = []
    for record in created:
        if record.kind in (DutyKind.GROUP_ACTIVITY, DutyKind.INSPECTION):
            fellows = [d for d in by_group[record.deputy.group_id] if d.pk != record.deputy_id]
            for fellow in rng.sample(fellows, min(2, len(fellows))):
                links.append(through(dutyrecord_id=record.pk, deputy_id=fellow.pk))
    through.objects.bulk_create(links)
    return len(created)
