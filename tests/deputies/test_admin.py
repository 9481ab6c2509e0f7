"""Staff screens: roster import with preview, export, phone privacy, ranking, ledgers."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from deputies.admin import IMPORT_SESSION_KEY
from deputies.models import Deputy, DutyKind, Level

from .factories import DutyRecordFactory
from .test_roster_excel import BAD, GOOD, sheet

pytestmark = pytest.mark.django_db


def upload(client, office, file):
    return client.post(
        reverse("admin:deputies_deputy_import"),
        {
            "file": file,
            "term": office.term.pk,
            "county_term": 18,
            "city_term": 6,
            "province_term": 14,
            "national_term": 14,
        },
    )


def test_import_previews_bad_rows_and_imports_nothing_until_told(client, office):
    client.force_login(office.staff)
    before = Deputy.objects.count()
    response = upload(client, office, sheet(*GOOD, *BAD))
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:deputies_deputy_import_preview"
    )
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert 'data-testid="invalid-count">3<' in html
    assert "未知选区“第9选区”" in html and "格式不正确" in html and "重复:与第3行是同一人" in html
    assert 'value="import"' not in html  # no "import all" while rows are bad
    assert Deputy.objects.count() == before
    # A crafted "import all" is refused and writes nothing.
    client.post(reverse("admin:deputies_deputy_import_preview"), {"action": "import"})
    assert Deputy.objects.count() == before
    response = client.post(reverse("admin:deputies_deputy_import_preview"), {"action": "skip"})
    assert response.status_code == 302
    assert Deputy.objects.count() == before + 2
    assert IMPORT_SESSION_KEY not in client.session


def test_clean_sheet_imports_in_one_step_after_preview(client, office):
    client.force_login(office.staff)
    upload(client, office, sheet(*GOOD))
    html = client.get(reverse("admin:deputies_deputy_import_preview")).content.decode()
    assert 'value="import"' in html
    client.post(reverse("admin:deputies_deputy_import_preview"), {"action": "import"})
    assert set(Deputy.objects.filter(township=office.township).values_list("name", flat=True)) >= {
        "赵一",
        "钱二",
    }


def test_cancel_imports_nothing(client, office):
    client.force_login(office.staff)
    before = Deputy.objects.count()
    upload(client, office, sheet(*GOOD))
    client.post(reverse("admin:deputies_deputy_import_preview"), {"action": "cancel"})
    assert Deputy.objects.count() == before


@pytest.mark.parametrize(
    "file, message",
    [
        (
            lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "a.xlsx", b"hello"
            ),
            "不是 Excel 工作簿",
        ),
        (lambda: sheet(("张三",), header=["姓名", "性别"]), "缺少必需的列:选区、代表层级"),
    ],
)
def test_bad_file_gets_a_message_naming_the_problem(client, office, file, message):
    client.force_login(office.staff)
    response = upload(client, office, file())
    assert response.status_code == 200
    assert message in response.content.decode()


def test_import_cannot_target_another_townships_term(client, office):
    client.force_login(office.staff)
    other_term = office.other_township.terms.get()
    response = client.post(
        reverse("admin:deputies_deputy_import"),
        {
            "file": sheet(*GOOD),
            "term": other_term.pk,
            "county_term": 18,
            "city_term": 6,
            "province_term": 14,
            "national_term": 14,
        },
    )
    assert response.status_code == 200 and "term" in response.context["form"].errors


def test_county_viewer_cannot_import(client, office):
    client.force_login(office.viewer)
    assert client.get(reverse("admin:deputies_deputy_import")).status_code == 403


def test_export_gives_the_listed_roster_with_phones_for_staff(client, office):
    client.force_login(office.staff)
    response = client.get(reverse("admin:deputies_deputy_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    names = {r[0]: r for r in rows[1:]}
    assert set(names) == {office.deputy.name, office.other_deputy.name}  # own township only
    assert names[office.deputy.name][12] == "13800001111"


def test_county_viewer_never_sees_a_phone_unmasked(client, office):
    client.force_login(office.viewer)
    deputy = office.deputy
    for url in (
        reverse("admin:deputies_deputy_changelist"),
        reverse("admin:deputies_deputy_change", args=[deputy.pk]),
        reverse("admin:deputies_deputy_history", args=[deputy.pk]),
        reverse(
            "admin:deputies_deputy_simple_history", args=[deputy.pk, deputy.history.latest().pk]
        ),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "13800001111" not in html, url
    assert "138****1111" in client.get(reverse("admin:deputies_deputy_changelist")).content.decode()
    export = client.get(reverse("admin:deputies_deputy_export"))
    assert b"13800001111" not in export.content
    ledger = client.get(
        reverse("admin:deputies_deputy_ledger_download", args=[deputy.pk, "personal", "xlsx"])
    )
    values = [
        c
        for row in load_workbook(io.BytesIO(ledger.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "138****1111" in values and "13800001111" not in values


def test_staff_see_phones_of_their_township(client, office):
    client.force_login(office.staff)
    assert "13800001111" in client.get(reverse("admin:deputies_deputy_changelist")).content.decode()
    assert (
        "13800001111"
        in client.get(
            reverse("admin:deputies_deputy_change", args=[office.deputy.pk])
        ).content.decode()
    )


def test_phone_is_not_searchable(client, office):
    client.force_login(office.viewer)
    response = client.get(reverse("admin:deputies_deputy_changelist"), {"q": "13800001111"})
    assert office.deputy not in response.context["cl"].result_list


def test_staff_cannot_open_another_townships_deputy_or_ledgers(client, office):
    client.force_login(office.other_staff)
    assert client.get(
        reverse("admin:deputies_deputy_change", args=[office.deputy.pk])
    ).status_code in (302, 404)
    assert (
        client.get(reverse("admin:deputies_deputy_ledgers", args=[office.deputy.pk])).status_code
        == 404
    )


def test_staff_add_a_duty_record_for_any_deputy_in_the_admin(client, office, today):
    client.force_login(office.staff)
    response = client.post(
        reverse("admin:deputies_dutyrecord_add"),
        {
            "deputy": office.deputy.pk,
            "kind": DutyKind.INSPECTION,
            "date": today.isoformat(),
            "place": "上坪村",
            "hours": "3",
            "content": "视察道路",
            "participants": [office.other_deputy.pk],
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    record = office.deputy.duty_records.get()
    assert record.created_by == office.staff and list(record.participants.all()) == [
        office.other_deputy
    ]


def test_mandate_inline_has_no_delete_and_ending_needs_date_and_reason(client, office):
    client.force_login(office.staff)
    deputy = office.deputy
    mandate = deputy.mandates.get()
    html = client.get(reverse("admin:deputies_deputy_change", args=[deputy.pk])).content.decode()
    assert "mandates-0-DELETE" not in html
    data = {
        "township": office.township.pk,
        "name": deputy.name,
        "gender": deputy.gender,
        "ethnicity": "汉族",
        "political_status": deputy.political_status,
        "category": deputy.category,
        "district": deputy.district.pk,
        "group": deputy.group.pk,
        "phone": deputy.phone,
        "user": deputy.user.pk,
        "mandates-TOTAL_FORMS": "1",
        "mandates-INITIAL_FORMS": "1",
        "mandates-0-id": mandate.pk,
        "mandates-0-deputy": deputy.pk,
        "mandates-0-level": Level.TOWN,
        "mandates-0-term_number": 6,
        "mandates-0-status": "resigned",
        "mandates-0-status_date": "",
        "mandates-0-status_reason": "",
    }
    response = client.post(reverse("admin:deputies_deputy_change", args=[deputy.pk]), data)
    assert response.status_code == 200
    assert "终止代表资格须填写变更日期" in response.content.decode()
    data.update({"mandates-0-status_date": "2025-06-30", "mandates-0-status_reason": "辞职"})
    assert (
        client.post(reverse("admin:deputies_deputy_change", args=[deputy.pk]), data).status_code
        == 302
    )
    mandate.refresh_from_db()
    assert mandate.status == "resigned"


def test_summary_page_ranks_and_lists_deputies_without_records(client, office, today):
    DutyRecordFactory(deputy=office.deputy, kind=DutyKind.SUGGESTION, date=today)
    client.force_login(office.staff)
    response = client.get(reverse("admin:deputies_dutyrecord_summary"))
    html = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].deputy == office.deputy and rows[0].rank == 1
    assert list(response.context["without_records"]) == [office.other_deputy]
    assert office.foreign_deputy.name not in html
    export = client.get(reverse("admin:deputies_dutyrecord_summary"), {"format": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active["B3"].value == office.deputy.name


def test_county_viewer_picks_any_township_for_the_summary(client, office):
    client.force_login(office.viewer)
    response = client.get(
        reverse("admin:deputies_dutyrecord_summary"), {"township": office.other_township.pk}
    )
    assert response.context["township"] == office.other_township
    assert [r.deputy for r in response.context["rows"]] == [office.foreign_deputy]


def test_staff_cannot_pick_another_township_for_the_summary(client, office):
    client.force_login(office.staff)
    response = client.get(
        reverse("admin:deputies_dutyrecord_summary"), {"township": office.other_township.pk}
    )
    assert response.context["township"] == office.township


def test_ledgers_page_for_staff(client, office):
    client.force_login(office.staff)
    html = client.get(
        reverse("admin:deputies_deputy_ledgers", args=[office.deputy.pk])
    ).content.decode()
    assert "人大代表联系选区登记簿" in html
    response = client.get(
        reverse("admin:deputies_deputy_ledger_download", args=[office.deputy.pk, "all", "docx"])
    )
    assert response.status_code == 200


def test_mandate_inline_saves_through_the_mandate_service(client, office):
    """A new mandate typed in the inline is checked like every other door (one active per level
    and term) and its history names the staff member."""
    client.force_login(office.staff)
    deputy = office.deputy
    mandate = deputy.mandates.get()
    data = {
        "township": office.township.pk,
        "name": deputy.name,
        "gender": deputy.gender,
        "ethnicity": "汉族",
        "political_status": deputy.political_status,
        "category": deputy.category,
        "district": deputy.district.pk,
        "group": deputy.group.pk,
        "phone": deputy.phone,
        "user": deputy.user.pk,
        "mandates-TOTAL_FORMS": "2",
        "mandates-INITIAL_FORMS": "1",
        "mandates-0-id": mandate.pk,
        "mandates-0-deputy": deputy.pk,
        "mandates-0-level": Level.TOWN,
        "mandates-0-term_number": 6,
        "mandates-0-status": "active",
        "mandates-1-deputy": deputy.pk,
        "mandates-1-level": Level.TOWN,
        "mandates-1-term_number": 6,
        "mandates-1-status": "active",
    }
    url = reverse("admin:deputies_deputy_change", args=[deputy.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "该代表已有第6届乡镇人大代表的在任资格" in response.content.decode()
    assert deputy.mandates.count() == 1
    data.update({"mandates-1-level": Level.COUNTY, "mandates-1-term_number": 18})
    assert client.post(url, data).status_code == 302
    county = deputy.mandates.get(level=Level.COUNTY)
    assert county.history.latest().history_user == office.staff
