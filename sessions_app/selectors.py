"""Reads of the sessions app: rosters, quorum and majority arithmetic, attendance, results,
ranking of 民生实事 projects, and the compliance flags (sessions per year, presidium meetings
per quarter). Every threshold is computed with integers, never floats."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.http import Http404

from congress.models import Term, Township
from congress.tenancy import scope_to_user
from deputies.models import Deputy
from deputies.selectors import term_roster as deputies_term_roster

from . import conf
from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotBox,
    BallotReceipt,
    Choice,
    CongressSession,
    LivelihoodProject,
    PresidiumMeeting,
    SupervisionActivity,
    Vote,
)

# --- Roster ------------------------------------------------------------------------------------


def term_roster(term: Term) -> QuerySet:
    """The voting deputies of a term: ``deputies.selectors.term_roster`` (one definition, one
    row per person)."""
    return deputies_term_roster(term)


def roster_size(term: Term) -> int:
    return term_roster(term).count()


def is_on_roster(term: Term, deputy: Deputy) -> bool:
    return term_roster(term).filter(pk=deputy.pk).exists()


# --- Arithmetic (pure) -------------------------------------------------------------------------


def quorum_required(total: int, fraction: tuple[int, int] | None = None) -> int:
    """Smallest number of deputies present that satisfies 三分之二以上 (boundary included):
    ceil(total × n / d) in integers. 31 → 21, 63 → 42, 115 → 77."""
    numerator, denominator = fraction or conf.quorum_fraction()
    return -(-total * numerator // denominator)


def has_quorum(present: int, total: int, fraction: tuple[int, int] | None = None) -> bool:
    """present / total ≥ n / d, i.e. present × d ≥ total × n. An empty roster has no quorum."""
    numerator, denominator = fraction or conf.quorum_fraction()
    return total > 0 and present * denominator >= total * numerator


def majority_required(total: int) -> int:
    """过半数 of ALL the deputies: the smallest yes count strictly above half. 63 → 32."""
    return total // 2 + 1


def motion_passes(yes: int, total: int) -> bool:
    """Strictly more than half of all the deputies of the term (not of those present)."""
    return total > 0 and yes * 2 > total


# --- Access ------------------------------------------------------------------------------------


def sessions_for_user(user) -> QuerySet:
    return scope_to_user(
        CongressSession.objects.select_related("term", "township"), user
    ).order_by("-start_date", "-pk")


def get_session_for_user(user, pk) -> CongressSession:
    session = sessions_for_user(user).filter(pk=pk).first()
    if session is None or not user.has_perm("sessions_app.view_session", session):
        raise Http404("没有找到这次会议。")
    return session


def get_vote_for_user(user, pk) -> Vote:
    vote = (
        scope_to_user(Vote.objects.select_related("session__term", "session__township", "agenda_item"), user)
        .filter(pk=pk)
        .first()
    )
    if vote is None or not user.has_perm("sessions_app.view_session", vote.session):
        raise Http404("没有找到这项表决。")
    return vote


# --- Attendance --------------------------------------------------------------------------------


@dataclass
class AttendanceSummary:
    total: int
    required: int
    present: list = field(default_factory=list)
    leave: list = field(default_factory=list)  # (deputy, reason)
    absent: list = field(default_factory=list)
    unrecorded_count: int = 0  # absent with no record at all (not checked in, not marked)

    @property
    def present_count(self) -> int:
        return len(self.present)

    @property
    def quorum_reached(self) -> bool:
        return has_quorum(self.present_count, self.total)

    @property
    def missing(self) -> int:
        return max(self.required - self.present_count, 0)


def present_count(session: CongressSession) -> int:
    roster = term_roster(session.term)
    return Attendance.objects.filter(
        session=session, status=Attendance.Status.PRESENT, deputy__in=roster.values("pk")
    ).count()


def attendance_summary(session: CongressSession) -> AttendanceSummary:
    """Everybody on the term's roster as present / on leave (with reason) / absent. Two queries."""
    roster = list(term_roster(session.term))
    rows = {
        a.deputy_id: a
        for a in Attendance.objects.filter(session=session).only(
            "deputy_id", "status", "leave_reason", "checked_in_at", "method"
        )
    }
    summary = AttendanceSummary(total=len(roster), required=quorum_required(len(roster)))
    for deputy in roster:
        row = rows.get(deputy.pk)
        if row and row.status == Attendance.Status.PRESENT:
            summary.present.append((deputy, row))
        elif row and row.status == Attendance.Status.LEAVE:
            summary.leave.append((deputy, row))
        else:
            summary.absent.append(deputy)
            summary.unrecorded_count += row is None
    return summary


# --- Votes -------------------------------------------------------------------------------------


def ballot_counts(vote: Vote) -> dict[str, int]:
    """Counts of the cast ballots by choice: the ballots written when the box was opened, plus
    the sealed box's totals while the vote is still open."""
    agg = Ballot.objects.filter(vote=vote).aggregate(
        yes=Count("pk", filter=Q(choice=Choice.YES)),
        no=Count("pk", filter=Q(choice=Choice.NO)),
        abstain=Count("pk", filter=Q(choice=Choice.ABSTAIN)),
    )
    counts = {"yes": agg["yes"], "no": agg["no"], "abstain": agg["abstain"]}
    box = BallotBox.objects.filter(vote=vote, counted=False).first()
    if box is not None:
        counts = {k: counts[k] + v for k, v in box.totals().items()}
    return counts


def ballot_audit(vote: Vote) -> dict:
    """What anyone may verify after a vote: receipts (who voted) = ballots = box totals, and
    the ballots by choice = the stored result."""
    box = BallotBox.objects.filter(vote=vote).first()
    return {
        "receipts": BallotReceipt.objects.filter(vote=vote).count(),
        "ballots": Ballot.objects.filter(vote=vote).count(),
        "box": box.totals() if box else None,
        "counts": ballot_counts(vote),
    }


@dataclass
class VoteResult:
    vote: Vote
    total: int
    yes: int
    no: int
    abstain: int
    final: bool
    sealed: bool = False

    @property
    def not_voted(self) -> int:
        return max(self.total - self.yes - self.no - self.abstain, 0)

    @property
    def required(self) -> int:
        return majority_required(self.total)

    @property
    def passed(self) -> bool:
        return motion_passes(self.yes, self.total)


def vote_result(vote: Vote) -> VoteResult:
    if vote.status == Vote.Status.CLOSED:
        return VoteResult(vote, vote.roster_size, vote.yes_count, vote.no_count, vote.abstain_count, True)
    total = vote.roster_size if vote.roster_size is not None else roster_size(vote.session.term)
    # A secret ballot's box stays sealed until the vote closes: a live tally watched while
    # deputies vote one by one would show what each chose.
    sealed = vote.ballot_kind == Vote.BallotKind.SECRET
    if vote.method == Vote.Method.ELECTRONIC and not sealed:
        counts = ballot_counts(vote)
    else:
        counts = {"yes": 0, "no": 0, "abstain": 0}
    return VoteResult(vote, total, counts["yes"], counts["no"], counts["abstain"], False, sealed)


def votes_for_session(session: CongressSession) -> QuerySet:
    return (
        Vote.objects.filter(session=session)
        .select_related("agenda_item", "livelihood_project")
        .annotate(receipt_count=Count("receipts"))
        .order_by("pk")
    )


def open_votes_for_deputy(session: CongressSession, deputy: Deputy) -> QuerySet:
    return Vote.objects.filter(
        session=session, status=Vote.Status.OPEN, method=Vote.Method.ELECTRONIC
    ).exclude(receipts__deputy=deputy)


# --- 民生实事 ranking --------------------------------------------------------------------------


@dataclass
class RankedProject:
    project: LivelihoodProject
    yes: int
    no: int
    abstain: int
    approved: bool
    rank: int | None = None
    selected: bool = False


def rank_livelihood_projects(rows: list[RankedProject], *, total: int, quota: int) -> list[RankedProject]:
    """Selection rule (民生实事代表票决):

    1. A project is approved when its 赞成 votes are more than half of ALL the deputies of the
       term (``total``).
    2. Approved projects are ranked by 赞成 votes, most first; ties are broken by fewer 反对
       votes, then the lower budget, then the earlier entry order (``entry_order``, then id).
    3. The first ``quota`` approved projects are selected. Projects not approved get no rank.
    """
    for row in rows:
        row.approved = motion_passes(row.yes, total)
        row.rank = None
        row.selected = False
    approved = sorted(
        (r for r in rows if r.approved),
        key=lambda r: (-r.yes, r.no, Decimal(r.project.budget), r.project.entry_order, r.project.pk or 0),
    )
    for position, row in enumerate(approved, start=1):
        row.rank = position
        row.selected = position <= quota
    not_approved = sorted((r for r in rows if not r.approved), key=lambda r: (-r.yes, r.project.entry_order))
    return approved + not_approved


def livelihood_projects_for_session(session: CongressSession) -> QuerySet:
    return (
        LivelihoodProject.objects.filter(session=session)
        .select_related("department", "vote")
        .order_by("entry_order", "pk")
    )


def livelihood_ranking(session: CongressSession) -> list[RankedProject]:
    """Current standing of the session's projects (final once every project vote is closed)."""
    projects = list(livelihood_projects_for_session(session))
    total = roster_size(session.term)
    rows = []
    for project in projects:
        vote = project.vote
        if vote is None:
            rows.append(RankedProject(project, 0, 0, 0, False))
            continue
        result = vote_result(vote)
        total = result.total
        rows.append(RankedProject(project, result.yes, result.no, result.abstain, False))
    return rank_livelihood_projects(rows, total=total, quota=session.livelihood_quota)


# --- Compliance flags --------------------------------------------------------------------------


@dataclass
class YearSessions:
    year: int
    count: int
    complete: bool  # the year is over

    @property
    def flagged(self) -> bool:
        """Fewer than the two sessions a township congress holds each year."""
        return self.count < 2 and self.complete

    @property
    def pending(self) -> bool:
        return self.count < 2 and not self.complete


def sessions_per_year(township: Township, *, today: datetime.date, since_year: int | None = None) -> list[YearSessions]:
    """Sessions held per calendar year from the current term's first year (or ``since_year``)
    to this year. A finished year with fewer than two sessions is flagged; the current year is
    only "pending" until it is over."""
    if since_year is None:
        term = Term.objects.filter(township=township, is_current=True).first()
        since_year = term.start_date.year if term else today.year
        if term and term.start_date.month == 12:
            since_year += 1  # a term elected in late December starts its first full year next
    counts = dict(
        CongressSession.objects.filter(
            township=township, start_date__year__gte=since_year, start_date__lte=today
        )
        .values_list("start_date__year")
        .annotate(n=Count("pk"))
        .values_list("start_date__year", "n")
    )
    return [
        YearSessions(year, counts.get(year, 0), complete=year < today.year)
        for year in range(since_year, today.year + 1)
    ]


def years_with_too_few_sessions(township: Township, *, today: datetime.date, since_year: int | None = None) -> list[int]:
    return [y.year for y in sessions_per_year(township, today=today, since_year=since_year) if y.flagged]


@dataclass
class QuarterMeetings:
    year: int
    quarter: int
    count: int
    complete: bool

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度"

    @property
    def flagged(self) -> bool:
        return self.count == 0 and self.complete


def _quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def presidium_meetings_per_quarter(township: Township, *, today: datetime.date) -> list[QuarterMeetings]:
    """Presidium meetings per calendar quarter between sessions: from the quarter of the
    current term's first session up to today. A quarter that is over without any presidium
    meeting is flagged (主席团在闭会期间至少每季度举行一次会议). The running quarter is never
    flagged. See :func:`presidium_meetings_per_quarter_by_township`."""
    return presidium_meetings_per_quarter_by_township([township.pk], today=today).get(township.pk, [])


def presidium_meetings_per_quarter_by_township(township_ids, *, today: datetime.date) -> dict[int, list[QuarterMeetings]]:
    """{township_id: [QuarterMeetings]} for many townships in two queries (the definition of
    :func:`presidium_meetings_per_quarter`). Townships without a session in their current term
    get an empty list."""
    township_ids = list(township_ids)
    firsts = dict(
        CongressSession.objects.filter(township_id__in=township_ids, term__is_current=True)
        .values("township_id")
        .annotate(first=Min("start_date"))
        .values_list("township_id", "first")
        .order_by()
    )
    if not firsts:
        return {}
    earliest = min(firsts.values())
    earliest_year, earliest_quarter = _quarter_of(earliest)
    counts: dict[tuple[int, int, int], int] = {}
    for township_id, day in PresidiumMeeting.objects.filter(
        township_id__in=list(firsts), date__gte=datetime.date(earliest_year, 3 * earliest_quarter - 2, 1)
    ).values_list("township_id", "date"):
        key = (township_id, *_quarter_of(day))
        counts[key] = counts.get(key, 0) + 1
    now = _quarter_of(today)
    result = {}
    for township_id, first in firsts.items():
        year, quarter = _quarter_of(first)
        rows = []
        while (year, quarter) <= now:
            rows.append(QuarterMeetings(year, quarter, counts.get((township_id, year, quarter), 0), (year, quarter) < now))
            year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
        result[township_id] = rows
    return result


def quarters_without_presidium_meeting(township: Township, *, today: datetime.date) -> list[QuarterMeetings]:
    return [q for q in presidium_meetings_per_quarter(township, today=today) if q.flagged]


# --- Supervision ------------------------------------------------------------------------------


def supervision_for_user(user) -> QuerySet:
    return (
        scope_to_user(SupervisionActivity.objects.all(), user)
        .select_related("subject_department")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-planned_date", "-pk")
    )


# --- Public ------------------------------------------------------------------------------------


def published_resolutions(township: Township) -> QuerySet:
    return (
        AgendaItem.objects.filter(session__township=township, resolution_published=True)
        .select_related("session__term")
        .order_by("-session__start_date", "order")
    )


def public_livelihood_projects(township: Township) -> QuerySet:
    """Selected projects with their department and progress, newest session first."""
    from .models import ProjectProgress

    return (
        LivelihoodProject.objects.filter(session__township=township, selected=True)
        .select_related("department", "session__term")
        .prefetch_related(Prefetch("progress", queryset=ProjectProgress.objects.order_by("-date", "-id")))
        .order_by("-session__start_date", "rank")
    )
