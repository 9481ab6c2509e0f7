import datetime

import pytest
from django.db import IntegrityError, transaction

from congress.models import Department, Term, User
from congress.roles import Role
from congress.validators import cn_number, mask_phone, normalize_mobile
from tests.factories import CountyFactory, TermFactory, TownshipFactory

pytestmark = pytest.mark.django_db


def test_only_one_current_term_per_township():
    township = TownshipFactory()
    TermFactory(township=township, number=6, is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        TermFactory(township=township, number=7, is_current=True)


def test_term_must_end_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        TermFactory(start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2021, 1, 1))


def test_term_name_in_chinese():
    assert str(TermFactory(number=6)) == "第六届"
    assert [cn_number(n) for n in (1, 10, 16, 21)] == ["一", "十", "十六", "二十一"]


def test_township_role_requires_township():
    county = CountyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.STAFF, county=county)


def test_handler_requires_department():
    township = TownshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="h", role=Role.HANDLER, county=township.county)


def test_county_department_has_no_township():
    township = TownshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(
            county=township.county, township=township, name="县水利局", kind=Department.Kind.COUNTY
        )


def test_phone_helpers():
    assert normalize_mobile("+86 138-1234-5678") == "13812345678"
    assert mask_phone("13812345678") == "138****5678"
