"""The one percentage helper for figures (办复率, 达标率, "% of total" …).

Every rate shown on a page, in a chart, an xlsx or the docx annex is ``part ÷ whole × 100``
rounded to one decimal, half up (66.65 → 66.7), and *no value* when ``whole`` is 0 (shown as
"—"), so a township without dispatched suggestions never shows 0% or 100%.
"""

from decimal import ROUND_HALF_UP, Decimal

ROUNDING_RULE = "百分数保留一位小数,四舍五入;分母为0时不计算,显示“—”。"


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` ÷ ``whole`` as a percentage with one decimal, rounded half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """A percentage for text (annex sentences, tables): "66.7%", "100%", or "—"."""
    if value is None:
        return "—"
    return f"{value.normalize():f}%" if value == value.to_integral() else f"{value}%"
