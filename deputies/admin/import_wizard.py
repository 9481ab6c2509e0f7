"""The roster import wizard: upload → preview with per-row errors → import all, or skip the
bad rows; plus the empty template."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from congress.models import Term
from congress.tenancy import scope_to_user

from .. import roster_excel
from ..forms import RosterUploadForm
from ..services import DeputyError, roster_import
from .common import _xlsx_response

IMPORT_SESSION_KEY = "deputies_roster_import"


class RosterImportMixin:
    """Mixed into the deputy admin; ``import_urls()`` goes into its ``get_urls()``."""

    def import_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="deputies_deputy_import"),
            path(
                "import/preview/",
                wrap(self.import_preview_view),
                name="deputies_deputy_import_preview",
            ),
            path(
                "import/template.xlsx",
                wrap(self.import_template_view),
                name="deputies_deputy_import_template",
            ),
        ]

    def _import_terms(self, request):
        return scope_to_user(Term.objects.select_related("township"), request.user).order_by(
            "township__name", "-number"
        )

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RosterUploadForm(
            request.POST or None, request.FILES or None, terms=self._import_terms(request)
        )
        if request.method == "POST" and form.is_valid():
            term = form.cleaned_data["term"]
            request.session[IMPORT_SESSION_KEY] = {
                "term": term.pk,
                "level_terms": form.level_terms(),
                "filename": form.cleaned_data["file"].name,
                "rows": [row.to_json() for row in form.raw_rows],
            }
            return redirect("admin:deputies_deputy_import_preview")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "从 Excel 导入代表花名册",
            "form": form,
            "headers": roster_excel.COLUMNS,
        }
        return TemplateResponse(request, "admin/deputies/deputy/import.html", context)

    def import_preview_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending:
            messages.warning(request, "请先上传花名册文件。")
            return redirect("admin:deputies_deputy_import")
        term = self._import_terms(request).filter(pk=pending["term"]).first()
        if term is None:
            raise PermissionDenied
        raw_rows = [roster_excel.RawRow.from_json(r) for r in pending["rows"]]
        check = roster_excel.check_rows(raw_rows, township=term.township, term=term)
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "cancel":
                request.session.pop(IMPORT_SESSION_KEY, None)
                messages.info(request, "已取消导入,未写入任何数据。")
                return redirect("admin:deputies_deputy_changelist")
            try:
                created = roster_import(
                    actor=request.user,
                    township=term.township,
                    term=term,
                    check=check,
                    level_terms=pending["level_terms"],
                    skip_invalid=action == "skip",
                )
            except DeputyError as exc:
                messages.error(request, str(exc))
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
                skipped = len(check.invalid_rows) if action == "skip" else 0
                messages.success(
                    request,
                    f"已导入 {len(created)} 名代表"
                    + (f",跳过 {skipped} 行有错误的数据。" if skipped else "。"),
                )
                return redirect("admin:deputies_deputy_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入预览",
            "check": check,
            "term": term,
            "filename": pending["filename"],
        }
        return TemplateResponse(request, "admin/deputies/deputy/import_preview.html", context)

    def import_template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return _xlsx_response(roster_excel.template_workbook(), "代表花名册模板.xlsx")
