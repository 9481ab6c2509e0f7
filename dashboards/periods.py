import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """A calendar year, or one quarter of it, chosen on a dashboard."""

    year: int
    quarter: int | None = None

    @classmethod
    def from_query(cls, query, today: datetime.date | None = None) -> "Period":
        today = today or timezone.localdate()
        try:
            year = int(query.get("year") or today.year)
        except ValueError:
            year = today.year
        if not 2000 <= year <= today.year + 1:
            year = today.year
        try:
            quarter = int(query.get("quarter") or 0) or None
        except ValueError:
            quarter = None
        if quarter not in (None, 1, 2, 3, 4):
            quarter = None
        return cls(year, quarter)

    @property
    def date_from(self) -> datetime.date:
        month = 1 if self.quarter is None else 3 * (self.quarter - 1) + 1
        return datetime.date(self.year, month, 1)

    @property
    def date_to(self) -> datetime.date:
        if self.quarter is None or self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年" + (f"第{'一二三四'[self.quarter - 1]}季度" if self.quarter else "")

    @property
    def query(self) -> str:
        return f"year={self.year}" + (f"&quarter={self.quarter}" if self.quarter else "")

    def year_period(self) -> "Period":
        return Period(self.year)
