"""Villages and electoral districts from the office's Excel list, through the same import
framework as the deputy roster: preview per row, the matching rule, the error report, and a
second import of the same file changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from congress.district_import import VillageDistrictImporter
from congress.models import ElectoralDistrict, Village
from congress.table_import import ImportRefused
from tests.factories import (
    CountyFactory,
    ElectoralDistrictFactory,
    TownshipFactory,
    VillageFactory,
    county_viewer_of,
    staff_of,
)

pytestmark = pytest.mark.django_db

ROWS = [
    ["上坪村", "村", "1", "第一选区"],
    ["下湾村", "村", "第1选区", ""],
    ["石门社区", "社区", "2", "石门选区"],
]


def workbook(rows=ROWS) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["甲镇村(社区)和选区一览表"])
    ws.append(["序号", "村(社区)名称", "类型", "选区编号", "选区名称", "备注"])
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row, ""])
    ws.append(["合计", "3个"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("村社区.xlsx", buffer.getvalue())


@pytest.fixture
def town():
    county = CountyFactory()
    township = TownshipFactory(county=county)
    return township, staff_of(township, username="staff_a"), county_viewer_of(county)


def test_plan_then_import_then_reimport_changes_nothing(town):
    township, staff, _ = town
    importer = VillageDistrictImporter()
    sheet = importer.read(workbook())
    assert sheet.ignored_columns == ["序号", "备注"]
    plan = importer.plan(sheet, township=township)
    assert [r.action for r in plan.rows] == ["create"] * 3, [r.errors for r in plan.rows]
    result = importer.apply(actor=staff, township=township, sheet=sheet)
    assert len(result.created) == 3
    first = ElectoralDistrict.objects.get(township=township, number=1)
    assert first.name == "第一选区"
    assert sorted(v.name for v in first.villages.all()) == ["上坪村", "下湾村"]
    assert Village.objects.get(township=township, name="石门社区").kind == Village.Kind.COMMUNITY
    again = importer.apply(actor=staff, township=township, sheet=importer.read(workbook()))
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    assert Village.objects.filter(township=township).count() == 3
    assert ElectoralDistrict.objects.filter(township=township).count() == 2


def test_update_shows_old_and_new(town):
    township, staff, _ = town
    village = VillageFactory(township=township, name="上坪村")
    ElectoralDistrictFactory(township=township, number=1, name="旧名称").villages.add(village)
    importer = VillageDistrictImporter()
    plan = importer.plan(importer.read(workbook(ROWS[:1])), township=township)
    (row,) = plan.rows
    assert row.action == "update"
    assert [(c.label, c.old, c.new) for c in row.changes] == [("选区名称", "旧名称", "第一选区")]
    assert village.history.count() == 1


def test_bad_rows_are_errors_and_nothing_is_written_unless_skipped(town):
    township, staff, _ = town
    importer = VillageDistrictImporter()
    rows = [*ROWS, ["新村", "镇", "x", ""], ["上坪村", "村", "1", ""]]
    sheet = importer.read(workbook(rows))
    plan = importer.plan(sheet, township=township)
    errors = {r.number: r.errors for r in plan.invalid_rows}
    assert "类型应为" in errors[6][0] and "选区编号“x”" in errors[6][1]
    assert errors[7] == ["重复:与第3行是同一个村(社区)"]
    with pytest.raises(ImportRefused):
        importer.apply(actor=staff, township=township, sheet=sheet)
    assert not Village.objects.filter(township=township).exists()
    result = importer.apply(actor=staff, township=township, sheet=sheet, skip_invalid=True)
    assert len(result.created) == 3 and len(result.skipped) == 2


def test_admin_wizard_preview_error_report_and_result(client, town):
    township, staff, viewer = town
    client.force_login(staff)
    rows = [*ROWS, ["新村", "镇", "1", ""]]
    response = client.post(
        reverse("admin:congress_electoraldistrict_import"),
        {"file": workbook(rows), "township": township.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(reverse("admin:congress_electoraldistrict_import_preview")).content.decode()
    assert "新增 3 行" in page and "已忽略" in page and "合计/小计行" in page
    report = client.get(reverse("admin:congress_electoraldistrict_import_errors"))
    ws = load_workbook(io.BytesIO(report.content)).active
    reasons = [r[-1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert any("类型应为" in (r or "") for r in reasons)
    response = client.post(
        reverse("admin:congress_electoraldistrict_import_preview"), {"action": "skip"}
    )
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "新增 3 行" in result and "新村" in result
    client.force_login(viewer)
    assert client.get(reverse("admin:congress_electoraldistrict_import")).status_code in (302, 403)


def test_broken_file_is_a_message(client, town):
    township, staff, _ = town
    client.force_login(staff)
    response = client.post(
        reverse("admin:congress_electoraldistrict_import"),
        {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken"), "township": township.pk},
    )
    assert response.status_code == 200 and "损坏" in response.content.decode()


# --- 承办单位 ------------------------------------------------------------------------------------


def departments(rows) -> SimpleUploadedFile:
    text = "单位名称,类型,联系人,联系电话,备注\n" + "".join(",".join(r) + ",\n" for r in rows)
    return SimpleUploadedFile("承办单位.csv", text.encode("gbk"))


def test_departments_from_a_gbk_csv_update_by_name_and_refuse_county_ones(town):
    from congress.department_import import DepartmentImporter
    from congress.models import Department

    township, staff, _ = town
    Department.objects.create(county=township.county, name="县交通运输局", kind="county")
    Department.objects.create(
        county=township.county, township=township, name="镇农业农村办", kind="town_office",
        contact_person="张某",
    )
    importer = DepartmentImporter()
    rows = [
        ["镇农业农村办", "镇政府内设机构", "李某", "0571-88886666"],
        ["镇财政所", "站所", "王某", ""],
        ["县交通运输局", "", "", ""],
    ]
    plan = importer.plan(importer.read(departments(rows)), township=township)
    assert [r.action for r in plan.rows] == ["update", "create", "error"]
    assert [(c.label, c.old, c.new) for c in plan.rows[0].changes] == [
        ("联系人", "张某", "李某"), ("联系电话", "(空)", "0571-88886666")
    ]
    assert "县直部门" in plan.rows[2].errors[0]
    result = importer.apply(
        actor=staff, township=township, sheet=importer.read(departments(rows)), skip_invalid=True
    )
    assert (len(result.created), len(result.updated), len(result.skipped)) == (1, 1, 1)
    again = importer.apply(
        actor=staff, township=township, sheet=importer.read(departments(rows[:2]))
    )
    assert len(again.unchanged) == 2
    assert Department.objects.filter(township=township).count() == 2
    assert Department.objects.get(name="镇财政所").history.latest().history_user == staff
