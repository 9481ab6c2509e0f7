"""The dashboards keep no figures of their own: suggestion figures are counters kept by
:mod:`suggestions.counters` with every change, the rest is counted on each page. What they keep
is a mark of each committed change (:class:`ChangeMark`), so that a rendered page can be reused
exactly until the data under it changes (:mod:`dashboards.freshness`)."""

from django.db import models


class ChangeMark(models.Model):
    """Written by database triggers on every table the dashboards read (see
    :mod:`dashboards.freshness`), in the writing transaction itself. PostgreSQL: one row per
    writing transaction, ``xid`` its transaction id. SQLite (one writer at a time): the single
    row ``xid`` = 0, ``token`` a new random number at every write."""

    xid = models.BigIntegerField(primary_key=True)
    token = models.BigIntegerField(default=0)
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = "数据变更标记"
        verbose_name_plural = "数据变更标记"
