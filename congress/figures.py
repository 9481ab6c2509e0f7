"""Arithmetic shared by every figure: one rounding rule for a percentage."""

from decimal import ROUND_HALF_UP, Decimal


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal, rounded half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_text(part: int, whole: int) -> str:
    """The percentage as report text ("85.7%", "100%"), or "—" when there is nothing to count."""
    value = percent(part, whole)
    return "—" if value is None else f"{value.normalize():f}%"
