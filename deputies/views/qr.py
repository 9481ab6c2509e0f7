"""代表码: a QR code per deputy, on the public board and as a printable card. Scanning it opens
the public suggestion form with the deputy preselected, so the item goes to that deputy first.
The link is absolute on the scheme and host the page was reached by (not SITE_URL), so a code
printed from any address works from a phone."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from congress.qr import qr_png_response, qr_svg_inline, qr_svg_response

from ..models import Deputy


def _deputy(slug, pk) -> Deputy:
    return get_object_or_404(
        Deputy.objects.on_roster().select_related("township", "district", "group"),
        pk=pk, township__slug=slug,
    )


def deputy_suggest_url(request, deputy: Deputy) -> str:
    path = reverse("suggestions_public:submit", args=[deputy.township.slug])
    return request.build_absolute_uri(f"{path}?deputy={deputy.pk}")


def qr_card(request, slug, pk):
    """A printable card (A4 page, the QR code large, the deputy's public details only)."""
    deputy = _deputy(slug, pk)
    url = deputy_suggest_url(request, deputy)
    return render(request, "deputies/public/qr_card.html", {
        "deputy": deputy, "township": deputy.township, "qr_svg": qr_svg_inline(url), "suggest_url": url,
    })


@cache_control(max_age=3600, public=True)
def qr_svg(request, slug, pk):
    return qr_svg_response(deputy_suggest_url(request, _deputy(slug, pk)))


@cache_control(max_age=3600, public=True)
def qr_png(request, slug, pk):
    return qr_png_response(deputy_suggest_url(request, _deputy(slug, pk)), f"deputy-{pk}-qr.png")
