"""Chinese working days (工作日): statutory holidays and make-up workdays (调休).

Three sources, in order of precedence:

1. :class:`congress.models.CalendarOverride` rows entered by staff from the State Council's
   annual notice (holiday and make-up-workday rows). They win over everything else.
2. The ``chinesecalendar`` package, which knows the official schedule up to
   :data:`PACKAGE_LAST_YEAR`.
3. For a year known to neither, plain Monday–Friday. :func:`missing_calendar_years` names such
   years so the staff queue can warn that the year's calendar has not been entered.

A year counts as "known" from overrides when it has at least one override row.
"""

import datetime
from collections.abc import Iterable

import chinese_calendar
from dateutil.relativedelta import relativedelta
from chinese_calendar import constants as _cc_constants

PACKAGE_FIRST_YEAR = min(_cc_constants.holidays).year
PACKAGE_LAST_YEAR = max(_cc_constants.holidays).year


def _overrides_for_years(years: Iterable[int]) -> dict[datetime.date, bool]:
    from .models import CalendarOverride

    years = sorted(set(years))
    if not years:
        return {}
    rows = CalendarOverride.objects.filter(
        date__gte=datetime.date(years[0], 1, 1), date__lte=datetime.date(years[-1], 12, 31)
    ).values_list("date", "is_workday")
    return dict(rows)


class WorkCalendar:
    """A calendar loaded once for a span of years (one query), then answered from memory."""

    def __init__(self, years: Iterable[int]):
        self.years = set(years)
        self.overrides = _overrides_for_years(self.years)
        self.override_years = {d.year for d in self.overrides}
        self._prefixes: dict[int, list[int]] = {}

    def _ensure(self, year: int) -> None:
        if year not in self.years:
            self.years.add(year)
            extra = _overrides_for_years([year])
            self.overrides.update(extra)
            self.override_years.update(d.year for d in extra)

    def is_workday(self, day: datetime.date) -> bool:
        self._ensure(day.year)
        if day in self.overrides:
            return self.overrides[day]
        if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def year_known(self, year: int) -> bool:
        self._ensure(year)
        return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR or year in self.override_years

    def add_workdays(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        remaining = days
        while remaining:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def next_workday_on_or_after(self, day: datetime.date) -> datetime.date:
        while not self.is_workday(day):
            day += datetime.timedelta(days=1)
        return day

    def _prefix(self, year: int) -> list[int]:
        """prefix[n] = working days among the first n days of ``year`` (computed once)."""
        prefix = self._prefixes.get(year)
        if prefix is None:
            prefix = [0]
            day = datetime.date(year, 1, 1)
            while day.year == year:
                prefix.append(prefix[-1] + self.is_workday(day))
                day += datetime.timedelta(days=1)
            self._prefixes[year] = prefix
        return prefix

    def _upto(self, day: datetime.date) -> int:
        """Working days from 1 January of ``day``'s year up to and including ``day``."""
        return self._prefix(day.year)[day.timetuple().tm_yday]

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start).
        Answered from per-year prefix counts, so a long span costs no more than a short one."""
        if end <= start:
            return 0
        if start.year == end.year:
            return self._upto(end) - self._upto(start)
        count = self._prefix(start.year)[-1] - self._upto(start)
        for year in range(start.year + 1, end.year):
            count += self._prefix(year)[-1]
        return count + self._upto(end)


def is_workday(day: datetime.date) -> bool:
    return WorkCalendar([day.year]).is_workday(day)


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    return WorkCalendar([start.year, start.year + 1]).add_workdays(start, days)


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    return WorkCalendar(range(start.year, max(start.year, end.year) + 1)).workdays_between(start, end)


def months_deadline(start: datetime.date, months: int) -> datetime.date:
    """A deadline of whole months (reply in three months): the same date ``months`` later,
    moved forward to the next working day when it falls on a holiday or weekend. The same date
    is clamped to the month's end (31 Jan + 1 month → 28/29 Feb), as ``relativedelta`` does."""
    target = start + relativedelta(months=months)
    return WorkCalendar([target.year, target.year + 1]).next_workday_on_or_after(target)


def missing_calendar_years(years: Iterable[int]) -> list[int]:
    """Years known neither to the package nor to staff overrides (deadlines there fall back to
    Monday–Friday)."""
    years = sorted(set(years))
    cal = WorkCalendar(years)
    return [year for year in years if not cal.year_known(year)]
