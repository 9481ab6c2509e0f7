"""Public pages for citizens: no login, nothing private."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from congress.models import County, Township


def home(request):
    counties = County.objects.prefetch_related("townships").order_by("name")
    townships = list(Township.objects.select_related("county").annotate(
        village_count=Count("villages", distinct=True),
        district_count=Count("districts", distinct=True),
    ).order_by("name"))
    return render(request, "public/home.html", {"counties": counties, "townships": townships})


def township(request, slug):
    township = get_object_or_404(Township.objects.select_related("county"), slug=slug)
    villages = township.villages.order_by("kind", "name")
    districts = township.districts.prefetch_related("villages").order_by("number")
    return render(
        request,
        "public/township.html",
        {"township": township, "villages": villages, "districts": districts},
    )
