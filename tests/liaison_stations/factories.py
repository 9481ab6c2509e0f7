"""Factories and a small world for station tests."""

import datetime

import factory
from factory.django import DjangoModelFactory

from congress.roles import Role
from liaison_stations.models import ReceptionRule, StandardSet, Station
from tests.factories import (
    CountyFactory,
    StationFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    deputy_with_account,
    staff_of,
)


class ReceptionRuleFactory(DjangoModelFactory):
    class Meta:
        model = ReceptionRule

    station = factory.SubFactory(StationFactory)
    frequency = ReceptionRule.Frequency.MONTHLY
    month_days = "15,20"
    start_date = datetime.date(2024, 1, 1)


def station_admin_of(township, **kwargs):
    return UserFactory(township=township, county=township.county, role=Role.STATION_ADMIN, **kwargs)


class StationWorld:
    """Two townships of one county. Township A has two stations (one administered by
    ``admin_a``) with deputies whose phones are known; township B has one."""

    def __init__(self):
        self.county = CountyFactory()
        self.a = TownshipFactory(county=self.county, name="甲镇", slug="jia")
        self.b = TownshipFactory(county=self.county, name="乙镇", slug="yi")
        self.village_a = VillageFactory(township=self.a, name="甲一村")
        self.staff_a = staff_of(self.a, username="staff_a")
        self.staff_b = staff_of(self.b, username="staff_b")
        self.admin_a = station_admin_of(self.a, username="station_a")
        self.admin_b = station_admin_of(self.b, username="station_b")
        self.nine = StandardSet.objects.get(name="九有", township=None)
        self.station = StationFactory(
            township=self.a, name="甲镇中心联络站", kind=Station.Kind.CENTER,
            administrator=self.admin_a, liaison_officer="联络员甲", liaison_phone="13900001111",
            standard_set=self.nine, address="甲镇政府大院",
        )
        self.other_station = StationFactory(township=self.a, name="甲一村联络点",
                                            kind=Station.Kind.POINT, parent=self.station)
        self.station_b = StationFactory(township=self.b, name="乙镇代表之家",
                                        administrator=self.admin_b)
        self.deputies = [deputy_with_account(self.a, phone=f"1370000000{i}") for i in range(3)]
        self.station.deputies.set(self.deputies)
        self.deputy_b = deputy_with_account(self.b, phone="13600009999")
        self.station_b.deputies.add(self.deputy_b)
        self.viewer = UserFactory(township=None, county=self.county, role=Role.COUNTY_VIEWER)
