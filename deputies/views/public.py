"""Public pages: the deputies' board (公示栏) per electoral district. No login, no phone."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from congress.models import ElectoralDistrict, Township

from ..selectors import district_board, districts_with_deputy_counts


def township_deputies(request, slug):
    township = get_object_or_404(Township.objects.select_related("county"), slug=slug)
    return render(
        request,
        "deputies/public/township_deputies.html",
        {"township": township, "districts": districts_with_deputy_counts(township)},
    )


def district_board_page(request, slug, number):
    district = get_object_or_404(
        ElectoralDistrict.objects.select_related("township__county").prefetch_related("villages"),
        township__slug=slug,
        number=number,
    )
    year = timezone.localdate().year
    return render(
        request,
        "deputies/public/district_board.html",
        {
            "township": district.township,
            "district": district,
            "board": district_board(district, year=year),
            "year": year,
        },
    )
