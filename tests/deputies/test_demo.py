import pytest
from django.utils import timezone

from congress.demo import load_demo
from deputies.models import Deputy, DutyKind, DutyRecord, PresidiumLink, VoterContact
from deputies.selectors import (
    annual_summary,
    deputies_without_records,
    term_roster,
    township_roster,
)

pytestmark = pytest.mark.django_db


def test_demo_deputies_follow_the_reports(demo_county):
    ctx = demo_county
    liuhe, taoyuan = ctx.townships["liuhe"], ctx.townships["taoyuan"]
    year = ctx.today.year
    assert township_roster(liuhe).count() == 63 and township_roster(taoyuan).count() == 115
    assert liuhe.deputy_groups.count() == 7
    assert liuhe.districts.filter(deputies__isnull=False).distinct().count() == 22
    levels = {d.levels_display for d in township_roster(liuhe)}
    assert {"市、镇", "县、镇", "镇", "县", "市"} <= levels
    assert term_roster(liuhe.terms.get(is_current=True)).count() < 63  # county/city-only deputies
    for slug, township in (("liuhe", liuhe), ("taoyuan", taoyuan)):
        deputy = Deputy.objects.get(user__username=f"{slug}_deputy")
        assert deputy.township == township and deputy.user.name == deputy.name
        ranking = annual_summary(township=township, year=year)
        assert ranking[0].score > 0
        assert deputies_without_records(township=township, year=year).exists()
        assert not Deputy.objects.filter(township=township, group__isnull=True).exists()
        assert PresidiumLink.objects.filter(member__township=township).exists()
    assert DutyRecord.objects.filter(
        kind=DutyKind.PERFORMANCE_REVIEW, date__year=year, satisfied_count__gt=0
    ).exists()
    assert VoterContact.objects.filter(deputy__user__username="liuhe_deputy").count() == 8


def test_demo_deputies_are_loaded_once(demo_county):
    counts = (Deputy.objects.count(), DutyRecord.objects.count(), VoterContact.objects.count())
    load_demo(today=timezone.localdate())
    assert (
        Deputy.objects.count(),
        DutyRecord.objects.count(),
        VoterContact.objects.count(),
    ) == counts
