"""The office's own Excel roster: read, preview with per-row errors, import all or the valid
rows, export with the same columns."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from congress import sheets
from deputies import roster_excel
from deputies.models import Deputy, DeputyGroup, Level, Mandate
from deputies.services import DeputyError, roster_import
from tests.factories import ElectoralDistrictFactory, TermFactory, TownshipFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "政治面貌",
    "学历",
    "工作单位及职务",
    "选区",
    "代表小组",
    "代表层级",
    "手机号码",
]


def sheet(*rows, header=HEADER, title_row=True) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    if title_row:
        ws.append(["甲镇第六届人大代表花名册"])
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue())


GOOD = [
    (
        1,
        "赵一",
        "男",
        "汉族",
        "1975-03",
        "中共党员",
        "大专",
        "上坪村党支部书记",
        "第1选区",
        "第一代表小组",
        "县、镇",
        "13811112222",
    ),
    (
        2,
        "钱二",
        "女",
        "",
        "1982年7月",
        "群众",
        "本科",
        "下湾村小学教师",
        "下湾村",
        "第二代表小组",
        "镇",
        13822223333,
    ),
]
BAD = [
    (
        3,
        "孙三",
        "男",
        "汉族",
        "",
        "中共党员",
        "",
        "",
        "第9选区",
        "第一代表小组",
        "镇",
        "13833334444",
    ),  # unknown district
    (
        4,
        "李四",
        "男",
        "汉族",
        "",
        "中共党员",
        "",
        "",
        "第2选区",
        "第一代表小组",
        "镇",
        "1234567",
    ),  # bad phone
    (
        5,
        "赵一",
        "男",
        "汉族",
        "1975-03",
        "中共党员",
        "大专",
        "",
        "第1选区",
        "第一代表小组",
        "镇",
        "13811112222",
    ),  # duplicate of row 1
]


def check(upload, office):
    return roster_excel.check_rows(
        roster_excel.read_roster(upload), township=office.township, term=office.term
    )


def test_preview_lists_each_bad_row_with_its_reason(office):
    result = check(sheet(*GOOD, *BAD), office)
    assert [r.number for r in result.valid_rows] == [3, 4]  # sheet rows (title, header, data)
    errors = {r.name: r.errors for r in result.invalid_rows}
    assert errors["孙三"] == ["未知选区“第9选区”:本乡镇没有这个选区"]
    assert "手机号码“1234567”格式不正确" in errors["李四"][0]
    assert errors["赵一"] == ["重复:与第3行是同一人"]
    assert result.new_groups == ["第二代表小组"]
    assert Deputy.objects.filter(name__in=["赵一", "钱二"]).count() == 0  # reading wrote nothing


def test_nothing_is_imported_while_a_row_is_bad_unless_the_user_skips_them(office):
    before = Deputy.objects.count()
    result = check(sheet(*GOOD, *BAD), office)
    with pytest.raises(DeputyError, match="有 3 行存在错误,未导入任何数据"):
        roster_import(
            actor=office.staff,
            township=office.township,
            term=office.term,
            rows=result.sheet,
            level_terms={Level.COUNTY: 18},
        )
    assert Deputy.objects.count() == before
    done = roster_import(
        actor=office.staff,
        township=office.township,
        term=office.term,
        rows=result.sheet,
        level_terms={Level.COUNTY: 18},
        skip_invalid=True,
    )
    assert [r.name for r in done.created] == ["赵一", "钱二"]
    zhao = Deputy.objects.get(name="赵一")
    assert sorted(Mandate.objects.filter(deputy=zhao).values_list("level", "term_number")) == [
        ("county", 18),
        ("town", 6),
    ]
    assert zhao.district == office.districts[0] and zhao.group == office.group
    qian = Deputy.objects.get(name="钱二")
    assert (
        qian.district == office.districts[1]
        and qian.phone == "13822223333"
        and qian.ethnicity == "汉族"
    )
    assert DeputyGroup.objects.filter(township=office.township, name="第二代表小组").exists()
    assert zhao.history.latest().history_user == office.staff


def test_a_person_already_on_the_roster_is_matched_not_duplicated(office):
    result = check(
        sheet(
            (
                1,
                office.deputy.name,
                "男",
                "",
                "",
                "",
                "",
                "",
                "第1选区",
                "",
                "镇",
                office.deputy.phone,
            )
        ),
        office,
    )
    assert result.rows[0].action == "unchanged"
    assert result.rows[0].deputy == office.deputy


def test_staff_of_another_township_cannot_import_here(office):
    result = check(sheet(*GOOD), office)
    with pytest.raises(Exception, match="无权"):
        roster_import(
            actor=office.other_staff,
            township=office.township,
            term=office.term,
            rows=result.sheet,
            level_terms={Level.COUNTY: 18},
        )


def test_not_a_workbook_is_named_as_such():
    upload = SimpleUploadedFile("花名册.xlsx", "姓名,性别\n张三,男\n".encode())
    with pytest.raises(roster_excel.RosterFileError, match="不是 Excel 工作簿"):
        roster_excel.read_roster(upload)


def test_old_xls_file_is_asked_to_be_saved_as_xlsx():
    upload = SimpleUploadedFile("花名册.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(roster_excel.RosterFileError, match=r"另存为.*\.xlsx"):
        roster_excel.read_roster(upload)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    upload = SimpleUploadedFile("big.xlsx", b"PK" + b"0" * sheets.MAX_BYTES)
    with pytest.raises(roster_excel.RosterFileError, match="文件过大"):
        roster_excel.read_roster(upload)


def test_missing_columns_are_named():
    upload = sheet(("张三", "男"), header=["姓名", "性别", "手机号码"])
    with pytest.raises(roster_excel.RosterFileError) as excinfo:
        roster_excel.read_roster(upload)
    assert "缺少必需的列:选区、代表层级" in str(excinfo.value)


def test_sheet_without_header_or_rows_is_explained():
    with pytest.raises(roster_excel.RosterFileError, match="没有找到表头"):
        roster_excel.read_roster(sheet(("a", "b"), header=["甲", "乙"]))
    with pytest.raises(roster_excel.RosterFileError, match="没有任何可导入的数据行"):
        roster_excel.read_roster(sheet())


def test_unknown_choices_are_row_errors(office):
    result = check(
        sheet((1, "周五", "未知", "", "19750", "无业", "", "", "第1选区", "", "乡长", "")), office
    )
    errors = result.rows[0].errors
    assert any(e.startswith("性别应为") for e in errors)
    assert any(e.startswith("出生年月") for e in errors)
    assert any(e.startswith("政治面貌“无业”") for e in errors)
    assert any(e.startswith("代表层级“乡长”") for e in errors)


def test_export_has_the_import_columns_and_reads_back(office):
    office.add_deputy(Level.TOWN, Level.COUNTY, name="吴六", phone="13866667777")
    content = roster_excel.roster_workbook(
        Deputy.objects.filter(township=office.township).order_by("pk"), show_phone=lambda d: True
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == roster_excel.HEADERS
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert (
        rows["吴六"][11] == "县、镇"
        and rows["吴六"][12] == "13866667777"
        and rows["吴六"][9] == "第1选区"
    )
    # The same sheet imports cleanly into another township with the same districts.
    other = TownshipFactory(county=office.county)
    term = TermFactory(township=other)
    for number in (1, 2):
        ElectoralDistrictFactory(township=other, number=number)
    raw = roster_excel.read_roster(SimpleUploadedFile("export.xlsx", content))
    result = roster_excel.check_rows(raw, township=other, term=term)
    assert result.all_valid, [r.errors for r in result.rows]


def test_export_masks_phones_the_reader_may_not_see(office):
    content = roster_excel.roster_workbook(
        Deputy.objects.filter(pk=office.deputy.pk), show_phone=lambda d: False
    )
    row = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True))[0]
    assert row[12] == "138****1111"
