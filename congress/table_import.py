"""The import framework every list an office keeps in Excel goes through (the deputy roster,
villages and electoral districts, …): read with :mod:`congress.sheets`, plan each row as
新增 / 更新 (with the changes, old → new) / 不变 / 待确认 / 错误 without writing, then apply the
plan again under a lock on the township so two imports of one file cannot duplicate anything.

An importer supplies its columns, ``plan_row`` (pure reads, one row) and
``apply_row`` (writes through its app's services). :class:`TableImportAdminMixin` gives any
ModelAdmin the upload → preview → confirm → result pages with the downloadable error report.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header

from . import sheets
from .exceptions import USER_ERRORS, ApplicationError, user_message
from .models import Township
from .sheets import Column, RawRow, Sheet


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    CONFIRM = "confirm"
    ERROR = "error"


ACTION_LABELS = {
    Action.CREATE: "新增",
    Action.UPDATE: "更新",
    Action.UNCHANGED: "不变",
    Action.CONFIRM: "待确认",
    Action.ERROR: "错误",
}


class ImportRefused(ApplicationError):
    """The import as a whole cannot go ahead; the message (Chinese) says why."""


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What one row will do. ``cleaned`` holds the parsed values the importer writes."""

    raw: RawRow
    action: str = Action.CREATE
    cleaned: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    target: object = None

    @property
    def number(self) -> int:
        return self.raw.number

    @property
    def name(self) -> str:
        return next((v for v in self.raw.values.values() if v), "")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def will_write(self) -> bool:
        return self.action in (Action.CREATE, Action.UPDATE)

    @property
    def reason(self) -> str:
        if self.errors:
            return ";".join(self.errors)
        if self.action == Action.CONFIRM:
            return ";".join(self.notes) or "需确认"
        return ""


@dataclass
class Plan:
    rows: list
    sheet: Sheet | None = None
    columns: list[Column] = field(default_factory=list)

    def with_action(self, action) -> list:
        return [r for r in self.rows if r.action == action]

    @property
    def invalid_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def all_valid(self) -> bool:
        return not self.invalid_rows

    @property
    def to_create(self):
        return self.with_action(Action.CREATE)

    @property
    def to_update(self):
        return self.with_action(Action.UPDATE)

    @property
    def unchanged(self):
        return self.with_action(Action.UNCHANGED)

    @property
    def to_confirm(self):
        return self.with_action(Action.CONFIRM)

    @property
    def writable(self):
        return [r for r in self.rows if r.will_write]


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def choice_display(**choices):
    """A ``display(name, value)`` for :func:`diff`: "(空)" for nothing, a choice's label for
    the fields named with their ``TextChoices``, else the text."""

    def display(name, value):
        if value in (None, ""):
            return "(空)"
        if name in choices:
            return str(dict(choices[name].choices).get(value, value))
        return str(value)

    return display


def diff(current: dict, new: dict, *, labels: dict, display=str) -> list[Change]:
    """Changes from ``current`` to ``new`` over ``new``'s keys (the columns the row fills)."""
    return [
        Change(name, labels[name], display(name, current.get(name)), display(name, value))
        for name, value in new.items()
        if current.get(name) != value
    ]


def report_rows(rows, sheet: Sheet) -> list[tuple[int, list[str], str]]:
    """The refused or unsettled rows and the rows the reader skipped, in sheet order, for
    :func:`congress.sheets.error_report`."""
    report = [(r.number, r.raw.cells, r.reason) for r in rows]
    report += [(s.number, s.cells, f"已跳过:{s.reason}") for s in sheet.skipped]
    return sorted(report, key=lambda r: r[0])


def result_json(result: ImportResult, sheet: Sheet) -> dict:
    """What the result page lists (kept in the session between the redirect and the page)."""

    def brief(row):
        return {
            "number": row.number,
            "name": row.name,
            "changes": [f"{c.label}:{c.old} → {c.new}" for c in row.changes],
            "reason": row.reason,
        }

    return {
        "created": [brief(r) for r in result.created],
        "updated": [brief(r) for r in result.updated],
        "unchanged": [brief(r) for r in result.unchanged],
        "skipped": [brief(r) for r in result.skipped]
        + [{"number": s.number, "name": "", "changes": [], "reason": s.reason} for s in sheet.skipped],
        "header": sheet.header,
        "report": [list(r) for r in report_rows(result.skipped, sheet)],
    }


class TableImporter:
    """Subclass with ``title``, ``columns``, ``context``, ``plan_row`` and ``apply_row``."""

    title = ""
    record_noun = "条记录"  # "重复:与第3行是同一{record_noun}"
    columns: list[Column] = []
    permission = ""  # e.g. "congress.add_village"

    def read(self, upload) -> Sheet:
        return sheets.read_table(upload, columns=self.columns)

    def plan(self, sheet: Sheet, *, township: Township) -> Plan:
        return Plan(rows=self.plan_rows(sheet.rows, township=township), sheet=sheet,
                    columns=[c for c in self.columns if sheet.rows and c.key in sheet.rows[0].values])

    def plan_rows(self, rows: list[RawRow], *, township: Township) -> list[RowPlan]:
        """One plan per row: the key column (first required column) names the record; a
        second row with the same key is an error; ``plan_row`` fills in the rest."""
        key_column = next(c for c in self.columns if c.required)
        context = self.context(township)
        seen: dict[str, int] = {}
        plans = []
        for raw in rows:
            plan = RowPlan(raw=raw)
            plans.append(plan)
            key = re.sub(r"\s+", "", raw.values.get(key_column.key, ""))
            if not key:
                plan.errors.append(f"{key_column.header}为空")
            elif key in seen:
                plan.errors.append(f"重复:与第{seen[key]}行是同一{self.record_noun}")
            else:
                seen[key] = raw.number
            self.plan_row(plan, key, context)
            if plan.errors:
                plan.action = Action.ERROR
        return plans

    def context(self, township: Township) -> dict:
        """What every row is checked against (read once per plan)."""
        return {"township": township}

    def plan_row(self, plan: RowPlan, key: str, context: dict) -> None:
        """Check one row, set ``plan.cleaned``, ``plan.changes`` and ``plan.action``."""
        raise NotImplementedError

    def apply_row(self, row: RowPlan, *, actor, township: Township) -> None:
        raise NotImplementedError

    def template(self, *, township: Township | None) -> bytes:
        return _template([c.header for c in self.columns])

    def check_actor(self, actor, township: Township) -> None:
        if not actor.has_perm(self.permission) or not (
            actor.is_superuser or actor.township_id == township.pk
        ):
            raise PermissionDenied("您无权向该乡镇导入。")

    def apply(self, *, actor, township: Township, sheet: Sheet, skip_invalid=False) -> ImportResult:
        """Re-plan under a lock on the township and write the 新增 and 更新 rows; all or
        nothing."""
        self.check_actor(actor, township)
        result = ImportResult()
        with transaction.atomic():
            Township.objects.select_for_update().filter(pk=township.pk).order_by().first()
            plan = self.plan(sheet, township=township)
            if plan.invalid_rows and not skip_invalid:
                raise ImportRefused(
                    f"有 {len(plan.invalid_rows)} 行存在错误,未导入任何数据。请修改后重新上传,或选择跳过错误行。"
                )
            if not plan.writable and not plan.unchanged:
                raise ImportRefused("没有可以导入的有效行。")
            for row in plan.rows:
                if row.will_write:
                    self.apply_row(row, actor=actor, township=township)
                bucket = {
                    Action.CREATE: result.created,
                    Action.UPDATE: result.updated,
                    Action.UNCHANGED: result.unchanged,
                }.get(row.action, result.skipped)
                bucket.append(row)
        return result


def _template(headers: list[str]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for index in range(1, len(headers) + 1):
        ws.cell(row=1, column=index).number_format = "@"
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = 16
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Admin ---------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class TableUploadForm(forms.Form):
    file = forms.FileField(label="文件(.xlsx、.xls 或 .csv)")
    township = forms.ModelChoiceField(label="乡镇", queryset=Township.objects.none())

    def __init__(self, *args, importer, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.fields["township"].queryset = townships
        if townships.count() == 1:
            self.fields["township"].initial = townships.first().pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.sheet = self.importer.read(upload)
        except sheets.SheetError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class TableImportAdminMixin:
    """Upload → preview → confirm → result for a ModelAdmin with an ``importer``."""

    importer: TableImporter

    def _import_key(self, suffix=""):
        return f"table_import:{self.opts.label_lower}{suffix}"

    def _url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def import_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.table_import_view), name=self._url_name("import")),
            path("import/preview/", wrap(self.table_preview_view), name=self._url_name("import_preview")),
            path("import/errors.xlsx", wrap(self.table_errors_view), name=self._url_name("import_errors")),
            path("import/result/", wrap(self.table_result_view), name=self._url_name("import_result")),
            path("import/template.xlsx", wrap(self.table_template_view), name=self._url_name("import_template")),
        ]

    def get_urls(self):
        return [*self.import_urls(), *super().get_urls()]

    def _townships(self, request):
        from .tenancy import user_townships

        return user_townships(request.user).order_by("name")

    def _context(self, request, **extra):
        names = {v: f"admin:{self._url_name(v)}" for v in (
            "import", "import_preview", "import_errors", "import_result", "import_template")}
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "importer": self.importer,
            "urls": names,
            "changelist_url": f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
            **extra,
        }

    def _check(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied

    def table_import_view(self, request):
        self._check(request)
        form = TableUploadForm(request.POST or None, request.FILES or None,
                               importer=self.importer, townships=self._townships(request))
        if request.method == "POST" and form.is_valid():
            request.session[self._import_key()] = {
                "township": form.cleaned_data["township"].pk,
                "filename": form.cleaned_data["file"].name,
                "sheet": form.sheet.to_json(),
            }
            return redirect(f"admin:{self._url_name('import_preview')}")
        return TemplateResponse(request, "admin/table_import/upload.html",
                                self._context(request, title=f"导入{self.importer.title}", form=form))

    def _pending(self, request):
        pending = request.session.get(self._import_key())
        if not pending:
            return None, None
        township = self._townships(request).filter(pk=pending["township"]).first()
        if township is None:
            raise PermissionDenied
        return township, Sheet.from_json(pending["sheet"])

    def table_preview_view(self, request):
        self._check(request)
        township, sheet = self._pending(request)
        if township is None:
            messages.warning(request, "请先上传文件。")
            return redirect(f"admin:{self._url_name('import')}")
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "cancel":
                request.session.pop(self._import_key(), None)
                messages.info(request, "已取消导入,未写入任何数据。")
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            try:
                result = self.importer.apply(actor=request.user, township=township, sheet=sheet,
                                             skip_invalid=action == "skip")
            except USER_ERRORS as exc:
                messages.error(request, user_message(exc))
            else:
                request.session.pop(self._import_key(), None)
                request.session[self._import_key(":result")] = result_json(result, sheet)
                return redirect(f"admin:{self._url_name('import_result')}")
        plan = self.importer.plan(sheet, township=township)
        return TemplateResponse(request, "admin/table_import/preview.html", self._context(
            request, title="导入预览", plan=plan, sheet=sheet, township=township))

    def table_errors_view(self, request):
        self._check(request)
        township, sheet = self._pending(request)
        if township is not None:
            plan = self.importer.plan(sheet, township=township)
            rows = report_rows(plan.invalid_rows + plan.to_confirm, sheet)
            header = sheet.header
        else:
            done = request.session.get(self._import_key(":result"))
            if not done:
                return redirect(f"admin:{self._url_name('import')}")
            rows, header = [tuple(r) for r in done["report"]], done["header"]
        return xlsx_response(sheets.error_report(header, rows), f"{self.importer.title}错误行.xlsx")

    def table_result_view(self, request):
        self._check(request)
        done = request.session.get(self._import_key(":result"))
        if not done:
            return redirect(f"admin:{self._url_name('import')}")
        return TemplateResponse(request, "admin/table_import/result.html",
                                self._context(request, title="导入结果", done=done))

    def table_template_view(self, request):
        self._check(request)
        return xlsx_response(self.importer.template(township=None), f"{self.importer.title}模板.xlsx")
