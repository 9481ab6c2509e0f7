"""Arithmetic shared by every figure: one rounding rule for a percentage."""

from decimal import ROUND_HALF_UP, Decimal


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal, rounded half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    """A percentage from :func:`percent` as text ("85.7%", "100%"), or "—" for None."""
    return "—" if value is None else f"{value.normalize():f}%"


def percent_text(part: int, whole: int) -> str:
    """The percentage as report text ("85.7%", "100%"), or "—" when there is nothing to count."""
    return format_percent(percent(part, whole))


ROUNDING_RULE = "百分数保留一位小数,四舍五入;分母为0时不计算,显示“—”。"
