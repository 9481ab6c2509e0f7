"""Stations (代表之家 / 代表联络站 / 联络点), their deputies, standards checklists, reception
days and records, activities and annual work plans."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from congress.models import Township, TownshipScopedModel, User, Village
from congress.validators import mobile_validator, photo_validator
from deputies.models import Deputy, DutyKind

from . import rules as station_rules


class Station(TownshipScopedModel):
    class Kind(models.TextChoices):
        CENTER = "center", "镇(街道)中心联络站"
        VILLAGE = "village", "村(居)联络站"
        POINT = "point", "联络点"
        HOME = "home", "代表之家"

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="stations"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=80)
    parent = models.ForeignKey(
        "self", verbose_name="上级站点", on_delete=models.PROTECT, null=True, blank=True,
        related_name="points",
    )
    village = models.ForeignKey(
        Village, verbose_name="所在村(社区)", on_delete=models.PROTECT, null=True, blank=True,
        related_name="stations",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    convener = models.ForeignKey(
        Deputy, verbose_name="召集人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="convened_stations",
    )
    administrator = models.ForeignKey(
        User, verbose_name="管理员", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="administered_stations",
    )
    liaison_officer = models.CharField("联络员", max_length=30, blank=True)
    liaison_phone = models.CharField(
        "联络员电话", max_length=11, blank=True, validators=[mobile_validator]
    )
    deputies = models.ManyToManyField(
        Deputy, verbose_name="进站代表", blank=True, related_name="stations"
    )
    intro = models.TextField("简介", blank=True)
    is_active = models.BooleanField("在用", default=True)
    standard_set = models.ForeignKey(
        "StandardSet", verbose_name="建设标准", on_delete=models.PROTECT, null=True, blank=True,
        related_name="stations", help_text="该站点对照检查的标准,例如“八有”“六有”“九有”",
    )
    history = HistoricalRecords(m2m_fields=[deputies])

    STATION_FIELD = "self"

    class Meta:
        verbose_name = "联络站(点)"
        verbose_name_plural = "联络站(点)"
        ordering = ["township", "kind", "name"]
        rules_permissions = station_rules.STATION_RULES
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="station_unique_name"),
            models.CheckConstraint(
                condition=~Q(kind="point") | Q(parent__isnull=False),
                name="station_point_has_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.kind == self.Kind.POINT and not self.parent_id:
            errors["parent"] = "联络点必须选择所属的上级联络站。"
        if self.parent_id:
            if self.parent_id == self.pk:
                errors["parent"] = "上级站点不能是本站点。"
            elif self.parent.kind == self.Kind.POINT:
                errors["parent"] = "联络点下面不能再设联络点,请选择联络站或代表之家。"
            elif self.township_id and self.parent.township_id != self.township_id:
                errors["parent"] = "上级站点必须属于同一乡镇。"
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse(
            "stations_public:detail", kwargs={"township": self.township.slug, "pk": self.pk}
        )


class ReceptionRecord(TownshipScopedModel):
    """One voter-reception day (接待选民日) or visit as it happened: who received, who came."""

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="reception_records"
    )
    station = models.ForeignKey(
        Station, verbose_name="联络站(点)", on_delete=models.PROTECT, related_name="receptions"
    )
    date = models.DateField("接待日期")
    reception_day = models.ForeignKey(
        "ReceptionDay", verbose_name="对应接待日", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="records",
    )
    deputies_present = models.ManyToManyField(
        Deputy, verbose_name="接待代表", blank=True, related_name="receptions"
    )
    summary = models.TextField("情况摘要", blank=True)
    # The ``DutyRecord.source_key`` of the 接待选民 entries this record gives each deputy present;
    # readers (the deputies' ledgers) compare against this field, never rebuild the string.
    duty_source_key = models.CharField("履职档案来源", max_length=80, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[deputies_present])

    STATION_FIELD = "station"

    @staticmethod
    def duty_source_key_for(pk: int) -> str:
        return f"station_reception:{pk}"

    class Meta:
        verbose_name = "接待记录"
        verbose_name_plural = "接待记录"
        ordering = ["-date", "-id"]
        indexes = [  # the lists' order, county-wide and per township
            models.Index(fields=["-date", "-id"], name="reception_record_recent"),
            models.Index(fields=["township", "-date", "-id"], name="reception_record_township"),
        ]
        rules_permissions = station_rules.STATION_RECORD_RULES

    def __str__(self):
        return f"{self.station} {self.date}"


class ReceptionIssue(TownshipScopedModel):
    """One matter a visitor raised at a reception. The suggestions module turns it into a
    suggestion (channel 接待日) in one step and links back through ``Suggestion.reception_issue``."""

    TOWNSHIP_FIELD = "record__township"
    STATION_FIELD = "record__station"

    record = models.ForeignKey(
        ReceptionRecord, verbose_name="接待记录", on_delete=models.CASCADE, related_name="issues"
    )
    visitor_name = models.CharField("来访人", max_length=30, blank=True)
    visitor_phone = models.CharField(
        "来访人电话", max_length=11, blank=True, validators=[mobile_validator]
    )
    village = models.ForeignKey(
        Village, verbose_name="所在村(社区)", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    content = models.TextField("反映问题")
    answered_on_spot = models.BooleanField("当场答复", default=False)
    answer = models.TextField("答复情况", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "来访反映事项"
        verbose_name_plural = "来访反映事项"
        ordering = ["record", "id"]
        rules_permissions = station_rules.STATION_RECORD_RULES

    def __str__(self):
        return self.content[:30]


# --- Standards checklists (八有 / 六有 / 九有) ------------------------------------------------


class StandardSet(RulesModel):
    """A set of construction standards a station is checked against, e.g. "八有".

    Preset sets (no township) are loaded by a data migration and shared by every township; a
    township's staff may define their own sets beside them.
    """

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, null=True, blank=True,
        related_name="standard_sets", help_text="留空为全县通用的预置标准",
    )
    name = models.CharField("标准名称", max_length=30)
    description = models.TextField("说明", blank=True)
    source = models.CharField("依据", max_length=200, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "township"

    class Meta:
        verbose_name = "建设标准"
        verbose_name_plural = "建设标准"
        ordering = ["township", "name"]
        rules_permissions = station_rules.STANDARD_SET_RULES
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"], condition=Q(township__isnull=False),
                name="standard_set_unique_name_in_township",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(township__isnull=True),
                name="standard_set_unique_preset_name",
            ),
        ]

    def __str__(self):
        return self.name if self.township_id is None else f"{self.name}({self.township})"


class StandardItem(RulesModel):
    standard_set = models.ForeignKey(
        StandardSet, verbose_name="建设标准", on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("条目", max_length=50)
    description = models.CharField("要求", max_length=200, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "standard_set__township"

    class Meta:
        verbose_name = "标准条目"
        verbose_name_plural = "标准条目"
        ordering = ["standard_set", "order", "id"]
        rules_permissions = station_rules.STANDARD_SET_RULES
        constraints = [
            models.UniqueConstraint(fields=["standard_set", "name"], name="standard_item_unique_name")
        ]

    def __str__(self):
        return self.name


class StandardEvidence(TownshipScopedModel):
    """The evidence a station shows for one standard item (a photo, a note or both), and the
    staff member's check (核查) with its date. Changing the evidence clears the check."""

    station = models.ForeignKey(
        Station, verbose_name="联络站(点)", on_delete=models.CASCADE, related_name="evidence"
    )
    item = models.ForeignKey(
        StandardItem, verbose_name="标准条目", on_delete=models.PROTECT, related_name="evidence"
    )
    photo = models.ImageField(
        "照片", upload_to="stations/evidence/", blank=True, validators=[photo_validator]
    )
    note = models.TextField("说明", blank=True)
    submitted_by = models.ForeignKey(
        User, verbose_name="提交人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    checked_by = models.ForeignKey(
        User, verbose_name="核查人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    checked_on = models.DateField("核查日期", null=True, blank=True)
    check_note = models.CharField("核查意见", max_length=200, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "station__township"
    STATION_FIELD = "station"

    class Meta:
        verbose_name = "达标佐证"
        verbose_name_plural = "达标佐证"
        ordering = ["station", "item__order"]
        rules_permissions = station_rules.STAFF_STATION_RECORD_RULES
        constraints = [
            models.UniqueConstraint(fields=["station", "item"], name="evidence_one_per_item"),
            models.CheckConstraint(
                condition=~Q(photo="") | ~Q(note=""), name="evidence_has_photo_or_note"
            ),
            models.CheckConstraint(
                condition=Q(checked_on__isnull=True) | Q(checked_by__isnull=False),
                name="evidence_checked_has_checker",
            ),
        ]

    def __str__(self):
        return f"{self.station} · {self.item}"

    @property
    def is_checked(self) -> bool:
        return self.checked_on is not None


# --- Reception days (接待选民日) ---------------------------------------------------------------


class ReceptionRule(TownshipScopedModel):
    """A recurring reception rule: monthly on given days (e.g. the 15th and 20th) or weekly on
    a weekday. Days a month lacks (the 31st in April, the 29th–31st in February) follow
    ``month_end``: held on the month's last day (default) or skipped."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "每月"
        WEEKLY = "weekly", "每周"

    class MonthEnd(models.TextChoices):
        LAST_DAY = "last_day", "改在当月最后一天"
        SKIP = "skip", "当月不安排"

    class Weekday(models.IntegerChoices):
        MON = 0, "星期一"
        TUE = 1, "星期二"
        WED = 2, "星期三"
        THU = 3, "星期四"
        FRI = 4, "星期五"
        SAT = 5, "星期六"
        SUN = 6, "星期日"

    station = models.ForeignKey(
        Station, verbose_name="联络站(点)", on_delete=models.CASCADE, related_name="reception_rules"
    )
    frequency = models.CharField(
        "周期", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    month_days = models.CharField(
        "每月几号", max_length=100, blank=True, help_text="用逗号分隔,例如:15,20"
    )
    weekday = models.PositiveSmallIntegerField(
        "星期几", choices=Weekday.choices, null=True, blank=True
    )
    month_end = models.CharField(
        "月份没有该日时", max_length=10, choices=MonthEnd.choices, default=MonthEnd.LAST_DAY
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    time_note = models.CharField("接待时间", max_length=50, blank=True, default="上午9:00—12:00")
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "station__township"
    STATION_FIELD = "station"

    class Meta:
        verbose_name = "接待日规则"
        verbose_name_plural = "接待日规则"
        ordering = ["station", "id"]
        rules_permissions = station_rules.STAFF_STATION_RECORD_RULES
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="reception_rule_end_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(frequency="monthly") & ~Q(month_days=""))
                | (Q(frequency="weekly") & Q(weekday__isnull=False)),
                name="reception_rule_complete",
            ),
        ]

    def __str__(self):
        return f"{self.station} {self.describe()}"

    def day_numbers(self) -> list[int]:
        from .schedule import parse_month_days

        return parse_month_days(self.month_days)

    def describe(self) -> str:
        if self.frequency == self.Frequency.WEEKLY:
            return f"每周{self.get_weekday_display()[-1]}" if self.weekday is not None else "每周"
        try:
            return "每月" + "、".join(f"{d}日" for d in self.day_numbers())
        except ValueError:  # an unsaved, invalid form value shown back to its author
            return f"每月{self.month_days}"

    def clean(self):
        from .schedule import parse_month_days

        errors = {}
        if self.frequency == self.Frequency.MONTHLY:
            try:
                if not parse_month_days(self.month_days):
                    errors["month_days"] = "请填写每月接待的日期,例如:15,20。"
            except ValueError as exc:
                errors["month_days"] = str(exc)
        elif self.weekday is None:
            errors["weekday"] = "每周接待请选择星期几。"
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "结束日期不能早于开始日期。"
        if errors:
            raise ValidationError(errors)


class ReceptionDay(TownshipScopedModel):
    """One planned reception day of a station, with the deputies on duty (值班代表)."""

    station = models.ForeignKey(
        Station, verbose_name="联络站(点)", on_delete=models.CASCADE, related_name="reception_days"
    )
    date = models.DateField("接待日期")
    rule = models.ForeignKey(
        ReceptionRule, verbose_name="生成规则", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="days",
    )
    time_note = models.CharField("接待时间", max_length=50, blank=True)
    duty_deputies = models.ManyToManyField(
        Deputy, verbose_name="值班代表", blank=True, related_name="reception_duty_days"
    )
    is_cancelled = models.BooleanField("已取消", default=False)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[duty_deputies])

    TOWNSHIP_FIELD = "station__township"
    STATION_FIELD = "station"

    class Meta:
        verbose_name = "接待日"
        verbose_name_plural = "接待日安排"
        ordering = ["date", "station"]
        rules_permissions = station_rules.STATION_RECORD_RULES
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="reception_day_unique_date")
        ]

    def __str__(self):
        return f"{self.station} {self.date:%Y-%m-%d}"


# --- Activities and annual work plans ---------------------------------------------------------

ACTIVITY_KINDS = [
    (k.value, k.label)
    for k in (
        DutyKind.TRAINING,
        DutyKind.INSPECTION,
        DutyKind.LAW_ENFORCEMENT_CHECK,
        DutyKind.VOTER_CONTACT,
        DutyKind.GROUP_ACTIVITY,
        DutyKind.PRACTICAL_DEED,
        DutyKind.PERFORMANCE_REVIEW,
    )
]


class WorkPlan(TownshipScopedModel):
    """A station's annual work plan (年度活动计划)."""

    station = models.ForeignKey(
        Station, verbose_name="联络站(点)", on_delete=models.CASCADE, related_name="work_plans"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("标题", max_length=100)
    content = models.TextField("总体安排", blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "station__township"
    STATION_FIELD = "station"

    class Meta:
        verbose_name = "年度活动计划"
        verbose_name_plural = "年度活动计划"
        ordering = ["-year", "station"]
        rules_permissions = station_rules.STAFF_STATION_RECORD_RULES
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="work_plan_one_per_year")
        ]

    def __str__(self):
        return self.title


class WorkPlanItem(TownshipScopedModel):
    plan = models.ForeignKey(
        WorkPlan, verbose_name="活动计划", on_delete=models.CASCADE, related_name="items"
    )
    month = models.PositiveSmallIntegerField(
        "计划月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    title = models.CharField("计划活动", max_length=100)
    kind = models.CharField("活动类别", max_length=30, choices=ACTIVITY_KINDS)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    TOWNSHIP_FIELD = "plan__station__township"
    STATION_FIELD = "plan__station"

    class Meta:
        verbose_name = "计划活动"
        verbose_name_plural = "计划活动"
        ordering = ["plan", "month", "id"]
        rules_permissions = station_rules.STAFF_STATION_RECORD_RULES

    def __str__(self):
        return f"{self.month}月 {self.title}"


class StationActivity(TownshipScopedModel):
    """An activity held at or by a station. Every participating deputy gets exactly one duty
    record (履职记录) for it, keyed ``station_activity:<pk>``."""

    station = models.ForeignKey(
        Station, verbose_name="联络站(点)", on_delete=models.PROTECT, related_name="activities"
    )
    plan_item = models.ForeignKey(
        WorkPlanItem, verbose_name="对应计划", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="activities",
    )
    title = models.CharField("活动名称", max_length=100)
    kind = models.CharField("活动类别", max_length=30, choices=ACTIVITY_KINDS)
    date = models.DateField("活动日期")
    place = models.CharField("地点", max_length=100, blank=True)
    hours = models.DecimalField(
        "时长(小时)", max_digits=4, decimal_places=1, default=2,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    content = models.TextField("活动内容")
    participants = models.ManyToManyField(
        Deputy, verbose_name="参加代表", blank=True, related_name="station_activities"
    )
    created_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[participants])

    TOWNSHIP_FIELD = "station__township"
    STATION_FIELD = "station"

    class Meta:
        verbose_name = "站点活动"
        verbose_name_plural = "站点活动"
        ordering = ["-date", "-id"]
        rules_permissions = station_rules.STATION_RECORD_RULES
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="activity_hours_in_a_day"
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def duty_source_key(self) -> str:
        return f"station_activity:{self.pk}"


class ActivityPhoto(TownshipScopedModel):
    activity = models.ForeignKey(
        StationActivity, verbose_name="活动", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to="stations/activities/", validators=[photo_validator])
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        User, verbose_name="上传人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    TOWNSHIP_FIELD = "activity__station__township"
    STATION_FIELD = "activity__station"

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["activity", "id"]
        rules_permissions = station_rules.STATION_RECORD_RULES

    def __str__(self):
        return self.caption or self.image.name
