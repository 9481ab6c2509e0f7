"""The dashboards' long exports (:mod:`congress.export_jobs`): the records behind a figure,
which run to thousands of rows for a county or a big township (e.g. every dispatched
suggestion of a year). Same rows, columns and title as the synchronous export of
:func:`dashboards.views.records`."""

import datetime

from . import selectors
from .periods import Period
from .rules import can_view_township_dashboard

RECORDS = "dashboard_records"


def records_parameters(*, figure: str, period: Period, today: datetime.date, quarter: int | None,
                       population: str, scope_label: str) -> dict:
    return {"figure": figure, "year": period.year, "period_quarter": period.quarter, "today": today.isoformat(),
            "quarter": quarter, "population": population, "scope_label": scope_label}


def records_title(listing, scope_label: str, period: Period) -> tuple[str, str]:
    """(sheet title, file name) of a records export: the same for both paths."""
    return (f"{scope_label}{listing.title}({period.label})", f"{scope_label}{listing.title}-{period.label}.xlsx")


def records_plan(parameters: dict, townships, owner=None):
    from congress.export_jobs import ExportPlan

    period = Period(parameters["year"], parameters.get("period_quarter"))
    listing = selectors.figure_records(
        parameters["figure"], townships=townships, period=period,
        today=datetime.date.fromisoformat(parameters["today"]), quarter=parameters.get("quarter"),
        population=parameters.get("population") or "all")
    title, filename = records_title(listing, parameters.get("scope_label", ""), period)
    rows = ([fn(obj) for _, fn in listing.columns] for obj in listing.queryset.iterator(chunk_size=1000))
    return ExportPlan(title=title, filename=filename, headers=[label for label, _ in listing.columns],
                      total=listing.queryset.count(), rows=rows)


def register() -> None:
    from congress.export_jobs import register_export_kind

    register_export_kind(RECORDS, "看板明细", allowed=can_view_township_dashboard, plan=records_plan)
