"""Factories and helpers for the sessions app tests."""

import datetime

import factory
from factory.django import DjangoModelFactory

from congress.models import Term
from congress.roles import Role
from deputies.models import Deputy, Gender, Level, Mandate
from sessions_app.models import Attendance, CongressSession, LivelihoodProject, Vote
from tests.factories import DepartmentFactory, TermFactory, TownshipFactory, UserFactory, staff_of


class CongressSessionFactory(DjangoModelFactory):
    class Meta:
        model = CongressSession

    township = factory.SubFactory(TownshipFactory)
    term = factory.LazyAttribute(
        lambda o: Term.objects.filter(township=o.township, is_current=True).first() or TermFactory(township=o.township)
    )
    number = factory.Sequence(lambda n: n + 1)
    kind = CongressSession.Kind.EARLY_YEAR
    start_date = datetime.date(2026, 2, 10)
    end_date = factory.LazyAttribute(lambda o: o.start_date)
    venue = "镇政府三楼会议室"


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    session = factory.SubFactory(CongressSessionFactory)
    title = factory.Sequence(lambda n: f"关于第{n}号事项的决议(草案)")
    ballot_kind = Vote.BallotKind.SECRET
    method = Vote.Method.ELECTRONIC


class LivelihoodProjectFactory(DjangoModelFactory):
    class Meta:
        model = LivelihoodProject

    session = factory.SubFactory(CongressSessionFactory)
    title = factory.Sequence(lambda n: f"民生实事候选项目{n}")
    department = factory.LazyAttribute(lambda o: DepartmentFactory(township=o.session.township))
    budget = 50
    description = "项目内容说明"
    entry_order = factory.Sequence(lambda n: n + 1)


def make_roster(township, size: int, *, accounts: int = 0, term_number: int = 6) -> list[Deputy]:
    """``size`` town-level deputies of the term; the first ``accounts`` can log in."""
    deputies = []
    for i in range(size):
        user = None
        if i < accounts:
            user = UserFactory(township=township, county=township.county, role=Role.DEPUTY, username=f"d{township.pk}_{i}")
        deputies.append(Deputy(township=township, name=f"代表{i:03d}", gender=Gender.MALE, user=user, phone=f"1380000{i:04d}"))
    Deputy.objects.bulk_create(deputies)
    Mandate.objects.bulk_create(
        [Mandate(deputy=d, level=Level.TOWN, term_number=term_number) for d in deputies]
    )
    return deputies


def mark_present(session, deputies) -> None:
    Attendance.objects.bulk_create(
        [Attendance(session=session, deputy=d, status=Attendance.Status.PRESENT, method=Attendance.Method.MANUAL) for d in deputies]
    )


class Hall:
    """One township, its current term, a session, a roster, and the office staff."""

    def __init__(self, size=10, accounts=5):
        self.township = TownshipFactory()
        self.term = TermFactory(township=self.township)
        self.session = CongressSessionFactory(township=self.township, term=self.term)
        self.roster = make_roster(self.township, size, accounts=accounts)
        self.staff = staff_of(self.township)

    def deputy_users(self):
        return [d.user for d in self.roster if d.user_id]
