"""Stations (代表之家 / 代表联络站 / 联络点), their deputies, and voter-reception records."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from congress.models import Township, TownshipScopedModel, User, Village
from congress.validators import mobile_validator
from deputies.models import Deputy


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
    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        verbose_name = "联络站(点)"
        verbose_name_plural = "联络站(点)"
        ordering = ["township", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="station_unique_name"),
            models.CheckConstraint(
                condition=~Q(kind="point") | Q(parent__isnull=False),
                name="station_point_has_parent",
            ),
        ]

    def __str__(self):
        return self.name


class ReceptionRecord(TownshipScopedModel):
    """One voter-reception day (接待选民日) or visit as it happened: who received, who came."""

    township = models.ForeignKey(
        Township, verbose_name="乡镇", on_delete=models.PROTECT, related_name="reception_records"
    )
    station = models.ForeignKey(
        Station, verbose_name="联络站(点)", on_delete=models.PROTECT, related_name="receptions"
    )
    date = models.DateField("接待日期")
    deputies_present = models.ManyToManyField(
        Deputy, verbose_name="接待代表", blank=True, related_name="receptions"
    )
    summary = models.TextField("情况摘要", blank=True)
    created_by = models.ForeignKey(
        User, verbose_name="录入人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[deputies_present])

    class Meta:
        verbose_name = "接待记录"
        verbose_name_plural = "接待记录"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.station} {self.date}"


class ReceptionIssue(TownshipScopedModel):
    """One matter a visitor raised at a reception. The suggestions module turns it into a
    suggestion (channel 接待日) in one step and links back through ``Suggestion.reception_issue``."""

    TOWNSHIP_FIELD = "record__township"

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

    def __str__(self):
        return self.content[:30]
