"""Deputies (人大代表): one person per row, with a mandate per level and term, a deputy group,
and their duty-performance record (履职档案)."""

from django.db import models
from django.db.models import Q
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from congress import permissions as p
from congress.models import ElectoralDistrict, Term, Township, TownshipScopedModel, User, Village
from congress.validators import mask_phone, mobile_validator, photo_validator

from . import predicates as dp


class Level(models.TextChoices):
    TOWN = "town", "乡镇人大代表"
    COUNTY = "county", "县(区)人大代表"
    CITY = "city", "市人大代表"
    PROVINCE = "province", "省人大代表"
    NATIONAL = "national", "全国人大代表"


LEVEL_SHORT = {
    Level.TOWN: "镇",
    Level.COUNTY: "县",
    Level.CITY: "市",
    Level.PROVINCE: "省",
    Level.NATIONAL: "全国",
}
# Highest first: how rosters and boards list a person's levels ("市、县、镇").
LEVEL_ORDER = [Level.NATIONAL, Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN]


def levels_label(levels) -> str:
    """"市、县、镇" for a collection of level values, highest first."""
    present = set(levels)
    return "、".join(LEVEL_SHORT[level] for level in LEVEL_ORDER if level in present)


class MandateStatus(models.TextChoices):
    ACTIVE = "active", "在任"
    RESIGNED = "resigned", "辞职"
    RECALLED = "recalled", "罢免"
    TRANSFERRED = "transferred", "调离"
    DECEASED = "deceased", "去世"
    TERMINATED = "terminated", "终止"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class PoliticalStatus(models.TextChoices):
    """As offices write them on a roster; the eight democratic parties each by name, and
    "民主党派" when a roster does not say which."""

    CPC = "cpc", "中共党员"
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL = "cyl", "共青团员"
    RCCK = "rcck", "民革党员"
    CDL = "cdl", "民盟盟员"
    CNDCA = "cndca", "民建会员"
    CAPD = "capd", "民进会员"
    CPWDP = "cpwdp", "农工党党员"
    CZGP = "czgp", "致公党党员"
    JIUSAN = "jiusan", "九三学社社员"
    TDSGL = "tdsgl", "台盟盟员"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派"
    NON_PARTISAN = "non_partisan", "无党派人士"
    NONE = "masses", "群众"


class Education(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中(中专)"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "大学本科"
    POSTGRADUATE = "postgraduate", "研究生"


class DeputyCategory(models.TextChoices):
    OFFICIAL = "official", "党政领导干部"
    VILLAGE_CADRE = "village_cadre", "村(社区)干部"
    ENTERPRISE = "enterprise", "企业负责人"
    PROFESSIONAL = "professional", "专业技术人员"
    WORKER = "worker", "工人"
    FARMER = "farmer", "农民"
    OTHER = "other", "其他"


class DeputyGroup(TownshipScopedModel):
    """代表小组: one per 代表之家 in a typical township; every deputy is in one group of the term."""

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="deputy_groups"
    )
    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="deputy_groups")
    name = models.CharField("小组名称", max_length=50)
    leader = models.ForeignKey(
        "Deputy", verbose_name="组长", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="led_groups",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "代表小组"
        verbose_name_plural = "代表小组"
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="deputy_group_unique_name_in_term")
        ]

    def __str__(self):
        return self.name


class DeputyQuerySet(models.QuerySet):
    def on_roster(self, *, level: str | None = None, term_number: int | None = None):
        """**The** definition of "on the roster": deputies holding at least one active mandate
        (at ``level`` and in ``term_number`` when given). An ``EXISTS`` filter, never a join, so
        a person with several mandates is one row; the township roster is ``on_roster()``, the
        voting roster of a township congress term ``on_roster(level=TOWN, term_number=n)``
        (see ``deputies.selectors.term_roster``)."""
        mandates = Mandate.objects.filter(deputy=models.OuterRef("pk"), status=MandateStatus.ACTIVE)
        if level is not None:
            mandates = mandates.filter(level=level)
        if term_number is not None:
            mandates = mandates.filter(term_number=term_number)
        return self.filter(models.Exists(mandates))


class Deputy(TownshipScopedModel):
    """A person on the township's roster, counted once whatever levels they hold.

    No ID-card number is stored. ``phone`` is private: staff of the township and the deputy see
    it; public pages, public exports and the county view never show it unmasked.
    """

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="deputies"
    )
    user = models.OneToOneField(
        User, verbose_name="登录账号", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="deputy",
    )
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生年月", null=True, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.CPC
    )
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField("职业", max_length=50, blank=True)
    employer = models.CharField("工作单位及职务", max_length=100, blank=True)
    category = models.CharField(
        "代表类别", max_length=20, choices=DeputyCategory.choices, default=DeputyCategory.OTHER
    )
    district = models.ForeignKey(
        ElectoralDistrict, verbose_name="选区", on_delete=models.PROTECT, null=True, blank=True,
        related_name="deputies",
    )
    group = models.ForeignKey(
        DeputyGroup, verbose_name="代表小组", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="members",
    )
    phone = models.CharField("手机号码", max_length=11, blank=True, validators=[mobile_validator])
    photo = models.ImageField(
        "照片", upload_to="deputies/photos/", blank=True, validators=[photo_validator]
    )
    is_presidium_member = models.BooleanField("主席团成员", default=False)
    history = HistoricalRecords()

    objects = DeputyQuerySet.as_manager()

    # The portrait is shown on the public deputy board: congress.views.media serves it to anyone.
    PUBLIC_FILE_FIELDS = ("photo",)

    class Meta:
        verbose_name = "人大代表"
        verbose_name_plural = "人大代表"
        ordering = ["township", "district__number", "name"]
        indexes = [models.Index(fields=["township", "name"], name="deputy_township_name")]
        constraints = [
            # The identity rule of the roster import (docs/deputies.md): one person per name,
            # birth date and electoral district in a township. With the per-deputy constraint on
            # Mandate this makes two active mandates of one person at one level and term
            # impossible, even when two imports of the same file race.
            models.UniqueConstraint(
                fields=["township", "name", "birth_date", "district"],
                name="deputy_one_person_per_name_birth_date_district",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def active_levels(self) -> list[str]:
        """Levels of the active mandates (uses the ``active_mandates`` prefetch when present)."""
        mandates = getattr(self, "active_mandates", None)
        if mandates is None:
            mandates = self.mandates.filter(status=MandateStatus.ACTIVE)
        return [m.level for m in mandates]

    @property
    def levels_display(self) -> str:
        return levels_label(self.active_levels)


class Mandate(RulesModel):
    """One mandate of one deputy at one level in one term; kept forever (status changes only)."""

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="mandates"
    )
    level = models.CharField("层级", max_length=20, choices=Level.choices)
    term_number = models.PositiveSmallIntegerField("届次", help_text="例如第六届填 6")
    elected_on = models.DateField("当选日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    status_date = models.DateField("状态变更日期", null=True, blank=True)
    status_reason = models.CharField("变更原因", max_length=200, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "deputy__township"

    class Meta:
        verbose_name = "代表资格"
        verbose_name_plural = "代表资格"
        ordering = ["deputy", "level", "-term_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "level", "term_number"],
                condition=Q(status="active"),
                name="mandate_one_active_per_level_and_term",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(status_date__isnull=False),
                name="mandate_ended_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(status_reason=""),
                name="mandate_ended_has_reason",
            ),
            models.CheckConstraint(condition=Q(term_number__gte=1), name="mandate_term_positive"),
        ]
        rules_permissions = dp.MANDATE_RULES

    def __str__(self):
        return f"{self.get_level_display()}(第{self.term_number}届,{self.get_status_display()})"


class DutyKind(models.TextChoices):
    TRAINING = "training", "学习培训"
    INSPECTION = "inspection", "视察调研"
    LAW_ENFORCEMENT_CHECK = "law_check", "执法检查"
    RECEPTION = "reception", "接待选民"
    VOTER_CONTACT = "voter_contact", "联系/走访选民"
    GROUP_ACTIVITY = "group_activity", "代表小组活动"
    SUGGESTION = "suggestion", "提出建议"
    PRACTICAL_DEED = "practical_deed", "为民办实事"
    PERFORMANCE_REVIEW = "performance_review", "述职评议"
    ATTEND_MEETING = "attend_meeting", "列席会议"
    ATTEND_SESSION = "attend_session", "出席人代会"


class DutyRecord(RulesModel):
    """One entry of a deputy's duty-performance record (履职档案).

    Entries made by another module (a station activity, a session attendance, a supervision
    activity) carry a ``source_key`` such as ``"station_activity:12"``; the unique constraint on
    (deputy, source_key) keeps it to one entry per deputy and source however often it is saved.
    """

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="duty_records"
    )
    kind = models.CharField("类别", max_length=30, choices=DutyKind.choices)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    hours = models.DecimalField("时长(小时)", max_digits=5, decimal_places=1, default=0)
    content = models.TextField("内容")
    participants = models.ManyToManyField(
        Deputy, verbose_name="同行代表", blank=True, related_name="+"
    )
    contact_persons = models.CharField(
        "接待/联系对象", max_length=200, blank=True,
        help_text="接待选民、联系选民、办实事时填写对象,如“上坪村村民张某等5人”",
    )
    outcome = models.TextField("办理结果或成效", blank=True)
    # 述职评议 only: voters' verdicts.
    satisfied_count = models.PositiveIntegerField("满意票", null=True, blank=True)
    basically_satisfied_count = models.PositiveIntegerField("基本满意票", null=True, blank=True)
    unsatisfied_count = models.PositiveIntegerField("不满意票", null=True, blank=True)
    source_key = models.CharField("来源", max_length=80, blank=True, default="")
    created_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[participants])

    TOWNSHIP_FIELD = "deputy__township"

    class Meta:
        verbose_name = "履职记录"
        verbose_name_plural = "履职档案"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "source_key"],
                condition=~Q(source_key=""),
                name="duty_record_one_per_source",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="duty_record_hours_not_negative"),
        ]
        indexes = [
            models.Index(fields=["deputy", "date"], name="duty_record_deputy_date"),
            models.Index(fields=["-date", "-id"], name="duty_record_recent"),  # the lists' order
        ]
        rules_permissions = dp.DUTY_RECORD_RULES

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class DutyPhoto(RulesModel):
    """A photo of a duty-performance entry (checked by content and size on upload)."""

    record = models.ForeignKey(
        DutyRecord, verbose_name="履职记录", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        "照片", upload_to="deputies/duty/%Y/%m/", validators=[photo_validator]
    )
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "record__deputy__township"

    class Meta:
        verbose_name = "履职照片"
        verbose_name_plural = "履职照片"
        ordering = ["record", "id"]
        rules_permissions = p.TOWNSHIP_RECORD_RULES

    def __str__(self):
        return self.caption or f"照片{self.pk}"


# Score of one entry of each kind when the township has not set its own weight.
DEFAULT_DUTY_WEIGHTS = {
    DutyKind.TRAINING: 1,
    DutyKind.INSPECTION: 2,
    DutyKind.LAW_ENFORCEMENT_CHECK: 2,
    DutyKind.RECEPTION: 2,
    DutyKind.VOTER_CONTACT: 1,
    DutyKind.GROUP_ACTIVITY: 1,
    DutyKind.SUGGESTION: 3,
    DutyKind.PRACTICAL_DEED: 3,
    DutyKind.PERFORMANCE_REVIEW: 2,
    DutyKind.ATTEND_MEETING: 1,
    DutyKind.ATTEND_SESSION: 2,
}


class DutyScoreWeight(TownshipScopedModel):
    """The score one duty entry of ``kind`` earns in the township's annual 履职登记; a kind
    without a row here scores its ``DEFAULT_DUTY_WEIGHTS`` value."""

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="duty_score_weights"
    )
    kind = models.CharField("履职类别", max_length=30, choices=DutyKind.choices)
    weight = models.DecimalField("每次得分", max_digits=5, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "履职积分标准"
        verbose_name_plural = "履职积分标准"
        ordering = ["township", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["township", "kind"], name="duty_weight_one_per_kind"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="duty_weight_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.weight}分/次"


class PresidiumLink(RulesModel):
    """"双联系" (1): a presidium member keeps in touch with a deputy of the township."""

    member = models.ForeignKey(
        Deputy, verbose_name="主席团成员", on_delete=models.CASCADE, related_name="presidium_duties",
        limit_choices_to={"is_presidium_member": True},
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name="联系代表", on_delete=models.CASCADE, related_name="presidium_contacts"
    )
    since = models.DateField("建立联系日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "deputy__township"

    class Meta:
        verbose_name = "主席团成员联系代表"
        verbose_name_plural = "双联系:主席团成员联系代表"
        ordering = ["member", "deputy"]
        constraints = [
            models.UniqueConstraint(fields=["member", "deputy"], name="presidium_link_unique"),
            models.CheckConstraint(
                condition=~Q(member=models.F("deputy")), name="presidium_link_not_self"
            ),
        ]
        rules_permissions = p.TOWNSHIP_RECORD_RULES

    def __str__(self):
        return f"{self.member} → {self.deputy}"


class VoterContact(RulesModel):
    """"双联系" (2): one voter in a deputy's register of contacted voters (联系选民登记簿).
    The voter's phone is private like a deputy's."""

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="voter_contacts"
    )
    name = models.CharField("选民姓名", max_length=30)
    village = models.ForeignKey(
        Village, verbose_name="所在村(社区)", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    address = models.CharField("住址或单位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=11, blank=True, validators=[mobile_validator])
    since = models.DateField("建立联系日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "deputy__township"

    class Meta:
        verbose_name = "联系选民"
        verbose_name_plural = "双联系:代表联系选民登记"
        ordering = ["deputy", "name", "id"]
        rules_permissions = dp.OWN_ROW_RULES

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class DutyMonth(models.Model):
    """How many duty records of ``kind`` the deputies of a township have in a month: kept by a
    database trigger on every insert, update and delete of a duty record (whatever wrote it), so
    the dashboards read a few rows per township, not the records. Derived data: rebuilt by
    ``deputies.services.duty_counters_rebuild``."""

    township_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = "履职记录月计数"
        verbose_name_plural = "履职记录月计数"
        constraints = [models.UniqueConstraint(fields=["township_id", "year", "month", "kind"],
                                               name="dutymonth_unique_cell")]


class DeputyYear(models.Model):
    """How many duty records a deputy has in a year (same trigger as :class:`DutyMonth`): the
    dashboards' 本年无履职记录代表 and the duty distribution read one row per deputy."""

    deputy_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = "代表年度履职记录数"
        verbose_name_plural = "代表年度履职记录数"
        constraints = [models.UniqueConstraint(fields=["deputy_id", "year"], name="deputyyear_unique_cell")]
