"""Database rules of the deputies models."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from deputies.models import Level, Mandate, MandateStatus, PresidiumLink
from tests.factories import DeputyFactory, MandateFactory

pytestmark = pytest.mark.django_db


def test_a_person_cannot_hold_two_active_mandates_of_one_level_and_term():
    deputy = DeputyFactory()
    MandateFactory(deputy=deputy, level=Level.TOWN, term_number=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(deputy=deputy, level=Level.TOWN, term_number=6)


def test_other_levels_other_terms_and_ended_mandates_are_allowed():
    deputy = DeputyFactory()
    first = MandateFactory(deputy=deputy, level=Level.TOWN, term_number=6)
    MandateFactory(deputy=deputy, level=Level.COUNTY, term_number=18)
    MandateFactory(deputy=deputy, level=Level.TOWN, term_number=5)
    # Ending the mandate keeps the row; a new active one of the same level and term may follow.
    first.status = MandateStatus.RESIGNED
    first.status_date = datetime.date(2024, 3, 1)
    first.status_reason = "因工作变动辞职"
    first.save()
    MandateFactory(deputy=deputy, level=Level.TOWN, term_number=6)
    assert deputy.mandates.count() == 4


def test_an_ended_mandate_needs_its_date():
    deputy = DeputyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(
            deputy=deputy, level=Level.TOWN, term_number=6, status=MandateStatus.RECALLED
        )


def test_presidium_member_cannot_be_linked_to_himself():
    member = DeputyFactory(is_presidium_member=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PresidiumLink.objects.create(member=member, deputy=member)


def test_mandates_are_never_deleted(office):
    mandate = office.deputy.mandates.get()
    assert not office.staff.has_perm("deputies.delete_mandate", mandate)
    assert office.staff.has_perm("deputies.change_mandate", mandate)


def test_an_ended_mandate_needs_its_reason_too():
    deputy = DeputyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(
            deputy=deputy,
            level=Level.TOWN,
            term_number=6,
            status=MandateStatus.RECALLED,
            status_date=datetime.date(2025, 1, 1),
            status_reason="",
        )


def test_on_roster_counts_a_person_with_several_mandates_once(office):
    from deputies.models import Deputy
    from deputies.selectors import term_roster

    deputy = office.add_deputy(Level.TOWN, Level.COUNTY, Level.CITY)
    roster = Deputy.objects.filter(township=office.township).on_roster()
    assert list(roster).count(deputy) == 1
    assert list(term_roster(office.term)).count(deputy) == 1
    assert deputy in Deputy.objects.on_roster(level=Level.COUNTY)
    assert deputy not in Deputy.objects.on_roster(level=Level.PROVINCE)
    assert deputy not in Deputy.objects.on_roster(level=Level.TOWN, term_number=5)
