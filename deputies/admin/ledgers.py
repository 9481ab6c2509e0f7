"""The ledgers (十表) of one deputy, from the deputy's admin page."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from ..ledgers import LEDGERS
from ..models import Deputy
from ..views.portal import ledger_response


class LedgerViewsMixin:
    """Mixed into the deputy admin; ``ledger_urls()`` goes into its ``get_urls()``."""

    def ledger_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/ledgers/", wrap(self.ledgers_view), name="deputies_deputy_ledgers"),
            path(
                "<int:pk>/ledgers/<slug:key>.<str:fmt>",
                wrap(self.ledger_download_view),
                name="deputies_deputy_ledger_download",
            ),
        ]

    def _deputy_for_ledgers(self, request, pk) -> Deputy:
        deputy = self.get_queryset(request).filter(pk=pk).first()
        if deputy is None:
            raise Http404
        if not request.user.has_perm("deputies.view_deputy_ledgers", deputy):
            raise PermissionDenied
        return deputy

    def ledgers_view(self, request, pk):
        deputy = self._deputy_for_ledgers(request, pk)
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year", this_year))
        except ValueError:
            year = this_year
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": deputy,
            "title": f"{deputy.name}的履职台账",
            "deputy": deputy,
            "ledgers": LEDGERS,
            "year": year,
            "years": range(this_year, this_year - 5, -1),
        }
        return TemplateResponse(request, "admin/deputies/deputy/ledgers.html", context)

    def ledger_download_view(self, request, pk, key, fmt):
        deputy = self._deputy_for_ledgers(request, pk)
        try:
            year = int(request.GET.get("year", timezone.localdate().year))
        except ValueError as exc:
            raise Http404 from exc
        return ledger_response(deputy, year=year, key=key, fmt=fmt, user=request.user)
