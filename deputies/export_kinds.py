"""The deputies' long export (:mod:`congress.export_jobs`): the roster as listed in the admin,
when it runs to thousands of rows (a county's roster seen by the county viewer or a system
administrator). Same columns, masking and layout as the synchronous export."""

from django.db.models import Prefetch

ROSTER = "deputy_roster"


def roster_plan(parameters: dict, townships, owner):
    from congress.export_jobs import ExportPlan

    from .models import Deputy, Mandate, MandateStatus
    from .roster_excel import HEADERS, roster_workbook

    deputies = (
        Deputy.objects.filter(pk__in=parameters["ids"], township__in=townships)
        .select_related("district", "group", "township")
        .prefetch_related(Prefetch("mandates", queryset=Mandate.objects.filter(status=MandateStatus.ACTIVE),
                                   to_attr="active_mandates"))
        .order_by(*Deputy._meta.ordering, "pk")  # the roster's order (the admin list's default)
    )

    def writer(target, on_row):
        return roster_workbook(deputies.iterator(chunk_size=1000),
                               show_phone=lambda d: owner.has_perm("deputies.view_deputy_phone", d),
                               target=target, on_row=on_row)

    return ExportPlan(title="代表花名册", filename=parameters.get("filename", "代表花名册.xlsx"), headers=HEADERS,
                      total=deputies.count(), writer=writer)


def register() -> None:
    from congress.export_jobs import register_export_kind

    register_export_kind(ROSTER, "代表花名册", allowed=lambda user: user.has_perm("deputies.view_deputy"),
                         plan=roster_plan)
