import pytest

from tests.factories import (
    CountyFactory,
    DepartmentFactory,
    ElectoralDistrictFactory,
    TermFactory,
    TownshipFactory,
    VillageFactory,
    county_viewer_of,
    staff_of,
)


class World:
    """Two townships of one county, each with one record of every core kind and a staff user."""

    def __init__(self):
        self.county = CountyFactory()
        self.a = TownshipFactory(county=self.county, name="甲镇", slug="jia")
        self.b = TownshipFactory(county=self.county, name="乙镇", slug="yi")
        self.records = {}
        for key, township in (("a", self.a), ("b", self.b)):
            village = VillageFactory(township=township, name=f"{township.name}一村")
            district = ElectoralDistrictFactory(township=township, number=1)
            district.villages.add(village)
            self.records[key] = {
                "village": village,
                "electoraldistrict": district,
                "department": DepartmentFactory(township=township, name=f"{township.name}社会事务办"),
                "term": TermFactory(township=township),
            }
        self.staff_a = staff_of(self.a, username="staff_a")
        self.staff_b = staff_of(self.b, username="staff_b")
        self.records["a"]["user"] = self.staff_a
        self.records["b"]["user"] = self.staff_b
        self.viewer = county_viewer_of(self.county, username="viewer")


@pytest.fixture
def world(db):
    return World()
