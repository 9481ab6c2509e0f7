"""Read-only dashboards. Views validate the period, check the permission, call selectors and
render (or export the same table as xlsx)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from congress import permissions as p
from congress.export_jobs import export_sync_max_rows
from congress.models import County, Township
from congress.views.exports import start_export
from congress.workdays import missing_calendar_years
from deputies.models import Deputy, DutyRecord
from liaison_stations.models import Station

from . import export_kinds, freshness, selectors
from .annex import annex_docx
from .definitions import figure_definitions
from .exports import DOCX, XLSX, attachment, xlsx_bytes
from .periods import Period


QUARTER_CHOICES = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


def _user_county(user, requested=None) -> County:
    """The viewer's own county; a system administrator may pick one (?county=<slug>)."""
    if user.is_superuser:
        qs = County.objects.order_by("name")
        county = qs.filter(slug=requested).first() if requested else None
        county = county or qs.first()
    else:
        county = County.objects.filter(pk=user.county_id).first()
    if county is None:
        raise Http404("尚未建立县。")
    return county


def _county_townships(user):
    qs = Township.objects.all()
    if user.is_superuser:
        return qs
    return qs.filter(county_id=user.county_id)


def _township_for(user, slug) -> Township:
    township = get_object_or_404(Township.objects.select_related("county"), slug=slug)
    if not user.has_perm("dashboards.view_township", township):
        raise PermissionDenied("您只能查看本乡镇的数据看板。")
    return township


def _overview_table(overview):
    """Headers and rows of the figure table (used for the page and for xlsx)."""
    headers = ["乡镇"] + [c.label for c in selectors.COLUMNS]
    rows = []
    for row in overview.rows:
        rows.append([row["township"].name] + [row[c.key] for c in selectors.COLUMNS])
    rows.append(["合计"] + [overview.totals.get(c.key) for c in selectors.COLUMNS])
    return headers, rows


def _quarter_table(overview):
    headers = ["乡镇", "全年人代会"] + [f"第{q}季度主席团会议" for q in "一二三四"] + [
        f"第{q}季度培训人次" for q in "一二三四"] + ["提示"]
    rows = []
    for row in overview.rows:
        q = overview.quarters[row["township"].pk]
        flags = []
        if q["too_few_sessions"]:
            flags.append("全年人代会少于两次")
        if q["missing_meeting_quarters"]:
            flags.append("第" + "、".join(str(i) for i in q["missing_meeting_quarters"]) + "季度未召开主席团会议")
        rows.append([row["township"].name, q["sessions_year"], *q["meetings"], *q["trainings"], ";".join(flags)])
    return headers, rows


COUNTY_EXPORTS = ("overview", "stages", "quarters")


@login_required
@require_safe
def county(request):
    if not request.user.has_perm("dashboards.view_county"):
        raise PermissionDenied("县级数据看板仅供县人大常委会和乡镇人大主席、副主席查看。")
    today = timezone.localdate()
    period = Period.from_query(request.GET, today)
    county_obj = _user_county(request.user, request.GET.get("county"))
    export = request.GET.get("export") or ""
    if export in COUNTY_EXPORTS or export.startswith("chart-"):
        return _county_export(county_obj, period, today, export)
    sees_all = request.user.is_superuser or request.user.is_county_viewer

    def build():
        snap = selectors.dashboard(selectors.county_townships(county_obj), period, today=today)
        for row in snap.overview.rows:
            row["may_drill"] = sees_all or row["township"].pk == request.user.township_id
        return render_to_string("dashboards/_county_sections.html", {
            "period": period, "overview": snap.overview, "columns": selectors.COLUMNS, "charts": snap.charts,
            "stages": snap.stages, "quarter_table": _quarter_table(snap.overview), "sees_all": sees_all,
        }, request)

    # The rendered sections are reused while no figure under them has changed (freshness).
    viewer = "all" if sees_all else f"t{request.user.township_id or 0}"
    sections = freshness.cached_section(f"county:{county_obj.pk}:{period.query}:{today}:{viewer}", build)
    return render(request, "dashboards/county.html", {
        "county": county_obj, "period": period, "sections": sections,
        "years": range(today.year, today.year - 6, -1), "quarter_choices": QUARTER_CHOICES,
        "missing_years": missing_calendar_years([today.year, today.year + 1]),
    })


def _county_export(county_obj, period, today, export):
    snap = selectors.dashboard(selectors.county_townships(county_obj), period, today=today)
    overview, chart_list, stages = snap.overview, snap.charts, snap.stages
    if export == "overview":
        headers, rows = _overview_table(overview)
        return attachment(xlsx_bytes(f"各乡镇工作情况({period.label})", headers, rows),
                          f"各乡镇工作情况-{period.label}.xlsx", XLSX)
    if export == "stages":
        return attachment(xlsx_bytes(f"建议办理各环节平均用时({period.label})", [s[0] for s in stages],
                                     [[s[1] for s in stages]]), f"各环节平均用时-{period.label}.xlsx", XLSX)
    if export == "quarters":
        headers, rows = _quarter_table(overview)
        return attachment(xlsx_bytes(f"会议与培训(按季度,{period.year}年)", headers, rows),
                          f"会议与培训-{period.year}年.xlsx", XLSX)
    chart = next((c for c in chart_list if f"chart-{c['id']}" == export), None)
    if chart is None:
        raise Http404
    return attachment(xlsx_bytes(chart["title"], chart["headers"], chart["rows"]), f"{chart['title']}.xlsx", XLSX)


@login_required
@require_safe
def my_township(request):
    if not request.user.township_id:
        return redirect("dashboards:county")
    return redirect("dashboards:township", slug=request.user.township.slug)


TOWNSHIP_EXPORTS = ("overview", "stages", "stations")


@login_required
@require_safe
def township(request, slug):
    township = _township_for(request.user, slug)
    today = timezone.localdate()
    period = Period.from_query(request.GET, today)
    export = request.GET.get("export") or ""
    if export in TOWNSHIP_EXPORTS or export.startswith("chart-"):
        return _township_export(township, period, today, export)

    def build():
        snap = selectors.dashboard(Township.objects.filter(pk=township.pk), period, today=today)
        return render_to_string("dashboards/_township_sections.html", {
            "township": township, "period": period, "overview": snap.overview, "row": snap.overview.rows[0],
            "columns": selectors.COLUMNS,
            "charts": snap.charts, "drill": selectors.township_drilldown(township, period),
            "quarters": snap.overview.quarters[township.pk], "stages": snap.stages,
        }, request)

    # The rendered sections are reused while no figure under them has changed (freshness); the
    # staff's own queue above them is read on every load.
    sections = freshness.cached_section(f"township:{township.pk}:{period.query}:{today}", build)
    queue = selectors.staff_queue(request.user, township, today) if request.user.township_id == township.pk else None
    return render(request, "dashboards/township.html", {
        "township": township, "period": period, "sections": sections, "queue": queue,
        "years": range(today.year, today.year - 6, -1), "quarter_choices": QUARTER_CHOICES,
        "missing_years": missing_calendar_years([today.year, today.year + 1]),
    })


def _township_export(township, period, today, export):
    snap = selectors.dashboard(Township.objects.filter(pk=township.pk), period, today=today)
    overview, chart_list, stages = snap.overview, snap.charts, snap.stages
    if export == "overview":
        headers, rows = _overview_table(overview)
        return attachment(xlsx_bytes(f"{township.name}工作情况({period.label})", headers, rows[:-1]),
                          f"{township.name}工作情况-{period.label}.xlsx", XLSX)
    if export == "stages":
        return attachment(xlsx_bytes(f"{township.name}建议办理各环节平均用时({period.label})", [s[0] for s in stages],
                                     [[s[1] for s in stages]]), f"{township.name}各环节平均用时-{period.label}.xlsx", XLSX)
    if export == "stations":
        drill = selectors.township_drilldown(township, period)
        headers = ["联络站(点)", "类型", "进站代表", "标准", "达标条目", "应达标条目", "已开展接待"]
        rows = [[s.name, s.get_kind_display(), s.deputy_count,
                 s.standard_set.name if s.standard_set_id else "未指定标准",
                 s.item_checked, s.item_total, s.held] for s in drill["stations"]]
        return attachment(xlsx_bytes(f"{township.name}联络站(点)({period.label})", headers, rows),
                          f"{township.name}联络站-{period.label}.xlsx", XLSX)
    chart = next((c for c in chart_list if f"chart-{c['id']}" == export), None)
    if chart is None:
        raise Http404
    return attachment(xlsx_bytes(chart["title"], chart["headers"], chart["rows"]),
                      f"{township.name}{chart['title']}.xlsx", XLSX)


@login_required
@require_safe
def station(request, slug, pk):
    township = _township_for(request.user, slug)
    station = get_object_or_404(Station.objects.select_related("parent", "standard_set"), pk=pk,
                                township=township)
    period = Period.from_query(request.GET)
    deputies = selectors.station_deputies(station, period)
    if request.GET.get("export") == "deputies":
        rows = [[d.name, str(d.district or ""), d.group.name if d.group_id else "", d.records] for d in deputies]
        return attachment(xlsx_bytes(f"{station.name}代表履职({period.label})", ["姓名", "选区", "代表小组", "履职记录"], rows),
                          f"{station.name}代表履职-{period.label}.xlsx", XLSX)
    return render(request, "dashboards/station.html", {
        "township": township, "station": station, "deputies": deputies, "period": period})


@login_required
@require_safe
def deputy(request, slug, pk):
    township = _township_for(request.user, slug)
    deputy = get_object_or_404(Deputy.objects.select_related("district", "group"), pk=pk, township=township)
    period = Period.from_query(request.GET)
    records = DutyRecord.objects.filter(deputy=deputy, date__range=(period.date_from, period.date_to)).order_by("-date")
    if request.GET.get("export") == "records":
        rows = [[r.date, r.get_kind_display(), r.place, r.hours, r.content] for r in records]
        return attachment(xlsx_bytes(f"{deputy.name}履职记录({period.label})", ["日期", "类别", "地点", "时长", "内容"], rows),
                          f"{deputy.name}履职记录-{period.label}.xlsx", XLSX)
    return render(request, "dashboards/deputy.html", {
        "township": township, "deputy": deputy, "records": records, "period": period,
        "mandates": deputy.mandates.all()})


@login_required
@require_safe
def records(request, figure):
    """The list of records behind one number of a dashboard."""
    today = timezone.localdate()
    period = Period.from_query(request.GET, today)
    slug = request.GET.get("township")
    if slug:
        township = _township_for(request.user, slug)
        townships = Township.objects.filter(pk=township.pk)
    else:
        township = None
        if not (request.user.is_superuser or request.user.is_county_viewer):
            raise PermissionDenied("请从本乡镇的看板进入明细。")
        townships = _county_townships(request.user)
    try:
        quarter = int(request.GET.get("q") or 0) or None
    except ValueError:
        quarter = None
    try:
        listing = selectors.figure_records(figure, townships=townships, period=period, today=today,
                                           quarter=quarter, population=request.GET.get("population") or "all")
    except KeyError:
        raise Http404("没有这个统计项。")
    headers = [label for label, _ in listing.columns]
    scope = township.name if township else "全县"
    if request.GET.get("export") == "xlsx":
        title, filename = export_kinds.records_title(listing, scope, period)
        if listing.queryset.count() > export_sync_max_rows():  # long: built by the worker
            parameters = export_kinds.records_parameters(
                figure=figure, period=period, today=today, quarter=quarter,
                population=request.GET.get("population") or "all", scope_label=scope)
            return start_export(request, kind=export_kinds.RECORDS, parameters=parameters, title=title,
                                filename=filename, township_ids=townships.values_list("pk", flat=True))
        rows = [[fn(obj) for _, fn in listing.columns] for obj in listing.queryset]
        return attachment(xlsx_bytes(title, headers, rows), filename, XLSX)
    page = Paginator(listing.queryset, 50).get_page(request.GET.get("page"))
    rows = [[fn(obj) for _, fn in listing.columns] for obj in page]
    return render(request, "dashboards/records.html", {
        "listing": listing, "headers": headers, "rows": rows, "page": page, "period": period,
        "township": township, "scope": scope, "total": page.paginator.count,
        "query": request.GET.urlencode(),
        "base_query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k not in ("page", "export")),
    })


@login_required
@require_safe
def definitions(request):
    """口径说明: every figure's definition, generated from the registries."""
    if not (request.user.has_perm("dashboards.view_county") or p.is_presidium_staff(request.user)):
        raise PermissionDenied("口径说明仅供看板用户查看。")
    return render(request, "dashboards/definitions.html", figure_definitions())


@login_required
@require_safe
def annex(request, slug):
    township = _township_for(request.user, slug)
    period = Period.from_query(request.GET)
    url = request.build_absolute_uri(reverse("dashboards:definitions"))
    return attachment(annex_docx(township, period.year, definitions_url=url),
                      f"{township.name}{period.year}年工作报告统计附件.docx", DOCX)
