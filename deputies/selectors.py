"""Reads for deputies: rosters, the annual duty summary and ranking, public boards.

Each figure is defined once, here, in the docstring of the selector that computes it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.utils import timezone

from congress.models import ElectoralDistrict, Term, Township

from .models import (
    DEFAULT_DUTY_WEIGHTS,
    Deputy,
    DutyKind,
    DutyRecord,
    DutyScoreWeight,
    Level,
    Mandate,
    MandateStatus,
)


def _active_mandates_prefetch() -> Prefetch:
    return Prefetch(
        "mandates",
        queryset=Mandate.objects.filter(status=MandateStatus.ACTIVE).order_by("level"),
        to_attr="active_mandates",
    )


def township_roster(township: Township) -> QuerySet[Deputy]:
    """The township roster: every person holding at least one active mandate at any level,
    **counted once** however many levels they hold. ``deputy.active_mandates`` lists the levels
    (``deputy.levels_display`` → "县、镇")."""
    return (
        Deputy.objects.filter(township=township)
        .on_roster()
        .select_related("district", "group")
        .prefetch_related(_active_mandates_prefetch())
        .order_by("district__number", "name", "pk")
    )


def term_roster(term: Term) -> QuerySet[Deputy]:
    """Deputies of the township congress in ``term``: those holding an **active town-level**
    mandate with ``term_number == term.number`` in ``term.township``.

    This is the "all deputies" that the quorum (三分之二以上 present) and the vote thresholds
    (more than half of all deputies) count. County, city, provincial and national deputies who
    live in the township are on :func:`township_roster` but not here unless they also hold a
    town mandate of that term. One row per deputy (the database allows one active mandate per
    deputy, level and term)."""
    return (
        Deputy.objects.filter(township_id=term.township_id)
        .on_roster(level=Level.TOWN, term_number=term.number)
        .order_by("name", "pk")
    )


def duty_weights(township: Township) -> dict[str, Decimal]:
    """Score per entry of each kind for ``township``: its own DutyScoreWeight rows, and
    ``DEFAULT_DUTY_WEIGHTS`` for the kinds it has not set."""
    weights = {kind: Decimal(value) for kind, value in DEFAULT_DUTY_WEIGHTS.items()}
    for kind, weight in DutyScoreWeight.objects.filter(township=township).values_list(
        "kind", "weight"
    ):
        weights[kind] = weight
    return weights


@dataclass
class DeputyYearSummary:
    deputy: Deputy
    total: int
    hours: Decimal
    score: Decimal
    rank: int
    by_kind: dict[str, int]
    satisfied: int
    basically_satisfied: int
    unsatisfied: int

    @property
    def review_total(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def satisfaction_rate(self) -> float | None:
        """(满意 + 基本满意) / voters who rated, over the year's 述职评议 entries."""
        if not self.review_total:
            return None
        return (self.satisfied + self.basically_satisfied) / self.review_total


def _year_filter(year: int) -> Q:
    return Q(duty_records__date__gte=datetime.date(year, 1, 1)) & Q(
        duty_records__date__lte=datetime.date(year, 12, 31)
    )


def annual_summary(*, township: Township, year: int) -> list[DeputyYearSummary]:
    """The year's 履职登记 of every deputy on the township roster, best first.

    * ``total``: duty entries dated in the year; ``hours``: their hours.
    * ``score`` = Σ over the year's entries of the township's weight for the entry's kind
      (:func:`duty_weights`).
    * ``rank``: standard competition rank of ``score`` inside the township (1, 2, 2, 4 …);
      deputies with no entry share the last rank.
    * ``satisfied`` … ``unsatisfied``: voters' verdicts summed over the year's 述职评议 entries.

    One query for the figures (aggregates and the rank window run in the database) plus one
    for the levels.
    """
    weights = duty_weights(township)
    in_year = _year_filter(year)
    decimal = DecimalField(max_digits=9, decimal_places=1)
    kind_counts = {
        f"n_{kind}": Count("duty_records", filter=in_year & Q(duty_records__kind=kind))
        for kind in DutyKind.values
    }
    score = Coalesce(
        Sum(
            Case(
                *[
                    When(duty_records__kind=kind, then=Value(weights[kind]))
                    for kind in DutyKind.values
                ],
                default=Value(Decimal(0)),
                output_field=decimal,
            ),
            filter=in_year,
        ),
        Value(Decimal(0)),
        output_field=decimal,
    )

    def verdict(field_name):
        return Coalesce(
            Sum(f"duty_records__{field_name}", filter=in_year),
            Value(0),
            output_field=IntegerField(),
        )

    rows = (
        township_roster(township)
        .annotate(
            total=Count("duty_records", filter=in_year),
            hours_sum=Coalesce(
                Sum("duty_records__hours", filter=in_year), Value(Decimal(0)), output_field=decimal
            ),
            score=score,
            satisfied=verdict("satisfied_count"),
            basically_satisfied=verdict("basically_satisfied_count"),
            unsatisfied=verdict("unsatisfied_count"),
            **kind_counts,
        )
        .annotate(rank=Window(Rank(), order_by=F("score").desc()))
        .order_by("-score", "-total", "district__number", "name", "pk")
    )
    return [
        DeputyYearSummary(
            deputy=d,
            total=d.total,
            hours=Decimal(d.hours_sum).quantize(Decimal("0.1")),
            score=Decimal(d.score).quantize(Decimal("0.1")),
            rank=d.rank,
            by_kind={kind: getattr(d, f"n_{kind}") for kind in DutyKind.values},
            satisfied=d.satisfied,
            basically_satisfied=d.basically_satisfied,
            unsatisfied=d.unsatisfied,
        )
        for d in rows
    ]


def deputies_without_records(*, township: Township, year: int) -> QuerySet[Deputy]:
    """Deputies on the township roster with no duty entry dated in ``year``."""
    return township_roster(township).exclude(
        Exists(DutyRecord.objects.filter(deputy=OuterRef("pk"), date__year=year))
    )


def deputy_year_summary(deputy: Deputy, year: int) -> DeputyYearSummary | None:
    """One deputy's line of :func:`annual_summary` (None when not on the roster)."""
    for row in annual_summary(township=deputy.township, year=year):
        if row.deputy.pk == deputy.pk:
            return row
    return None


def deputy_records(deputy: Deputy, *, year: int | None = None) -> QuerySet[DutyRecord]:
    qs = deputy.duty_records.prefetch_related("photos", "participants")
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("-date", "-id")


# --- Public board (公示栏) ---------------------------------------------------------------------


@dataclass
class BoardEntry:
    """What the public board shows of one deputy. Deliberately has no phone field."""

    name: str
    photo_url: str
    levels: str
    group: str
    district: str
    stations: list[str]
    record_count: int
    hours: Decimal
    kinds: list[tuple[str, int]] = field(default_factory=list)
    is_presidium_member: bool = False
    pk: int | None = None
    district_number: int | None = None
    # (pk, name) of each station, so a public page can link to the station's own page.
    station_refs: list[tuple[int, str]] = field(default_factory=list)

    @property
    def initial(self) -> str:
        return self.name[:1]


def public_board(deputies: QuerySet[Deputy], *, year: int | None = None) -> list[BoardEntry]:
    """The 公示栏 for a set of deputies (an electoral district's, a station's): photo, name,
    levels, group, district, stations, and this year's duty summary (entries, hours, the kinds
    done). Only deputies on the roster are shown. No phone number, ever.

    A station page calls ``public_board(station.deputies.all())`` and includes the template
    ``deputies/partials/board.html`` with ``board=…``. Three queries whatever the size."""
    year = year or timezone.localdate().year
    in_year = _year_filter(year)
    kind_counts = {
        f"n_{kind}": Count("duty_records", filter=in_year & Q(duty_records__kind=kind))
        for kind in DutyKind.values
    }
    rows = (
        deputies.on_roster()
        .select_related("group", "district")
        .prefetch_related(_active_mandates_prefetch(), "stations")
        .annotate(
            record_count=Count("duty_records", filter=in_year),
            hours_sum=Coalesce(
                Sum("duty_records__hours", filter=in_year),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=9, decimal_places=1),
            ),
            **kind_counts,
        )
        .order_by("district__number", "name", "pk")
    )
    labels = dict(DutyKind.choices)
    board = []
    for d in rows:
        board.append(
            BoardEntry(
                name=d.name,
                photo_url=d.photo.url if d.photo else "",
                levels=d.levels_display,
                group=d.group.name if d.group else "",
                district=f"第{d.district.number}选区" if d.district else "",
                stations=[s.name for s in d.stations.all()],
                record_count=d.record_count,
                hours=Decimal(d.hours_sum).quantize(Decimal("0.1")),
                kinds=[
                    (labels[kind], getattr(d, f"n_{kind}"))
                    for kind in DutyKind.values
                    if getattr(d, f"n_{kind}")
                ],
                is_presidium_member=d.is_presidium_member,
                pk=d.pk,
                district_number=d.district.number if d.district else None,
                station_refs=[(s.pk, s.name) for s in d.stations.all() if s.is_active],
            )
        )
    return board


def district_board(district: ElectoralDistrict, *, year: int | None = None) -> list[BoardEntry]:
    """The 公示栏 of one electoral district."""
    return public_board(Deputy.objects.filter(district=district), year=year)


def districts_with_deputy_counts(township: Township) -> QuerySet[ElectoralDistrict]:
    """The township's districts with ``deputy_count`` (roster deputies) for the public index."""
    on_roster = Q(deputies__in=Deputy.objects.on_roster())
    return (
        township.districts.prefetch_related("villages")
        .annotate(deputy_count=Count("deputies", filter=on_roster, distinct=True))
        .order_by("number")
    )
