import datetime

import pytest

from congress.demo import load_demo
from deputies.models import DutyRecord
from sessions_app import demo as sessions_demo
from sessions_app import selectors
from sessions_app.models import (
    Attendance,
    Ballot,
    BallotReceipt,
    CongressSession,
    LivelihoodProject,
    PresidiumMeeting,
    ProjectProgress,
    SupervisionActivity,
    Vote,
)

from tests.conftest import rolled_back

from .factories import make_roster

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)
MODELS = [CongressSession, Attendance, Vote, BallotReceipt, Ballot, LivelihoodProject, ProjectProgress,
          PresidiumMeeting, SupervisionActivity, DutyRecord]


def snapshot():
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture(scope="module")
def _demo_with_roster(django_db_setup, django_db_blocker):
    """The demo without the sessions part, shared by this module's tests (each rolled back)."""
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as m:
            m.setattr(sessions_demo, "load", lambda ctx: None)
            ctx = load_demo(today=TODAY)
            liuhe = ctx.townships["liuhe"]
            if not selectors.term_roster(liuhe.terms.get(is_current=True)).exists():
                make_roster(liuhe, 63)
        yield ctx


@pytest.fixture
def demo_with_roster(_demo_with_roster, db):
    return _demo_with_roster


def test_demo_is_idempotent_and_deterministic(demo_with_roster):
    load_demo(today=TODAY)
    first = snapshot()
    load_demo(today=TODAY)
    assert snapshot() == first


def test_demo_shape(demo_with_roster):
    ctx = load_demo(today=TODAY)
    liuhe = ctx.townships["liuhe"]
    assert selectors.years_with_too_few_sessions(liuhe, today=TODAY, since_year=TODAY.year - 1) == [TODAY.year - 1]
    missing = selectors.quarters_without_presidium_meeting(liuhe, today=TODAY)
    assert [q.label for q in missing] == [f"{TODAY.year - 1}年第三季度"]
    votes = Vote.objects.filter(session__township=liuhe, livelihood_project__isnull=True)
    assert votes.filter(passed=True).exists() and votes.filter(passed=False).exists()
    projects = LivelihoodProject.objects.filter(session__township=liuhe)
    assert projects.count() > projects.filter(selected=True).count() == 4
    assert ProjectProgress.objects.filter(project__session__township=liuhe).exists()
    assert SupervisionActivity.objects.filter(township=liuhe, kind="work_review", satisfied_count__isnull=False).exists()
    # Ballots add up to the stored counts for every electronic vote.
    for vote in Vote.objects.filter(method="electronic"):
        assert selectors.ballot_counts(vote) == {"yes": vote.yes_count, "no": vote.no_count, "abstain": vote.abstain_count}
    assert Attendance.objects.filter(session__township=liuhe, status="leave").exclude(leave_reason="").exists()
    # Taoyuan without deputies (if the deputies demo is absent) does not crash.
    assert CongressSession.objects.filter(township=ctx.townships["taoyuan"]).count() == 3
