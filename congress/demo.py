"""The demo county: one county, two townships shaped after the public reports in
shared/reference (柳河镇: 63 deputies in 7 groups with 7 代表之家 and 22 electoral districts;
桃源乡: 一站五点 with 115 deputies), their villages, departments, terms and one account for
every role. All names are generated.

Idempotent: every row is found by its natural key before it is created, and nothing that exists
is changed, so a second run changes nothing. Feature apps extend the demo with a ``demo.py`` of
their own whose ``load(ctx)`` is registered with :func:`demo_loader`; :func:`load_demo` imports
them by Django's autodiscovery (this app names none of them) and calls them in
``INSTALLED_APPS`` order.
"""

import datetime
import random as _random
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from faker import Faker

from .models import County, Department, ElectoralDistrict, Term, Township, User, Village
from .roles import Role

DEMO_PASSWORD = "Demo@2026"
SEED = 20261123


@dataclass
class DemoTownshipSpec:
    slug: str
    name: str
    kind: str
    villages: list[str]
    communities: list[str]
    district_count: int
    deputy_count: int
    intro: str


LIUHE = DemoTownshipSpec(
    slug="liuhe",
    name="柳河镇",
    kind=Township.Kind.TOWN,
    villages=[
        "上坪村", "下湾村", "石门村", "黄泥岗村", "新塘村", "竹林村", "白沙村", "杨家庄村",
        "枫树村", "龙潭村", "长岭村", "清水村", "河口村", "桂花村", "双桥村", "茶园村",
    ],
    communities=["柳河社区", "新华社区", "永安社区"],
    district_count=22,
    deputy_count=63,
    intro=(
        "柳河镇人大主席团现有市、县、镇三级人大代表63名,划分为7个代表小组,"
        "建成代表之家7个,全镇共划分22个选区。"
    ),
)
TAOYUAN = DemoTownshipSpec(
    slug="taoyuan",
    name="桃源乡",
    kind=Township.Kind.TOWNSHIP,
    villages=[
        "桃源村", "李家坝村", "高峰村", "凤凰村", "大田村", "水口村", "青龙村", "红岩村",
        "松林村", "沙坪村", "金竹村", "团结村", "鹿鸣村", "梨花村",
    ],
    communities=["桃源社区", "望江社区"],
    district_count=28,
    deputy_count=115,
    intro=(
        "桃源乡建成人大代表联络站1个、联络点5个(一站五点),"
        "115名各级人大代表全部编入站点开展活动。"
    ),
)
TOWNSHIPS = [LIUHE, TAOYUAN]

TOWNSHIP_DEPARTMENTS = [
    ("党政综合办公室", Department.Kind.TOWN_OFFICE),
    ("经济发展办公室", Department.Kind.TOWN_OFFICE),
    ("社会事务办公室", Department.Kind.TOWN_OFFICE),
    ("农业农村办公室", Department.Kind.TOWN_OFFICE),
    ("平安建设办公室", Department.Kind.TOWN_OFFICE),
    ("综合行政执法队", Department.Kind.TOWN_OFFICE),
    ("自然资源所", Department.Kind.TOWN_STATION),
    ("财政所", Department.Kind.TOWN_STATION),
    ("卫生院", Department.Kind.TOWN_STATION),
    ("中心学校", Department.Kind.TOWN_STATION),
    ("司法所", Department.Kind.TOWN_STATION),
    ("水利站", Department.Kind.TOWN_STATION),
    ("村镇建设办公室", Department.Kind.TOWN_OFFICE),
]
COUNTY_DEPARTMENTS = [
    "县交通运输局", "县住房和城乡建设局", "县教育局", "县卫生健康局", "县水利局", "县农业农村局",
]


@dataclass
class DemoContext:
    """What the core demo made, handed to each app's ``demo.load``."""

    county: County
    townships: dict[str, Township]
    specs: dict[str, DemoTownshipSpec]
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, user, where)
    faker: Faker = None
    random: _random.Random = None
    today: datetime.date = None
    log: list[str] = field(default_factory=list)

    _password_hash: str = ""

    @property
    def password_hash(self) -> str:
        """The demo password hashed once per run (hashing is deliberately slow)."""
        if not self._password_hash:
            from django.contrib.auth.hashers import make_password

            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def account(self, user: User, where: str) -> None:
        self.accounts.append((user.get_role_display() or "系统管理员", user.username, where))


def _user(ctx: DemoContext, username: str, **fields) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, password=ctx.password_hash, **fields)
        user.save()
    return user


def _build_township(ctx: DemoContext, spec: DemoTownshipSpec) -> Township:
    township, _ = Township.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "county": ctx.county,
            "name": spec.name,
            "kind": spec.kind,
            "address": f"{ctx.county.name}{spec.name}人民政府大院内",
            "office_phone": "0839-" + str(5200000 + len(spec.slug) * 1111),
            "intro": spec.intro,
        },
    )
    villages = []
    for name in spec.villages:
        village, _ = Village.objects.get_or_create(
            township=township, name=name, defaults={"kind": Village.Kind.VILLAGE}
        )
        villages.append(village)
    for name in spec.communities:
        village, _ = Village.objects.get_or_create(
            township=township, name=name, defaults={"kind": Village.Kind.COMMUNITY}
        )
        villages.append(village)
    # Spread villages over districts: big villages get two districts, the rest one each.
    for number in range(1, spec.district_count + 1):
        village = villages[(number - 1) % len(villages)]
        district, created = ElectoralDistrict.objects.get_or_create(
            township=township,
            number=number,
            defaults={"name": village.name if number <= len(villages) else f"{village.name}二"},
        )
        if created:
            district.villages.add(village)
    for name, kind in TOWNSHIP_DEPARTMENTS:
        Department.objects.get_or_create(
            township=township, name=name, defaults={"county": ctx.county, "kind": kind}
        )
    Term.objects.get_or_create(
        township=township,
        number=5,
        defaults={"start_date": datetime.date(2016, 12, 28), "end_date": datetime.date(2021, 12, 27)},
    )
    Term.objects.get_or_create(
        township=township,
        number=6,
        defaults={"start_date": datetime.date(2021, 12, 28), "is_current": True},
    )
    return township


def _build_accounts(ctx: DemoContext, township: Township, prefix: str) -> None:
    fake = ctx.faker
    where = township.name
    roles = [
        ("chair", Role.CHAIR, "人大主席"),
        ("vicechair", Role.VICE_CHAIR, "人大副主席"),
        ("staff", Role.STAFF, "人大办干事"),
        ("station", Role.STATION_ADMIN, "联络站管理员"),
        ("deputy", Role.DEPUTY, "镇人大代表"),
    ]
    for suffix, role, title in roles:
        user = _user(
            ctx,
            f"{prefix}_{suffix}",
            name=fake.name(),
            role=role,
            county=ctx.county,
            township=township,
            title=title,
            phone=fake.phone_number(),
            is_staff=role in {Role.CHAIR, Role.VICE_CHAIR, Role.STAFF},
        )
        ctx.account(user, where)
    department = Department.objects.get(township=township, name="社会事务办公室")
    handler = _user(
        ctx,
        f"{prefix}_handler",
        name=fake.name(),
        role=Role.HANDLER,
        county=ctx.county,
        township=township,
        department=department,
        title="经办人",
        phone=fake.phone_number(),
    )
    ctx.account(handler, f"{where}{department.name}")


_LOADERS: list = []


def demo_loader(load):
    """Register an app's ``load(ctx)`` (decorator in the app's ``demo.py``), once."""
    if load not in _LOADERS:
        _LOADERS.append(load)
    return load


@transaction.atomic
def load_demo(*, today: datetime.date | None = None) -> DemoContext:
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    county, _ = County.objects.get_or_create(
        slug="yunxi", defaults={"name": "云溪县", "congress_name": "云溪县人大常委会"}
    )
    ctx = DemoContext(
        county=county,
        townships={},
        specs={spec.slug: spec for spec in TOWNSHIPS},
        faker=fake,
        random=_random.Random(SEED),
        today=today or datetime.date.today(),
    )
    for name in COUNTY_DEPARTMENTS:
        Department.objects.get_or_create(
            county=county, township=None, name=name, defaults={"kind": Department.Kind.COUNTY}
        )
    admin = _user(ctx, "admin", name="系统管理员", is_superuser=True, is_staff=True)
    ctx.account(admin, "全县")
    viewer = _user(
        ctx, "county_viewer", name=fake.name(), role=Role.COUNTY_VIEWER, county=county,
        title="县人大常委会选举联络工作委员会",
    )
    ctx.account(viewer, county.name)
    for spec in TOWNSHIPS:
        township = _build_township(ctx, spec)
        ctx.townships[spec.slug] = township
        _build_accounts(ctx, township, spec.slug)

    # Each app's demo.py registers its loader when imported; Django's autodiscovery imports
    # them in INSTALLED_APPS order, which is the order of the architecture (core first).
    autodiscover_modules("demo")
    order = {config.name: n for n, config in enumerate(apps.get_app_configs())}
    loaders = [load for load in _LOADERS if load.__module__.rpartition(".")[0] in order]
    for loader in sorted(loaders, key=lambda load: order[load.__module__.rpartition(".")[0]]):
        loader(ctx)
    return ctx
