"""The deputy's ledgers (the "十表" of DOMAIN.md §3), filled from the records for one deputy and
one year, and written as .xlsx (openpyxl) or as a printable .docx (python-docx).

Each ledger is data: a key, a title, its columns and a function giving its rows. The sources
name nine tables under the name "十表"; these are those nine:

============================== ================================================================
个人信息登记簿                  the profile (phone only when the reader may see it)
代表信息表                      levels and terms with status history, district, group, stations,
                                the presidium member who keeps in touch (双联系)
活动情况登记表                  every duty entry of the year
接待群众来访(信)登记表          接待选民 entries; a station reception the deputy attended is
                                listed issue by issue (visitor, matter, answer)
联系选民登记簿                  the register of voters the deputy keeps in touch with
联系选民记录表                  联系/走访选民 entries
联系选区登记簿                  the district, its villages, and the entries with its voters
                                (接待, 联系/走访, 述职评议 with the voters' verdicts)
履职情况登记表                  the annual summary: entries, hours and score per kind, rank
办实事情况统计表                为民办实事 entries
============================== ================================================================
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from congress.printing import apply_gongwen_layout, xlsx_print_setup
from congress.exports import safe_row, safe_text
from congress.validators import mask_phone

from .models import Deputy, DutyKind, DutyRecord, Mandate
from .selectors import deputy_year_summary, duty_weights


@dataclass
class LedgerData:
    deputy: Deputy
    year: int
    show_phone: bool
    records: list[DutyRecord] = field(default_factory=list)

    def of_kind(self, *kinds) -> list[DutyRecord]:
        return [r for r in self.records if r.kind in kinds]

    def phone(self, number: str) -> str:
        return number if self.show_phone else mask_phone(number)


@dataclass(frozen=True)
class Ledger:
    key: str
    title: str
    columns: list[str]
    widths: list[int]  # xlsx column widths (characters); docx shares them proportionally
    rows: Callable[[LedgerData], list[list]]
    landscape: bool = True
    note: Callable[[LedgerData], str] | None = None


def _d(date) -> str:
    return date.strftime("%Y-%m-%d") if date else ""


def _hours(value) -> str:
    return f"{value:g}" if value else ""


def _fellows(record) -> str:
    return "、".join(p.name for p in record.participants.all())


def _numbered(rows):
    return [[i, *row] for i, row in enumerate(rows, start=1)]


# --- the nine tables -----------------------------------------------------------------------


def _personal_rows(data: LedgerData):
    d = data.deputy
    return [
        ["姓名", d.name],
        ["性别", d.get_gender_display()],
        ["民族", d.ethnicity],
        ["出生年月", d.birth_date.strftime("%Y年%m月") if d.birth_date else ""],
        ["政治面貌", d.get_political_status_display()],
        ["学历", d.get_education_display() if d.education else ""],
        ["职业", d.occupation],
        ["工作单位及职务", d.employer],
        ["代表类别", d.get_category_display()],
        ["所在乡镇", d.township.name],
        ["选区", str(d.district) if d.district else ""],
        ["代表小组", d.group.name if d.group else ""],
        ["联系电话", data.phone(d.phone)],
    ]


def _deputy_info_rows(data: LedgerData):
    d = data.deputy
    stations = "、".join(s.name for s in d.stations.all())
    members = "、".join(link.member.name for link in d.presidium_contacts.select_related("member"))
    rows = [
        ["代表层级", d.levels_display or "(无在任代表资格)"],
        ["选区", str(d.district) if d.district else ""],
        [
            "选区所辖村(社区)",
            "、".join(v.name for v in d.district.villages.all()) if d.district else "",
        ],
        ["代表小组", d.group.name if d.group else ""],
        ["代表小组组长", d.group.leader.name if d.group and d.group.leader else ""],
        ["进站联络站(点)", stations],
        ["联系的主席团成员", members],
        ["主席团成员", "是" if d.is_presidium_member else "否"],
        ["登记联系选民", f"{d.voter_contacts.count()}人"],
    ]
    mandates = Mandate.objects.filter(deputy=d).order_by("-term_number", "level")
    for m in mandates:
        status = m.get_status_display()
        if m.status_date:
            status += f"({_d(m.status_date)}{',' + m.status_reason if m.status_reason else ''})"
        elected = f",{_d(m.elected_on)}当选" if m.elected_on else ""
        rows.append([f"{m.get_level_display()}", f"第{m.term_number}届{elected},{status}"])
    return rows


def _activity_rows(data: LedgerData):
    return _numbered(
        [_d(r.date), r.get_kind_display(), r.place, _hours(r.hours), r.content, _fellows(r)]
        for r in sorted(data.records, key=lambda r: (r.date, r.pk))
    )


def _reception_rows(data: LedgerData):
    """接待 entries, where a station reception with recorded issues is shown as one row per
    issue (visitor, matter, answer) instead of its one-line duty record. The receptions are
    read through the deputy's reverse relation, so this app imports nothing from the stations
    app above it."""
    receptions = (
        data.deputy.receptions.filter(date__year=data.year)
        .select_related("station")
        .prefetch_related("issues__village")
        .order_by("date", "pk")
    )
    issues = [issue for record in receptions for issue in record.issues.all()]
    # The duty records the stations module wrote for these receptions (their source key is a
    # field of the reception record).
    detailed = {issue.record.duty_source_key for issue in issues} - {""}
    rows = [
        (r.date, [_d(r.date), r.place, r.contact_persons, r.content, r.outcome])
        for r in data.of_kind(DutyKind.RECEPTION)
        if r.source_key not in detailed
    ]
    for issue in issues:
        visitor = issue.visitor_name or "群众"
        if issue.village:
            visitor = f"{issue.village.name} {visitor}"
        outcome = issue.answer or ("已当场答复" if issue.answered_on_spot else "")
        rows.append(
            (
                issue.record.date,
                [_d(issue.record.date), str(issue.record.station), visitor, issue.content, outcome],
            )
        )
    rows.sort(key=lambda pair: pair[0])
    return _numbered(row for _, row in rows)


def _voter_register_rows(data: LedgerData):
    contacts = data.deputy.voter_contacts.select_related("village").order_by(
        "village__name", "name"
    )
    return _numbered(
        [
            c.name,
            c.village.name if c.village else "",
            c.address,
            data.phone(c.phone),
            _d(c.since),
            c.note,
        ]
        for c in contacts
    )


def _voter_contact_rows(data: LedgerData):
    return _numbered(
        [_d(r.date), r.contact_persons, r.place, r.content, r.outcome]
        for r in sorted(data.of_kind(DutyKind.VOTER_CONTACT), key=lambda r: (r.date, r.pk))
    )


def _verdicts(r) -> str:
    if r.kind != DutyKind.PERFORMANCE_REVIEW:
        return ""
    return (
        f"满意{r.satisfied_count or 0} 基本满意{r.basically_satisfied_count or 0} "
        f"不满意{r.unsatisfied_count or 0}"
    )


def _district_rows(data: LedgerData):
    kinds = (DutyKind.RECEPTION, DutyKind.VOTER_CONTACT, DutyKind.PERFORMANCE_REVIEW)
    return _numbered(
        [_d(r.date), r.get_kind_display(), r.place, r.content, _verdicts(r) or r.outcome]
        for r in sorted(data.of_kind(*kinds), key=lambda r: (r.date, r.pk))
    )


def _district_note(data: LedgerData) -> str:
    d = data.deputy.district
    if not d:
        return "选区:未登记"
    villages = "、".join(v.name for v in d.villages.all())
    return f"选区:{d}  所辖村(社区):{villages}"


def _summary_rows(data: LedgerData):
    weights = duty_weights(data.deputy.township)
    counts: dict[str, list] = {kind: [0, 0] for kind in DutyKind.values}
    for r in data.records:
        counts[r.kind][0] += 1
        counts[r.kind][1] += r.hours or 0
    rows = []
    for kind, label in DutyKind.choices:
        n, hours = counts[kind]
        rows.append([label, n, _hours(hours), f"{weights[kind]:g}", f"{n * weights[kind]:g}"])
    return rows


def _summary_note(data: LedgerData) -> str:
    summary = deputy_year_summary(data.deputy, data.year)
    if summary is None:
        return "该代表目前无在任代表资格,不参加本乡镇排名。"
    text = (
        f"全年履职 {summary.total} 次,{summary.hours:g} 小时,积分 {summary.score:g},"
        f"在全乡镇代表中排名第 {summary.rank} 位。"
    )
    if summary.review_total:
        text += (
            f"述职评议:满意 {summary.satisfied} 票、基本满意 {summary.basically_satisfied} 票、"
            f"不满意 {summary.unsatisfied} 票,满意率 {summary.satisfaction_rate:.0%}。"
        )
    return text


def _deed_rows(data: LedgerData):
    return _numbered(
        [_d(r.date), r.place, r.content, r.contact_persons, r.outcome, _hours(r.hours)]
        for r in sorted(data.of_kind(DutyKind.PRACTICAL_DEED), key=lambda r: (r.date, r.pk))
    )


LEDGERS = [
    Ledger(
        "personal",
        "人大代表个人信息登记簿",
        ["项目", "内容"],
        [18, 50],
        _personal_rows,
        landscape=False,
    ),
    Ledger(
        "info", "人大代表信息表", ["项目", "内容"], [18, 50], _deputy_info_rows, landscape=False
    ),
    Ledger(
        "activities",
        "人大代表活动情况登记表",
        ["序号", "日期", "类别", "地点", "时长(小时)", "活动内容", "同行代表"],
        [6, 12, 14, 16, 8, 50, 20],
        _activity_rows,
    ),
    Ledger(
        "receptions",
        "人大代表接待群众来访(信)登记表",
        ["序号", "日期", "地点", "来访(来信)人", "反映问题", "办理结果"],
        [6, 12, 18, 18, 45, 30],
        _reception_rows,
    ),
    Ledger(
        "voters",
        "人大代表联系选民登记簿",
        ["序号", "选民姓名", "村(社区)", "住址或单位", "联系电话", "建立联系日期", "备注"],
        [6, 10, 14, 22, 14, 14, 20],
        _voter_register_rows,
    ),
    Ledger(
        "voter-contacts",
        "人大代表联系选民记录表",
        ["序号", "日期", "联系对象", "方式/地点", "听取的意见建议", "处理情况"],
        [6, 12, 20, 16, 45, 30],
        _voter_contact_rows,
    ),
    Ledger(
        "district",
        "人大代表联系选区登记簿",
        ["序号", "日期", "类别", "地点", "内容", "选民测评或结果"],
        [6, 12, 14, 16, 45, 30],
        _district_rows,
        note=_district_note,
    ),
    Ledger(
        "summary",
        "人大代表履职情况登记表",
        ["履职类别", "次数", "时长(小时)", "每次积分", "积分"],
        [18, 8, 12, 10, 10],
        _summary_rows,
        landscape=False,
        note=_summary_note,
    ),
    Ledger(
        "deeds",
        "人大代表办实事情况统计表",
        ["序号", "日期", "地点", "实事内容", "受益对象", "成效", "时长(小时)"],
        [6, 12, 16, 40, 18, 30, 8],
        _deed_rows,
    ),
]
LEDGERS_BY_KEY = {ledger.key: ledger for ledger in LEDGERS}


def ledger_data(deputy: Deputy, year: int, *, show_phone: bool) -> LedgerData:
    deputy = (
        Deputy.objects.select_related("township", "district", "group__leader")
        .prefetch_related("district__villages", "stations")
        .get(pk=deputy.pk)
    )
    records = list(
        DutyRecord.objects.filter(deputy=deputy, date__year=year)
        .prefetch_related("participants")
        .order_by("date", "pk")
    )
    return LedgerData(deputy=deputy, year=year, show_phone=show_phone, records=records)


def _heading(ledger: Ledger, data: LedgerData) -> tuple[str, str]:
    d = data.deputy
    title = f"{ledger.title}({data.year}年度)"
    sub = f"乡镇:{d.township.name}  代表:{d.name}  代表层级:{d.levels_display or '无'}"
    return title, sub


# --- xlsx ------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _write_sheet(ws, ledger: Ledger, data: LedgerData) -> None:
    title, sub = _heading(ledger, data)
    n = len(ledger.columns)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([sub])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    row = 3
    if ledger.note:
        ws.append([ledger.note(data)])
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=n)
        ws.cell(row=3, column=1).alignment = Alignment(wrap_text=True)
        row = 4
    ws.append(ledger.columns)
    header_row = row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
    rows = ledger.rows(data)
    for values in rows:
        ws.append(safe_row(values))
    if not rows:
        ws.append(["(本年度无记录)"] + [""] * (n - 1))
    for line in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row):
        for cell in line:
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, width in enumerate(ledger.widths, start=1):
        ws.column_dimensions[ws.cell(row=header_row, column=index).column_letter].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if ledger.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    xlsx_print_setup(ws, title=title, header_rows=header_row, landscape=ledger.landscape)


def ledgers_xlsx(ledgers: list[Ledger], data: LedgerData) -> bytes:
    """One worksheet per ledger (one ledger, or all nine in one workbook)."""
    wb = Workbook()
    wb.remove(wb.active)
    for ledger in ledgers:
        # Sheet titles may not hold some characters and are at most 31 long.
        ws = wb.create_sheet(title=ledger.title.replace("人大代表", "")[:31])
        _write_sheet(ws, ledger, data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- docx ------------------------------------------------------------------------------------


def _set_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _set_orientation(section, landscape: bool) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    else:
        section.orientation = WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))


def _write_docx_ledger(document, ledger: Ledger, data: LedgerData) -> None:
    title, sub = _heading(ledger, data)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(16)
    document.add_paragraph(sub)
    if ledger.note:
        document.add_paragraph(ledger.note(data))
    rows = ledger.rows(data)
    table = document.add_table(rows=1, cols=len(ledger.columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ledger.columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows or [["(本年度无记录)"] + [""] * (len(ledger.columns) - 1)]:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else safe_text(str(value))
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    total = sum(ledger.widths)
    for row in table.rows:
        for cell, width in zip(row.cells, ledger.widths, strict=True):
            cell.width = int(usable * width / total)
    document.add_paragraph()
    document.add_paragraph("代表签名:                    填表日期:      年   月   日")


def ledgers_docx(ledgers: list[Ledger], data: LedgerData) -> bytes:
    """A printable document: each ledger on its own page (its own section, so each keeps its
    portrait or landscape orientation)."""
    document = Document()
    _set_font(document)
    for index, ledger in enumerate(ledgers):
        if index == 0:
            section = document.sections[0]
        else:
            from docx.enum.section import WD_SECTION

            section = document.add_section(WD_SECTION.NEW_PAGE)
        _set_orientation(section, ledger.landscape)
        apply_gongwen_layout(document, body_pt=10.5)
        _write_docx_ledger(document, ledger, data)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def export_ledger(
    deputy: Deputy, year: int, *, key: str, fmt: str, show_phone: bool
) -> tuple[bytes, str, str]:
    """(content, file name, content type) for one ledger (``key``) or all nine (``"all"``)."""
    if key == "all":
        ledgers, name = LEDGERS, "履职台账十表"
    elif key in LEDGERS_BY_KEY:
        ledgers = [LEDGERS_BY_KEY[key]]
        name = ledgers[0].title
    else:
        raise KeyError(key)
    data = ledger_data(deputy, year, show_phone=show_phone)
    filename = f"{deputy.name}-{name}-{year}"
    if fmt == "xlsx":
        return (
            ledgers_xlsx(ledgers, data),
            f"{filename}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if fmt == "docx":
        return (
            ledgers_docx(ledgers, data),
            f"{filename}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    raise KeyError(fmt)
