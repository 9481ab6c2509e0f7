"""The rows the data migrations seed (preset 八有/六有/九有 sets, default categories) are back after
a flush, as every transactional test ends with one: tests an xdist worker runs after the browser
group must still find them (tests/conftest.py, ``_reseed_after_flush``)."""

from django.core.management import call_command

from liaison_stations.models import StandardSet
from suggestions.models import Category


def test_seeded_rows_come_back_after_a_flush(db):
    call_command("flush", interactive=False, verbosity=0)
    assert set(StandardSet.objects.filter(township=None).values_list("name", flat=True)) == {"八有", "六有", "九有"}
    assert StandardSet.objects.get(name="九有", township=None).items.count() == 9
    assert Category.objects.count() == 8
