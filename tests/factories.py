"""factory_boy factories for the organisation core (Faker with the zh_CN locale)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from congress.models import County, Department, ElectoralDistrict, Term, Township, User, Village
from congress.roles import Role

factory.Faker._DEFAULT_LOCALE = "zh_CN"


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试{n}县")
    slug = factory.Sequence(lambda n: f"county{n}")


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")
    slug = factory.Sequence(lambda n: f"town{n}")
    kind = Township.Kind.TOWN


class VillageFactory(DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}村")


class ElectoralDistrictFactory(DjangoModelFactory):
    class Meta:
        model = ElectoralDistrict

    township = factory.SubFactory(TownshipFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"选区{n}")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    township = factory.SubFactory(TownshipFactory)
    county = factory.LazyAttribute(lambda o: o.township.county if o.township else CountyFactory())
    name = factory.Sequence(lambda n: f"第{n}办公室")
    kind = factory.LazyAttribute(
        lambda o: Department.Kind.TOWN_OFFICE if o.township else Department.Kind.COUNTY
    )


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    township = factory.SubFactory(TownshipFactory)
    number = 6
    start_date = datetime.date(2021, 12, 28)
    is_current = True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name")
    role = Role.STAFF
    township = factory.SubFactory(TownshipFactory)
    county = factory.LazyAttribute(lambda o: o.township.county if o.township else CountyFactory())
    phone = factory.Faker("phone_number")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff_of(township, role=Role.STAFF, **kwargs) -> User:
    return UserFactory(township=township, county=township.county, role=role, **kwargs)


def county_viewer_of(county, **kwargs) -> User:
    return UserFactory(township=None, county=county, role=Role.COUNTY_VIEWER, **kwargs)


# --- deputies and stations (shared by several apps' tests) -----------------------------------
from deputies.models import Deputy, DeputyGroup, Gender, Level, Mandate  # noqa: E402
from liaison_stations.models import Station  # noqa: E402


class DeputyGroupFactory(DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    township = factory.SubFactory(TownshipFactory)
    term = factory.LazyAttribute(
        lambda o: Term.objects.filter(township=o.township, is_current=True).first()
        or TermFactory(township=o.township)
    )
    name = factory.Sequence(lambda n: f"第{n + 1}代表小组")


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    township = factory.SubFactory(TownshipFactory)
    name = factory.Faker("name")
    gender = Gender.MALE
    phone = factory.Faker("phone_number")


class MandateFactory(DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DeputyFactory)
    level = Level.TOWN
    term_number = 6


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station

    township = factory.SubFactory(TownshipFactory)
    kind = Station.Kind.HOME
    name = factory.Sequence(lambda n: f"第{n + 1}代表之家")


def deputy_with_account(township, *, name=None, **kwargs) -> Deputy:
    """A town-level deputy of the current term who can log in to the portal."""
    user = UserFactory(township=township, county=township.county, role=Role.DEPUTY,
                       **({"name": name} if name else {}))
    deputy = DeputyFactory(township=township, user=user, name=user.name, **kwargs)
    MandateFactory(deputy=deputy)
    return deputy
