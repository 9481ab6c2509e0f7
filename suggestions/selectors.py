"""Reads: permission-checking accessors, queues, rate limits, and the entry points to the
figures (办复率 …), which are defined once in the registry :mod:`suggestions.figures` (each
figure's definition sentence, population, period field, filters and rounding live there and
nowhere else).

Every figure function takes ``townships`` (a queryset/list of townships, or None for
county-wide), optional ``department`` and a date range ``date_from``/``date_to`` (inclusive,
either may be None).
"""


from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from congress.tenancy import scope_to_user

from . import counters, figures, lights
from .models import OPEN_STATES, ChangeRequest, State, Suggestion
from .rules import can_view_suggestion, deputy_of

# --- accessors and lists -----------------------------------------------------------------------


def get_suggestion_for_user(user, pk: int) -> Suggestion:
    """The suggestion if ``user`` may see it, else 404 (never reveals that it exists)."""
    suggestion = (
        Suggestion.objects.select_related(
            "township", "category", "village", "station", "lead_deputy", "lead_department", "supervisor",
            "proposed_department",
        )
        .filter(pk=pk)
        .first()
    )
    if suggestion is None or not can_view_suggestion.test(user, suggestion):
        raise Http404("建议不存在或您无权查看。")
    return suggestion


def light_horizons(today=None) -> lights.Horizons:
    """Each township's yellow-light horizon for today (two queries, once per page)."""
    return lights.Horizons.load(today or timezone.localdate())


def with_lights(qs: QuerySet, today=None) -> QuerySet:
    """``qs`` with each row's ``light`` annotated (for other apps' lists of suggestions)."""
    return lights.with_lights(qs, light_horizons(today))


def light_label(light: str) -> str:
    """红灯 / 黄灯 / "" for an annotated ``light``."""
    return lights.Light(light).label if light else ""


def _list_qs(horizons: lights.Horizons | None = None) -> QuerySet:
    """Suggestions for a list, each row annotated with its ``light`` (红灯/黄灯, see
    :mod:`suggestions.lights`) in the same query."""
    qs = Suggestion.objects.select_related("township", "category", "village", "lead_department", "lead_deputy")
    return lights.with_lights(qs, horizons or light_horizons())


def work_queue(user, *, state: str = "", q: str = "", overdue: bool = False, light: str = "",
               department: str = "", horizons: lights.Horizons | None = None) -> QuerySet:
    """The staff work queue: their township's suggestions, open ones first by deadline.
    ``overdue`` (只看逾期) keeps the red ones; ``light`` ("red"/"yellow") one colour;
    ``department`` a lead department's id ("none": not dispatched yet)."""
    horizons = horizons or light_horizons()
    qs = scope_to_user(_list_qs(horizons), user)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(lights.red_q(horizons.today))
    if light in lights.Light.values:
        qs = qs.filter(lights.light_q(light, horizons))
    if department == "none":
        qs = qs.filter(lead_department__isnull=True)
    elif str(department).isdigit():
        qs = qs.filter(lead_department_id=int(department))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__iexact=q) | Q(content__icontains=q))
    return qs.order_by(F("due_date").asc(nulls_last=True), "-submitted_at")


def deputy_inbox(user, horizons=None) -> QuerySet:
    """Routed to the deputy and not yet claimed by anyone."""
    deputy = deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return _list_qs(horizons).filter(routed_deputies=deputy, state=State.SUBMITTED).order_by(F("due_date").asc(nulls_last=True))


def deputy_own(user, horizons=None) -> QuerySet:
    """Led or co-signed by the deputy."""
    deputy = deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return (
        _list_qs(horizons).filter(Q(lead_deputy=deputy) | Q(cosigners=deputy)).distinct().order_by("-submitted_at")
    )


def department_queue(user) -> QuerySet:
    if not user.department_id:
        return Suggestion.objects.none()
    return (
        _list_qs()
        .filter(Q(lead_department_id=user.department_id) | Q(co_departments=user.department_id))
        .exclude(state__in=[State.SUBMITTED, State.CLAIMED, State.PRESENTED])
        .distinct()
        .order_by(F("due_date").asc(nulls_last=True), "-dispatched_at")
    )


def light_counts_by_department(user, horizons: lights.Horizons | None = None) -> list[lights.DepartmentLights]:
    """Per lead department of the user's township (county viewer: county), how many open items
    are red and yellow (one query)."""
    horizons = horizons or light_horizons()
    return lights.department_counts(scope_to_user(Suggestion.objects.all(), user), horizons)


def supervised_by(user, horizons: lights.Horizons | None = None) -> QuerySet:
    """Open key suggestions this user supervises (督办领导), nearest deadline first."""
    return (_list_qs(horizons).filter(supervisor=user, is_key=True, state__in=OPEN_STATES)
            .order_by(F("due_date").asc(nulls_last=True)))


def light_of(suggestion, today=None) -> str:
    """The light of one suggestion (its township's horizon only)."""
    if suggestion.state not in lights.LIT_STATES or suggestion.due_date is None:
        return ""
    today = today or timezone.localdate()
    return lights.Horizons.load(today, [suggestion.township_id]).light(suggestion) or ""


def pending_requests(suggestion) -> list[ChangeRequest]:
    return list(suggestion.change_requests.filter(status=ChangeRequest.Status.PENDING).select_related("department"))


def public_results(township) -> QuerySet:
    """Closed suggestions marked public; the template shows no submitter details."""
    return (
        Suggestion.objects.filter(township=township, state=State.CLOSED, is_public=True)
        .select_related("category", "village", "lead_department")
        .prefetch_related("replies")
        .order_by("-closed_at")
    )


def preferred_deputy(township, deputy_id):
    """The deputy named by a scanned 代表码 (``?deputy=<id>``) when on this township's roster;
    None for anything else (a stale or foreign code falls back to the usual routing)."""
    from deputies.models import Deputy

    if not str(deputy_id or "").isdigit():
        return None
    return Deputy.objects.on_roster().filter(pk=int(deputy_id), township=township).first()


def find_for_tracking(code: str, phone_last4: str) -> Suggestion | None:
    """By tracking code + the last four digits of the phone (anonymous ones: code only)."""
    suggestion = Suggestion.objects.select_related("township", "lead_department", "category").filter(code=code).first()
    if suggestion is None:
        return None
    if suggestion.submitter_phone:
        if not phone_last4 or suggestion.submitter_phone[-4:] != phone_last4:
            return None
    return suggestion


def suggestion_for_tracking_session(pk: int) -> Suggestion | None:
    """The item this browser already looked up with its code (kept in the session)."""
    return Suggestion.objects.select_related("township", "lead_department", "category").filter(pk=pk).first()


# --- rate limiting -------------------------------------------------------------------------------

RATE_LIMIT_MESSAGE = "提交过于频繁,请稍后再试。如有紧急情况请直接拨打人大办电话。"


# --- figures ----------------------------------------------------------------------------------
# Defined once, in the registry (suggestions.figures); these are the entry points the other apps
# call. See the registry for each definition.

Figures = figures.Figures
STAGES = figures.STAGES
FIGURE_TITLES = {key: c.title for key, c in figures.COUNTS.items()}


def _counted(population, date_from, date_to) -> bool:
    """Whether the figure counters (:mod:`suggestions.counters`) answer: every population, whole
    months (a dashboard's year or quarter). Anything else is recounted from the rows."""
    return population == "all" and counters._aligned(date_from, date_to)


def suggestion_figures(*, townships=None, department=None, population: str = "all", date_from=None,
                       date_to=None, today=None, stage_days=True) -> Figures:
    """All figures for one scope (county-wide when ``townships`` is None)."""
    if department is None and _counted(population, date_from, date_to):
        return counters.compute(None, townships=townships, department=department, date_from=date_from,
                                date_to=date_to, today=today, stage_days=stage_days).get(None, Figures())
    return figures.compute(None, townships=townships, department=department, population=population,
                           date_from=date_from, date_to=date_to, today=today,
                           stage_days=stage_days).get(None, Figures())


def figures_by_township(*, townships=None, population: str = "all", date_from=None, date_to=None,
                        today=None, stage_days=True) -> dict[int, Figures]:
    """{township_id: Figures}."""
    if _counted(population, date_from, date_to):
        return counters.compute("township_id", townships=townships, date_from=date_from, date_to=date_to,
                                today=today, stage_days=stage_days)
    return figures.compute("township_id", townships=townships, population=population,
                           date_from=date_from, date_to=date_to, today=today, stage_days=stage_days)


def figures_by_department(*, townships=None, date_from=None, date_to=None, today=None,
                          stage_days=True, top: int | None = None) -> dict[int, Figures]:
    """{lead_department_id: Figures}; ``top``: only the departments with most suggestions
    dispatched in the period (at most that many, with at least one)."""
    if _counted("all", date_from, date_to):
        departments = None
        if top is not None:
            departments = counters.top_departments(townships=townships, date_from=date_from, date_to=date_to,
                                                   today=today, limit=top)
            if not departments:
                return {}
        return counters.compute("lead_department_id", townships=townships, date_from=date_from,
                                date_to=date_to, today=today, stage_days=stage_days, departments=departments)
    by_department = figures.compute("lead_department_id", townships=townships, date_from=date_from,
                                    date_to=date_to, today=today, stage_days=stage_days)
    if top is not None:
        ranked = sorted((k for k, f in by_department.items() if k and f.dispatched), key=lambda k: (-by_department[k].dispatched, k))
        by_department = {k: by_department[k] for k in ranked[:top]}
    return by_department


def state_counts(*, townships=None, date_from=None, date_to=None) -> dict[str, int]:
    """{state: n} of the suggestions received in the period, by their current state."""
    if _counted("all", date_from, date_to):
        return counters.state_counts(townships=townships, date_from=date_from, date_to=date_to)
    return figures.state_counts(townships=townships, date_from=date_from, date_to=date_to)


def counted_year(*, townships, date_from, date_to, today=None, monthly=()) -> counters.Year:
    """The counters of these townships for one dashboard period (a year or a quarter) and the
    months of its year for the ``monthly`` keys, read once; a dashboard sums its cells, totals,
    states chart and monthly chart from it."""
    return counters.Year(townships, date_from, date_to, today, monthly)


def by_month(keys, *, townships=None, year: int, today=None) -> dict[str, list[int]]:
    """{key: [January … December]} of count figures by the month of their own period field."""
    return counters.by_month(keys, townships=townships, year=year, today=today)


def figure_queryset(name: str, *, townships=None, population: str = "all", date_from=None, date_to=None,
                    today=None) -> QuerySet:
    """The suggestions counted by one count figure of the registry (KeyError if unknown)."""
    return figures.COUNTS[name].queryset(townships=townships, population=population, date_from=date_from,
                                         date_to=date_to, today=today)
