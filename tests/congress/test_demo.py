import pytest
from django.db.models import Count

from congress.demo import load_demo
from congress.models import County, Department, ElectoralDistrict, Term, Township, User, Village
from congress.roles import Role

pytestmark = pytest.mark.django_db


def _snapshot():
    models = [County, Township, Village, ElectoralDistrict, Department, Term, User]
    counts = {m.__name__: m.objects.count() for m in models}
    history = {m.__name__: m.history.count() for m in models}
    passwords = dict(User.objects.values_list("username", "password"))
    return counts, history, passwords


def test_demo_is_idempotent(demo_county):
    first = _snapshot()
    load_demo()
    assert _snapshot() == first


def test_demo_shape_follows_the_reports(demo_county):
    ctx = demo_county
    liuhe, taoyuan = ctx.townships["liuhe"], ctx.townships["taoyuan"]
    assert liuhe.districts.count() == 22
    assert Township.objects.filter(county=ctx.county).count() >= 2
    assert taoyuan.terms.get(is_current=True).number == 6
    roles = set(User.objects.exclude(role="").values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    # Every district covers at least one village.
    assert not ElectoralDistrict.objects.annotate(n=Count("villages")).filter(n=0).exists()
    # Names are generated, never empty.
    assert not User.objects.filter(name="").exists()
