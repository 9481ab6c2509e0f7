import pytest
from django.utils import timezone

from congress.roles import Role
from deputies.models import Level
from tests.factories import (
    CountyFactory,
    DeputyFactory,
    DeputyGroupFactory,
    ElectoralDistrictFactory,
    MandateFactory,
    TermFactory,
    TownshipFactory,
    VillageFactory,
    county_viewer_of,
    deputy_with_account,
    staff_of,
)


class Office:
    """One township with three districts, a current term, two groups, staff, a county viewer,
    two deputies who log in, and a second township with its own staff and deputy."""

    def __init__(self):
        self.county = CountyFactory()
        self.township = TownshipFactory(county=self.county, name="甲镇", slug="jia")
        self.term = TermFactory(township=self.township, number=6)
        self.districts = []
        for number, village_name in ((1, "上坪村"), (2, "下湾村"), (3, "石门村")):
            district = ElectoralDistrictFactory(
                township=self.township, number=number, name=village_name
            )
            district.villages.add(VillageFactory(township=self.township, name=village_name))
            self.districts.append(district)
        self.group = DeputyGroupFactory(township=self.township, term=self.term, name="第一代表小组")
        self.staff = staff_of(self.township, username="staff_jia")
        self.viewer = county_viewer_of(self.county, username="viewer")
        self.station_admin = staff_of(
            self.township, role=Role.STATION_ADMIN, username="station_jia"
        )
        self.deputy = deputy_with_account(
            self.township, district=self.districts[0], group=self.group, phone="13800001111"
        )
        self.other_deputy = deputy_with_account(
            self.township, district=self.districts[1], group=self.group, phone="13900002222"
        )
        self.other_township = TownshipFactory(county=self.county, name="乙镇", slug="yi")
        TermFactory(township=self.other_township, number=6)
        self.other_staff = staff_of(self.other_township, username="staff_yi")
        # A name no generated name can repeat: tests look for it on this township's pages.
        self.foreign_deputy = deputy_with_account(self.other_township, phone="13700003333", name="乙镇外乡代表")

    def add_deputy(self, *levels, district=None, **kwargs):
        deputy = DeputyFactory(
            township=self.township,
            district=district or self.districts[0],
            group=self.group,
            **kwargs,
        )
        for level in levels or (Level.TOWN,):
            MandateFactory(deputy=deputy, level=level, term_number=6 if level == Level.TOWN else 18)
        return deputy


@pytest.fixture
def office(db):
    return Office()


@pytest.fixture
def today():
    return timezone.localdate()
