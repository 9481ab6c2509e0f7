import datetime

import pytest

from congress.roles import Role
from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    ElectoralDistrictFactory,
    StationFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    county_viewer_of,
    deputy_with_account,
    staff_of,
)


class SWorld:
    """One county, townships A and B. A has a village in district 1 with two deputies, a
    station with a third, two departments with a handler each, staff, chair, viewer."""

    def __init__(self):
        self.county = CountyFactory()
        self.a = TownshipFactory(county=self.county, name="甲镇", slug="jia")
        self.b = TownshipFactory(county=self.county, name="乙镇", slug="yi")
        self.village = VillageFactory(township=self.a, name="上坪村")
        self.other_village = VillageFactory(township=self.a, name="下湾村")
        self.district = ElectoralDistrictFactory(township=self.a, number=1)
        self.district.villages.add(self.village)
        self.deputy1 = deputy_with_account(self.a, district=self.district)
        self.deputy2 = deputy_with_account(self.a, district=self.district)
        self.deputy3 = deputy_with_account(self.a)
        self.station = StationFactory(township=self.a)
        self.station.deputies.add(self.deputy3)
        self.dept = DepartmentFactory(township=self.a, name="社会事务办")
        self.dept2 = DepartmentFactory(township=self.a, name="农业农村办")
        self.handler = UserFactory(township=self.a, county=self.county, role=Role.HANDLER, department=self.dept,
                                   email="h@example.org")
        self.handler2 = UserFactory(township=self.a, county=self.county, role=Role.HANDLER, department=self.dept2)
        self.staff = staff_of(self.a, username="sa")
        self.chair = staff_of(self.a, role=Role.CHAIR, username="chair_a")
        self.staff_b = staff_of(self.b, username="sb")
        self.deputy_b = deputy_with_account(self.b)
        self.viewer = county_viewer_of(self.county, username="viewer")


@pytest.fixture
def w(db):
    return SWorld()


@pytest.fixture
def fixed_today(monkeypatch):
    """Pin 'today' for deadline arithmetic (services use timezone.localdate)."""

    def pin(day: datetime.date):
        monkeypatch.setattr("suggestions.services._today", lambda: day)
        return day

    return pin
