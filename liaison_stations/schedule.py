"""Reception-day calendar arithmetic: pure functions, no database.

Month ends: a monthly rule for a day the month does not have (the 31st in a 30-day month, the
29th–31st in February of a common year, the 30th–31st in a leap February) is either moved to the
month's last day (``last_day``, the default: voters still get their reception that month) or
skipped (``skip``). When two rule days fall on the same date after moving (30 and 31 in
February), the date appears once. February 29th exists in leap years (2024, 2028 …; 2100 is not
one), so a rule for the 29th is held on the 29th then and on the 28th (or skipped) otherwise.
"""

import calendar
import datetime
from collections.abc import Iterable

LAST_DAY = "last_day"
SKIP = "skip"


def parse_month_days(text: str) -> list[int]:
    """"15,20" / "15、20" / "15 20" → [15, 20]; raises ValueError with a Chinese message."""
    if not text:
        return []
    cleaned = text
    for sep in ("、", ",", ";", ";", " ", "日", "号"):
        cleaned = cleaned.replace(sep, ",")
    days = set()
    for part in cleaned.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(f"“{part}”不是日期数字,请填写 1 到 31 之间的数字,例如:15,20。")
        day = int(part)
        if not 1 <= day <= 31:
            raise ValueError(f"每月没有 {day} 号,请填写 1 到 31 之间的数字。")
        days.add(day)
    return sorted(days)


def _months(start: datetime.date, end: datetime.date) -> Iterable[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        month += 1
        if month == 13:
            year, month = year + 1, 1


def monthly_dates(
    days: Iterable[int], start: datetime.date, end: datetime.date, month_end: str = LAST_DAY
) -> list[datetime.date]:
    """Dates between ``start`` and ``end`` (both included) on the given days of each month."""
    result = set()
    for year, month in _months(start, end):
        last = calendar.monthrange(year, month)[1]
        for day in days:
            if day > last:
                if month_end == SKIP:
                    continue
                day = last
            date = datetime.date(year, month, day)
            if start <= date <= end:
                result.add(date)
    return sorted(result)


def weekly_dates(weekday: int, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Dates between ``start`` and ``end`` (both included) falling on ``weekday`` (0 = Monday)."""
    first = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    result = []
    date = first
    while date <= end:
        result.append(date)
        date += datetime.timedelta(days=7)
    return result


def rule_dates(rule, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The dates a :class:`~liaison_stations.models.ReceptionRule` yields within [start, end],
    clipped to the rule's own start and end dates."""
    start = max(start, rule.start_date)
    if rule.end_date:
        end = min(end, rule.end_date)
    if end < start:
        return []
    if rule.frequency == "weekly":
        return weekly_dates(rule.weekday, start, end)
    return monthly_dates(parse_month_days(rule.month_days), start, end, rule.month_end)
