"""Roster import as a township office does it (issue 16): files shaped like the ones on the
office's shared drive, built here with openpyxl, xlwt and CSV in GBK; matching a person to the
roster and updating instead of duplicating; the preview, the error report and the limits."""

import csv
import datetime
import io
import threading
import time
import zipfile

import pytest
import xlwt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from congress import sheets
from deputies import roster_excel
from deputies.admin.import_wizard import IMPORT_SESSION_KEY
from deputies.models import Deputy, Level, Mandate, PoliticalStatus
from deputies.selectors import term_roster
from deputies.services import DeputyError, roster_import

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)

# Reordered columns, a 序号 and a 备注 column, as offices keep them.
HEADER = [
    "序号", "姓名", "性别", "出生年月", "政治面貌", "代表层级", "选区", "代表小组", "联系电话",
    "工作单位及职务", "备注",
]
ROWS = [
    [1, "周建国", "男", "1975.03", "中共党员", "县、镇人大代表", "第1选区", "第一代表小组",
     "13811112222", "上坪村党支部书记", "连任"],
    [2, "吴秀兰", "女", "1982年7月", "无党派人士", "镇", "第2选区", "第一代表小组",
     "１３８２２２２３３３３", "下湾村小学教师", ""],  # full-width digits
    [3, "郑光明", "男", datetime.date(1969, 10, 1), "九三学社社员", "镇", "第3选区", "第二代表小组",
     "13833334444", "石门村卫生室医生", ""],
    [4, "王春燕", "女", "1980.11", "中共预备党员", "镇", "上坪村", "第一代表小组",
     "13844445555", "上坪村妇联主席", ""],
]


def office_xlsx(rows=ROWS, *, header=HEADER, extra=None) -> SimpleUploadedFile:
    """A title and a 填报单位 row above the header, a blank row, a 合计 row and a footer."""
    wb = Workbook()
    ws = wb.active
    ws.append(["甲镇第六届人大代表花名册"])
    ws.append(["填报单位:甲镇人大主席团", None, None, "填报日期:2026年5月"])
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    ws.append([])
    ws.append(["合计", f"{len(rows)}人"])
    ws.append(["制表人:李某", None, "审核人:王某"])
    if extra:
        extra(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue())


def read(upload):
    return roster_excel.read_roster(upload)


def plan(upload, office, **kwargs):
    return roster_excel.check_rows(
        read(upload), township=office.township, term=office.term, today=TODAY, **kwargs
    )


def do_import(office, upload, **kwargs):
    kwargs.setdefault("level_terms", {Level.COUNTY: 18, Level.CITY: 6})
    return roster_import(
        actor=office.staff, township=office.township, term=office.term, rows=read(upload), **kwargs
    )


# --- Reading what offices keep ----------------------------------------------------------------


def test_office_xlsx_reads_every_row_skips_summary_and_footer_and_lists_ignored_columns(office):
    sheet = read(office_xlsx())
    assert [r.number for r in sheet.rows] == [4, 5, 6, 7]
    assert [s.reason for s in sheet.skipped] == ["合计/小计行", "表尾(制表人等)"]
    assert sheet.ignored_columns == ["序号", "备注"]
    result = plan(office_xlsx(), office)
    assert [r.action for r in result.rows] == ["create"] * 4, [r.errors for r in result.rows]
    wu = result.rows[1]
    assert wu.cleaned["phone"] == "13822223333"  # full-width digits normalised
    assert wu.cleaned["political_status"] == PoliticalStatus.NON_PARTISAN
    assert wu.birth_date_display == "1982-07"
    assert result.rows[0].cleaned["levels"] == [Level.COUNTY, Level.TOWN]
    assert result.rows[2].cleaned["political_status"] == PoliticalStatus.JIUSAN
    assert result.rows[2].birth_date_display == "1969-10"  # a date cell
    assert result.rows[3].cleaned["district_id"] == office.districts[0].pk  # by village name


def test_number_cell_1969_10_is_october_when_the_format_says_so_and_flagged_when_not(office):
    def numbers(ws):
        ws["D4"] = 1969.1
        ws["D4"].number_format = "0.00"  # shows 1969.10
        ws["D5"] = 1969.1  # General: 1969.1 or 1969.10?
        ws["D6"] = 1975.3  # General, but 1975.30 is no month: March
        ws["D6"].number_format = "General"

    result = plan(office_xlsx(extra=numbers), office)
    assert result.rows[0].birth_date_display == "1969-10"
    assert result.rows[1].action == "confirm"
    assert [f"{d:%Y-%m}" for d in result.rows[1].confirm_dates] == ["1969-01", "1969-10"]
    assert result.rows[2].birth_date_display == "1975-03"
    settled = plan(office_xlsx(extra=numbers), office, resolutions={"date-5": "1969-10"})
    assert settled.rows[1].action == "create" and settled.rows[1].birth_date_display == "1969-10"


@pytest.mark.parametrize(
    "text, expected",
    [("1975.03", "1975-03"), ("1975年3月", "1975-03"), ("1975-3", "1975-03"),
     ("1975/03", "1975-03"), ("197503", "1975-03"), ("１９７５．０３", "1975-03"),
     ("1975年3月5日", "1975-03")],
)
def test_birth_date_text_as_offices_write_it(office, text, expected):
    row = list(ROWS[0])
    row[3] = text
    result = plan(office_xlsx([row]), office)
    assert result.rows[0].birth_date_display == expected


@pytest.mark.parametrize(
    "text, message",
    [("2031.05", "晚于今天"), ("1890.01", "不合理"), ("2015.01", "未满18周岁"), ("七五年", "无法识别")],
)
def test_future_or_implausible_birth_dates_are_refused(office, text, message):
    row = list(ROWS[0])
    row[3] = text
    result = plan(office_xlsx([row]), office)
    assert result.rows[0].action == "error"
    assert message in result.rows[0].errors[0]


def test_old_xls_file_is_read_with_number_formats(office):
    book = xlwt.Workbook()
    ws = book.add_sheet("花名册")
    ws.write(0, 0, "甲镇人大代表花名册")
    for c, text in enumerate(HEADER):
        ws.write(1, c, text)
    two_decimals = xlwt.easyxf(num_format_str="0.00")
    for r, row in enumerate(ROWS[:2], start=2):
        for c, value in enumerate(row):
            if c == 3:
                ws.write(r, c, 1969.1, two_decimals)
            else:
                ws.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    result = plan(SimpleUploadedFile("花名册.xls", buffer.getvalue()), office)
    assert [r.name for r in result.rows] == ["周建国", "吴秀兰"]
    assert [r.birth_date_display for r in result.rows] == ["1969-10", "1969-10"]
    assert all(r.action == "create" for r in result.rows), [r.errors for r in result.rows]


def _csv(rows, encoding, bom=False) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([v.strftime("%Y.%m") if isinstance(v, datetime.date) else v for v in row])
    data = text.getvalue().encode(encoding)
    return SimpleUploadedFile("花名册.csv", (b"\xef\xbb\xbf" if bom else b"") + data)


@pytest.mark.parametrize("encoding, bom", [("gbk", False), ("gb18030", False), ("utf-8", True),
                                           ("utf-8", False)])
def test_csv_in_gbk_or_utf8_with_or_without_bom(office, encoding, bom):
    result = plan(_csv(ROWS, encoding, bom), office)
    assert [r.name for r in result.rows] == ["周建国", "吴秀兰", "郑光明", "王春燕"]
    assert result.rows[1].cleaned["phone"] == "13822223333"
    assert all(r.action == "create" for r in result.rows), [r.errors for r in result.rows]


def test_template_example_row_is_never_imported_and_has_dropdowns(office):
    content = roster_excel.template_workbook(township=office.township, term=office.term)
    wb = load_workbook(io.BytesIO(content))
    ws = wb["代表花名册"]
    validated = {str(dv.sqref).split(":")[0][0] for dv in ws.data_validations.dataValidation}
    letters = {c.key: ws.cell(row=1, column=i + 1).column_letter
               for i, c in enumerate(roster_excel.COLUMNS)}
    assert {letters[k] for k in ("gender", "levels", "political_status", "district", "group")} <= validated
    options = wb["选项"]
    values = {c.value for row in options.iter_rows() for c in row if c.value}
    assert {"第1选区", "第3选区", "第一代表小组", "无党派人士"} <= values
    assert ws[f"{letters['phone']}3"].number_format == "@"
    assert ws[f"{letters['birth_date']}3"].number_format == "@"
    with pytest.raises(sheets.SheetError, match="没有任何可导入的数据行"):
        read(SimpleUploadedFile("模板.xlsx", content))  # only the marked example row


# --- Identity and update ----------------------------------------------------------------------


def test_reimporting_the_same_file_or_with_changed_fields_never_changes_the_roster_count(office):
    before = term_roster(office.term).count()
    first = do_import(office, office_xlsx())
    assert len(first.created) == 4
    after_first = term_roster(office.term).count()
    assert after_first == before + 4
    again = do_import(office, office_xlsx())
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 4)
    changed = [list(r) for r in ROWS]
    changed[0][8] = "13999998888"  # a new phone
    changed[1][5] = "市、镇"  # a new level
    changed[2][7] = "第一代表小组"  # moved to another group
    result = do_import(office, office_xlsx(changed))
    assert (len(result.created), len(result.updated)) == (0, 3)
    assert term_roster(office.term).count() == after_first
    zhou = Deputy.objects.get(name="周建国")
    assert zhou.phone == "13999998888"
    assert zhou.history.latest().history_user == office.staff
    changes = {c.label: (c.old, c.new) for c in result.updated[0].changes}
    assert changes == {"手机号码": ("13811112222", "13999998888")}
    wu = Deputy.objects.get(name="吴秀兰")
    assert sorted(wu.mandates.values_list("level", "term_number")) == [("city", 6), ("town", 6)]
    assert Deputy.objects.filter(name__in=[r[1] for r in ROWS]).count() == 4


def test_preview_shows_old_and_new_and_unchanged(office):
    do_import(office, office_xlsx())
    changed = [list(r) for r in ROWS]
    changed[3][9] = "上坪村党支部副书记"
    result = plan(office_xlsx(changed), office)
    assert [r.action for r in result.rows] == ["unchanged"] * 3 + ["update"]
    (change,) = result.rows[3].changes
    assert (change.label, change.old, change.new) == (
        "工作单位及职务", "上坪村妇联主席", "上坪村党支部副书记"
    )


def test_a_namesake_with_another_birth_month_or_district_is_a_near_match_to_confirm(office):
    do_import(office, office_xlsx())
    row = list(ROWS[0])
    row[3] = "1976.05"  # same name, another birth month
    result = plan(office_xlsx([row]), office)
    assert result.rows[0].action == "confirm"
    zhou = Deputy.objects.get(name="周建国")
    assert result.rows[0].confirm_person == [zhou]
    with pytest.raises(DeputyError, match="没有可以导入的有效行"):
        do_import(office, office_xlsx([row]))  # not settled: nothing to write
    skipped = do_import(office, office_xlsx([row, ROWS[1]]))
    assert len(skipped.skipped) == 1 and Deputy.objects.filter(name="周建国").count() == 1
    as_same = do_import(office, office_xlsx([row]), resolutions={"person-4": str(zhou.pk)})
    assert len(as_same.updated) == 1
    zhou.refresh_from_db()
    assert zhou.birth_date == datetime.date(1976, 5, 1)
    as_new = do_import(office, office_xlsx([[*row[:3], "1990.05", *row[4:]]]),
                       resolutions={"person-4": "new"})
    assert len(as_new.created) == 1 and Deputy.objects.filter(name="周建国").count() == 2


def test_a_person_twice_in_the_file_is_an_error_on_the_second_row(office):
    result = plan(office_xlsx([ROWS[0], ROWS[1], ROWS[0]]), office)
    assert result.rows[2].errors == ["重复:与第4行是同一人"]


def test_nothing_is_written_while_a_row_is_bad_unless_the_user_skips_them(office):
    bad = list(ROWS[1])
    bad[6] = "第9选区"
    before = Deputy.objects.count()
    with pytest.raises(DeputyError, match="有 1 行存在错误"):
        do_import(office, office_xlsx([ROWS[0], bad]))
    assert Deputy.objects.count() == before
    result = do_import(office, office_xlsx([ROWS[0], bad]), skip_invalid=True)
    assert [r.name for r in result.created] == ["周建国"] and len(result.skipped) == 1


def test_database_refuses_a_second_record_of_the_same_person(office):
    from django.db import IntegrityError, transaction

    do_import(office, office_xlsx())
    zhou = Deputy.objects.get(name="周建国")
    with pytest.raises(IntegrityError), transaction.atomic():
        Deputy.objects.create(
            township=office.township, name=zhou.name, gender=zhou.gender,
            birth_date=zhou.birth_date, district=zhou.district,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_file_cannot_duplicate_on_postgresql():
    from tests.deputies.conftest import Office

    office = Office()
    content = office_xlsx().read()
    before = term_roster(office.term).count()
    barrier = threading.Barrier(4)
    outcomes = []

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            result = do_import(office, SimpleUploadedFile("花名册.xlsx", content))
            outcomes.append((len(result.created), len(result.unchanged)))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [(0, 4), (0, 4), (0, 4), (4, 0)]
    assert term_roster(office.term).count() == before + 4
    assert Mandate.objects.filter(deputy__name="周建国", level=Level.TOWN).count() == 1


# --- Limits and broken files (issue 12 item 4) ------------------------------------------------


def _xlsx_with(parts: dict[str, bytes]) -> bytes:
    """A valid workbook with some of its parts replaced."""
    source = office_xlsx().read()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, parts.pop(info.filename, None) or zin.read(info.filename))
        for name, data in parts.items():
            zout.writestr(name, data)
    return out.getvalue()


def test_shared_strings_bomb_is_refused_before_reading():
    bomb = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>" + b"A" * (60 * 1024 * 1024) + b"</t></si></sst>"
    )
    content = _xlsx_with({"xl/sharedStrings.xml": bomb})
    assert len(content) < 1024 * 1024
    with pytest.raises(sheets.SheetError, match="解压后超过"):
        read(SimpleUploadedFile("bomb.xlsx", content))


def test_millions_of_empty_rows_stop_being_read(monkeypatch):
    rows = "".join(f'<row r="{n}"/>' for n in range(8, 300_000)).encode()
    data_row = (
        b'<row r="300001"><c r="B300001" t="inlineStr"><is><t>X</t></is></c></row>'
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>\xe6\x80\xa7\xe5\x88\xab</t></is></c>'
        b'<c r="C1" t="inlineStr"><is><t>\xe9\x80\x89\xe5\x8c\xba</t></is></c>'
        b'<c r="D1" t="inlineStr"><is><t>\xe4\xbb\xa3\xe8\xa1\xa8\xe5\xb1\x82\xe7\xba\xa7</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>\xe5\x91\xa8</t></is></c></row>'
        + rows + data_row + b"</sheetData></worksheet>"
    )
    content = _xlsx_with({"xl/worksheets/sheet1.xml": sheet})
    started = time.monotonic()
    result = read(SimpleUploadedFile("empty.xlsx", content))
    assert time.monotonic() - started < 20
    assert [r.number for r in result.rows] == [2]  # the padding stops the reading


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04 not really a zip", "损坏"),
        (None, "损坏"),  # a workbook whose sheet XML is broken
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        (b"\xff\xfe\x00garbage", "无法识别"),
    ],
)
def test_a_broken_file_is_a_clear_message(content, message):
    if content is None:
        content = _xlsx_with({"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r="})
    with pytest.raises(sheets.SheetError, match=message):
        read(SimpleUploadedFile("坏文件.xlsx", content))


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    with pytest.raises(sheets.SheetError, match="超过 3 行"):
        read(office_xlsx())


# --- The admin wizard --------------------------------------------------------------------------


def _upload(client, office, upload):
    return client.post(
        reverse("admin:deputies_deputy_import"),
        {"file": upload, "term": office.term.pk, "county_term": 18, "city_term": 6,
         "province_term": 14, "national_term": 14},
    )


def test_wizard_preview_report_and_result_page(client, office):
    client.force_login(office.staff)
    bad = list(ROWS[1])
    bad[6] = "第9选区"
    response = _upload(client, office, office_xlsx([ROWS[0], bad]))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("admin:deputies_deputy_import_preview")).content.decode()
    assert "1975-03" in page and "已忽略" in page and "备注" in page and "合计/小计行" in page
    assert "errornote" not in page  # the count is plain text, not a red box
    report = client.get(reverse("admin:deputies_deputy_import_errors"))
    ws = load_workbook(io.BytesIO(report.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    assert rows[1][0] == 5 and "第9选区" in rows[1][-1] and "吴秀兰" in rows[1]
    response = client.post(reverse("admin:deputies_deputy_import_preview"), {"action": "skip"})
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "新增 1 人" in result and "周建国" in result and "吴秀兰" in result


def test_wizard_offers_no_import_button_with_nothing_to_write(client, office):
    client.force_login(office.staff)
    bad = list(ROWS[1])
    bad[6] = "第9选区"
    _upload(client, office, office_xlsx([bad]))
    page = client.get(reverse("admin:deputies_deputy_import_preview")).content.decode()
    assert 'value="skip"' not in page and 'value="import"' not in page
    assert "没有需要写入的行" in page


def test_wizard_refuses_a_broken_file_with_a_message_not_a_500(client, office):
    client.force_login(office.staff)
    response = _upload(client, office, SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken"))
    assert response.status_code == 200
    assert "损坏" in response.content.decode()
    assert IMPORT_SESSION_KEY not in client.session


def test_wizard_is_for_staff_only(client, office):
    client.force_login(office.viewer)
    assert client.get(reverse("admin:deputies_deputy_import")).status_code in (302, 403)
    assert client.get(reverse("admin:deputies_deputy_import_template")).status_code in (302, 403)


def test_the_error_report_reads_back_as_it_was_uploaded(office):
    """The office fixes the downloaded error rows and uploads the same file again: neutralised
    cells ("+86 …" written as "'+86 …") read back as typed."""
    row = list(ROWS[0])
    row[8] = "+86 138 1111 2222"
    row[6] = "第9选区"
    sheet = read(office_xlsx([row]))
    result = plan(office_xlsx([row]), office)
    report = sheets.error_report(
        sheet.header, [(r.number, r.raw.cells, r.reason) for r in result.invalid_rows]
    )
    again = read(SimpleUploadedFile("错误行.xlsx", report))
    assert again.rows[0].values["phone"] == "+86 138 1111 2222"
    assert "原行号" in again.ignored_columns and "错误原因" in again.ignored_columns
