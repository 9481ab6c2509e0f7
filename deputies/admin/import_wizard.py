"""The roster import wizard: upload → preview with per-row errors → import all, or skip the
bad rows; plus the empty template."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from congress import sheets
from congress.exceptions import USER_ERRORS, user_message
from congress.models import Term
from congress.sheets import Sheet
from congress.table_import import report_rows, result_json
from congress.tenancy import scope_to_user

from .. import roster_excel
from ..forms import RosterUploadForm
from ..services import roster_import
from .common import _xlsx_response

IMPORT_SESSION_KEY = "deputies_roster_import"
IMPORT_RESULT_KEY = "deputies_roster_import_result"


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
                "import/errors.xlsx",
                wrap(self.import_errors_view),
                name="deputies_deputy_import_errors",
            ),
            path("import/result/", wrap(self.import_result_view), name="deputies_deputy_import_result"),
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
        terms = self._import_terms(request)
        form = RosterUploadForm(request.POST or None, request.FILES or None, terms=terms)
        if request.method == "POST" and form.is_valid():
            term = form.cleaned_data["term"]
            request.session[IMPORT_SESSION_KEY] = {
                "term": term.pk,
                "level_terms": form.level_terms(),
                "filename": form.cleaned_data["file"].name,
                "sheet": form.sheet.to_json(),
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

    def _pending(self, request):
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending or "sheet" not in pending:
            return None, None, None
        term = self._import_terms(request).filter(pk=pending["term"]).first()
        if term is None:
            raise PermissionDenied
        return pending, term, Sheet.from_json(pending["sheet"])

    def import_preview_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        pending, term, sheet = self._pending(request)
        if not pending:
            messages.warning(request, "请先上传花名册文件。")
            return redirect("admin:deputies_deputy_import")
        resolutions = {
            k: v for k, v in request.POST.items() if k.startswith(("person-", "date-"))
        }
        check = roster_excel.check_rows(
            sheet, township=term.township, term=term, resolutions=resolutions
        )
        if request.method == "POST" and request.POST.get("action") != "recheck":
            action = request.POST.get("action")
            if action == "cancel":
                request.session.pop(IMPORT_SESSION_KEY, None)
                messages.info(request, "已取消导入,未写入任何数据。")
                return redirect("admin:deputies_deputy_changelist")
            try:
                result = roster_import(
                    actor=request.user,
                    township=term.township,
                    term=term,
                    rows=sheet,
                    level_terms=pending["level_terms"],
                    resolutions=resolutions,
                    skip_invalid=action == "skip",
                )
            except USER_ERRORS as exc:
                messages.error(request, user_message(exc))
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
                request.session[IMPORT_RESULT_KEY] = result_json(result, sheet)
                return redirect("admin:deputies_deputy_import_result")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入预览",
            "check": check,
            "sheet": sheet,
            "term": term,
            "filename": pending["filename"],
            "columns": roster_excel.COLUMNS,
            "resolutions": resolutions,
        }
        return TemplateResponse(request, "admin/deputies/deputy/import_preview.html", context)

    def import_errors_view(self, request):
        """The refused and skipped rows as .xlsx, with the reason, for the office to fix."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        pending, term, sheet = self._pending(request)
        if pending:
            check = roster_excel.check_rows(sheet, township=term.township, term=term)
            rows = report_rows(check.invalid_rows + check.to_confirm, sheet)
            header = sheet.header
        else:
            done = request.session.get(IMPORT_RESULT_KEY)
            if not done:
                messages.warning(request, "请先上传花名册文件。")
                return redirect("admin:deputies_deputy_import")
            rows = [tuple(r) for r in done["report"]]
            header = done["header"]
        return _xlsx_response(sheets.error_report(header, rows), "花名册错误行.xlsx")

    def import_result_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        done = request.session.get(IMPORT_RESULT_KEY)
        if not done:
            return redirect("admin:deputies_deputy_import")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入结果",
            "done": done,
        }
        return TemplateResponse(request, "admin/deputies/deputy/import_result.html", context)

    def import_template_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        terms = self._import_terms(request)
        term = terms.filter(pk=request.GET.get("term") or 0).first() or next(
            (t for t in terms if t.is_current), None
        )
        content = roster_excel.template_workbook(
            township=term.township if term else None, term=term
        )
        return _xlsx_response(content, "代表花名册模板.xlsx")
