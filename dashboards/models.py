from django.db import models


class Snapshot(models.Model):
    """Dashboard figures computed ahead of time (by the beat task or on first view), so that a
    county of a million suggestions opens at once. The page says when they were computed."""

    scope = models.CharField("范围", max_length=40)  # "county:<pk>"
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0)  # 0 = the whole year
    computed_at = models.DateTimeField("统计时间")
    seconds = models.FloatField("用时(秒)", default=0)
    data = models.JSONField("数据")

    class Meta:
        verbose_name = "看板统计快照"
        verbose_name_plural = "看板统计快照"
        constraints = [
            models.UniqueConstraint(fields=["scope", "year", "quarter"], name="snapshot_unique_scope_period"),
            models.CheckConstraint(condition=models.Q(quarter__lte=4), name="snapshot_quarter_valid"),
        ]

    def __str__(self):
        return f"{self.scope} {self.year}/{self.quarter}"
