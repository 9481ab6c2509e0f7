"""Votes: open and secret ballots, one ballot per deputy, nothing after close, paper counts,
and the verdict counted on ALL the deputies of the term."""

import threading

import pytest
from django.db import connection, models

from sessions_app import selectors, services
from sessions_app.models import Ballot, BallotReceipt, Choice, CongressSession, Vote

from .factories import Hall, VoteFactory, make_roster, mark_present

pytestmark = pytest.mark.django_db


def open_hall(size=10, accounts=5, present=None):
    hall = Hall(size=size, accounts=accounts)
    mark_present(hall.session, hall.roster[: present or size])
    services.session_open(actor=hall.staff, session=hall.session)
    return hall


def test_vote_cannot_start_before_the_session_opens_nor_without_quorum(hall):
    vote = VoteFactory(session=hall.session)
    with pytest.raises(services.ActionRefused, match="开幕后"):
        services.vote_open(actor=hall.staff, vote=vote)
    mark_present(hall.session, hall.roster[:7])
    services.session_open(actor=hall.staff, session=hall.session)
    # Two deputies leave the hall: 5 of 10 present is below two-thirds.
    hall.session.attendances.filter(deputy__in=hall.roster[:2]).update(status="absent")
    with pytest.raises(services.ActionRefused, match="不足法定人数"):
        services.vote_open(actor=hall.staff, vote=vote)
    vote.refresh_from_db()
    assert vote.status == Vote.Status.DRAFT


def test_open_ballot_records_the_choice_and_counts(django_capture_on_commit_callbacks):
    hall = open_hall()
    vote = VoteFactory(session=hall.session, ballot_kind=Vote.BallotKind.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_open(actor=hall.staff, vote=vote)
    users = hall.deputy_users()
    assert users[0].notifications.filter(title__contains=vote.title).exists()
    for user, choice in zip(users, ["yes", "yes", "no", "abstain", "yes"]):
        services.vote_cast(actor=user, vote=vote, choice=choice)
    receipt = BallotReceipt.objects.get(vote=vote, deputy=hall.roster[2])
    assert receipt.choice == Choice.NO
    services.vote_close(actor=hall.staff, vote=vote)
    vote.refresh_from_db()
    assert (vote.yes_count, vote.no_count, vote.abstain_count, vote.not_voted_count) == (3, 1, 1, 5)
    assert vote.passed is False  # 3 of 10 deputies is not more than half of all


def test_passing_threshold_counts_all_deputies_not_those_present():
    # 63 deputies, 42 present (exact quorum): 31 yes is a big majority of those present but
    # not more than half of all 63; 32 yes passes.
    hall = Hall(size=63, accounts=0)
    mark_present(hall.session, hall.roster[:42])
    services.session_open(actor=hall.staff, session=hall.session)
    failing = VoteFactory(session=hall.session, method=Vote.Method.PAPER)
    passing = VoteFactory(session=hall.session, method=Vote.Method.PAPER)
    for vote in (failing, passing):
        services.vote_open(actor=hall.staff, vote=vote)
    services.vote_record_paper_counts(actor=hall.staff, vote=failing, yes=31, no=5, abstain=6)
    services.vote_record_paper_counts(actor=hall.staff, vote=passing, yes=32, no=5, abstain=5)
    failing.refresh_from_db(), passing.refresh_from_db()
    assert failing.roster_size == 63
    assert failing.passed is False and passing.passed is True
    assert passing.not_voted_count == 21


def test_paper_counts_cannot_exceed_those_present():
    hall = open_hall(size=10, accounts=0, present=8)
    vote = VoteFactory(session=hall.session, method=Vote.Method.PAPER)
    services.vote_open(actor=hall.staff, vote=vote)
    with pytest.raises(services.ActionRefused, match="多于出席代表"):
        services.vote_record_paper_counts(actor=hall.staff, vote=vote, yes=6, no=2, abstain=1)
    vote.refresh_from_db()
    assert vote.status == Vote.Status.OPEN and vote.yes_count is None


def test_nobody_votes_twice_and_nothing_changes():
    hall = open_hall()
    vote = VoteFactory(session=hall.session)
    services.vote_open(actor=hall.staff, vote=vote)
    user = hall.deputy_users()[0]
    services.vote_cast(actor=user, vote=vote, choice="yes")
    with pytest.raises(services.ActionRefused, match="只能表决一次"):
        services.vote_cast(actor=user, vote=vote, choice="no")
    assert selectors.ballot_counts(vote) == {"yes": 1, "no": 0, "abstain": 0}
    services.vote_close(actor=hall.staff, vote=vote)  # the box is opened: one ballot
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert list(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == ["yes"]


def test_database_refuses_a_second_receipt(hall):
    from django.db import IntegrityError, transaction

    vote = VoteFactory(session=hall.session)
    BallotReceipt.objects.create(vote=vote, deputy=hall.roster[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotReceipt.objects.create(vote=vote, deputy=hall.roster[0])


def test_no_vote_after_close_before_open_by_non_deputy_or_absent_deputy():
    hall = open_hall(size=10, accounts=5, present=8)
    vote = VoteFactory(session=hall.session)
    users = hall.deputy_users()
    with pytest.raises(services.ActionRefused, match="尚未开始"):
        services.vote_cast(actor=users[0], vote=vote, choice="yes")
    services.vote_open(actor=hall.staff, vote=vote)
    with pytest.raises(services.ActionRefused, match="没有关联人大代表"):
        services.vote_cast(actor=hall.staff, vote=vote, choice="yes")
    hall.session.attendances.filter(deputy=hall.roster[0]).delete()
    with pytest.raises(services.ActionRefused, match="请先签到"):
        services.vote_cast(actor=users[0], vote=vote, choice="yes")
    services.vote_close(actor=hall.staff, vote=vote)
    with pytest.raises(services.ActionRefused, match="已经结束"):
        services.vote_cast(actor=users[1], vote=vote, choice="yes")
    assert not Ballot.objects.filter(vote=vote).exists()
    assert not BallotReceipt.objects.filter(vote=vote).exists()


def test_deputy_of_another_township_cannot_vote():
    hall = open_hall()
    other = Hall(size=1, accounts=1)
    vote = VoteFactory(session=hall.session)
    services.vote_open(actor=hall.staff, vote=vote)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=other.deputy_users()[0], vote=vote, choice="yes")


# --- Secret ballot unlinkability ---------------------------------------------------------------


def test_secret_ballot_schema_has_no_link_to_a_deputy_nor_to_time():
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "vote", "choice"}
    assert isinstance(fields["id"], models.UUIDField)  # random key, no sequence to join on
    related = [f.related_model for f in fields.values() if f.is_relation]
    assert related == [Vote]
    assert not any(isinstance(f, (models.DateTimeField, models.DateField, models.AutoField)) for f in fields.values())
    # The database table itself: three columns, none of them a deputy, a time or a counter.
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)]
    assert sorted(columns) == ["choice", "id", "vote_id"]
    # The receipt has no reference to a ballot, and ballots are not audited by history.
    receipt_fields = {f.name for f in BallotReceipt._meta.get_fields() if f.concrete}
    assert receipt_fields == {"id", "vote", "deputy", "choice"}
    assert not hasattr(Ballot, "history")


def test_secret_ballot_rows_cannot_be_joined_back_to_deputies():
    hall = open_hall(size=12, accounts=12)
    vote = VoteFactory(session=hall.session, ballot_kind=Vote.BallotKind.SECRET)
    services.vote_open(actor=hall.staff, vote=vote)
    choices = ["yes", "no", "abstain", "yes", "yes", "no", "yes", "abstain", "yes", "no", "yes", "yes"]
    for user, choice in zip(hall.deputy_users(), choices):
        services.vote_cast(actor=user, vote=vote, choice=choice)
    # Who voted is known...
    assert BallotReceipt.objects.filter(vote=vote).count() == 12
    # ...but no receipt carries a choice...
    assert set(BallotReceipt.objects.filter(vote=vote).values_list("choice", flat=True)) == {""}
    # ...and the ballots, written when the vote closes, carry only a random key and the choice.
    assert selectors.ballot_counts(vote) == {"yes": 7, "no": 3, "abstain": 2}
    services.vote_close(actor=hall.staff, vote=vote)
    rows = list(Ballot.objects.filter(vote=vote).values())
    assert all(set(row) == {"id", "vote_id", "choice"} for row in rows)
    assert all(row["id"].version == 4 for row in rows)
    # The counts still add up.
    assert selectors.ballot_counts(vote) == {"yes": 7, "no": 3, "abstain": 2}
    # Ordering by key does not replay the casting order (12! orders; a match would be chance).
    by_key = [r["choice"] for r in sorted(rows, key=lambda r: r["id"])]
    assert sorted(by_key) == sorted(choices)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_voting_refused_under_concurrency_on_postgresql():
    hall = Hall(size=3, accounts=1)
    mark_present(hall.session, hall.roster)
    services.session_open(actor=hall.staff, session=hall.session)
    vote = VoteFactory(session=hall.session)
    services.vote_open(actor=hall.staff, vote=vote)
    user = hall.deputy_users()[0]
    barrier = threading.Barrier(6)
    outcomes = []

    def cast(choice):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.vote_cast(actor=user, vote=vote, choice=choice)
            outcomes.append("ok")
        except services.ActionRefused:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=cast, args=(c,)) for c in ["yes", "no", "abstain", "yes", "no", "yes"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 5
    assert BallotReceipt.objects.filter(vote=vote).count() == 1
    assert sum(selectors.ballot_counts(vote).values()) == 1


def test_close_session_gives_present_deputies_one_duty_record_each():
    hall = open_hall(size=10, accounts=0, present=8)
    services.session_close(actor=hall.staff, session=hall.session)
    from deputies.models import DutyKind, DutyRecord

    records = DutyRecord.objects.filter(source_key=f"session:{hall.session.pk}")
    assert records.count() == 8
    assert set(records.values_list("kind", flat=True)) == {DutyKind.ATTEND_SESSION}
    services.attendance_record_duties(actor=hall.staff, session=hall.session)
    assert records.count() == 8
    hall.session.refresh_from_db()
    assert hall.session.status == CongressSession.Status.CLOSED
