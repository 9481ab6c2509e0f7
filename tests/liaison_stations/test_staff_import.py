"""Station staff (召集人, 管理员, 联络员) from the office's Excel list, through the same import
framework as the deputy roster."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from congress.roles import Role
from congress.table_import import ImportRefused
from liaison_stations.staff_import import StationStaffImporter
from tests.factories import (
    DeputyFactory,
    MandateFactory,
    StationFactory,
    TownshipFactory,
    county_viewer_of,
    staff_of,
)

pytestmark = pytest.mark.django_db


def workbook(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["各联络站工作人员名单"])
    ws.append(["站点名称", "召集人", "管理员", "联络员", "联络员电话", "备注"])
    for row in rows:
        ws.append([*row, ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("工作人员.xlsx", buffer.getvalue())


@pytest.fixture
def town():
    township = TownshipFactory()
    staff = staff_of(township, username="staff_s")
    station = StationFactory(township=township, name="上坪代表之家")
    convener = DeputyFactory(township=township, name="周建国")
    MandateFactory(deputy=convener)
    admin = staff_of(township, role=Role.STATION_ADMIN, username="sp_admin", name="吴管理")
    return township, staff, station, convener, admin


def test_staff_rows_update_the_station_and_a_second_import_changes_nothing(town):
    township, staff, station, convener, admin = town
    importer = StationStaffImporter()
    rows = [["上坪代表之家", "周建国", "吴管理", "郑联络", "１３８１１１１２２２２"]]
    plan = importer.plan(importer.read(workbook(rows)), township=township)
    (row,) = plan.rows
    assert row.action == "update", row.errors
    assert [(c.label, c.old, c.new) for c in row.changes] == [
        ("召集人", "(空)", "周建国"),
        ("管理员", "(空)", "吴管理"),
        ("联络员", "(空)", "郑联络"),
        ("联络员电话", "(空)", "13811112222"),
    ]
    importer.apply(actor=staff, township=township, sheet=importer.read(workbook(rows)))
    station.refresh_from_db()
    assert (station.convener, station.administrator, station.liaison_phone) == (
        convener, admin, "13811112222"
    )
    assert station.history.latest().history_user == staff
    again = importer.apply(actor=staff, township=township, sheet=importer.read(workbook(rows)))
    assert len(again.unchanged) == 1 and not again.updated


def test_unknown_station_person_or_phone_are_row_errors(town):
    township, staff, station, convener, admin = town
    other = TownshipFactory()
    with pytest.raises(Exception, match="无权"):
        StationStaffImporter().apply(
            actor=staff_of(other, username="x"), township=township,
            sheet=StationStaffImporter().read(workbook([["上坪代表之家", "", "", "", ""]])),
        )
    rows = [
        ["不存在的站", "", "", "", ""],
        ["上坪代表之家", "王五", "", "", "123"],
    ]
    importer = StationStaffImporter()
    sheet = importer.read(workbook(rows))
    plan = importer.plan(sheet, township=township)
    assert "没有名为“不存在的站”" in plan.rows[0].errors[0]
    assert plan.rows[1].errors == [
        "召集人“王五”不是本乡镇的在册代表",
        "联络员电话“123”格式不正确(应为11位手机号码)",
    ]
    with pytest.raises(ImportRefused):
        importer.apply(actor=staff, township=township, sheet=sheet, skip_invalid=True)


def test_admin_wizard_for_staff_only(client, town):
    township, staff, station, convener, admin = town
    client.force_login(staff)
    response = client.post(
        reverse("admin:liaison_stations_station_import"),
        {"file": workbook([["上坪代表之家", "周建国", "", "", ""]]), "township": township.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("admin:liaison_stations_station_import_preview")).content.decode()
    assert "召集人:(空) → 周建国" in page
    response = client.post(
        reverse("admin:liaison_stations_station_import_preview"), {"action": "import"}
    )
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.convener == convener
    client.force_login(county_viewer_of(township.county))
    assert client.get(reverse("admin:liaison_stations_station_import")).status_code in (302, 403)
