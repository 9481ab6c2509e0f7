"""The "十表": filled from the records of one deputy and year."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from deputies.ledgers import LEDGERS, export_ledger
from deputies.models import DutyKind, PresidiumLink
from liaison_stations.models import ReceptionIssue, ReceptionRecord
from tests.factories import StationFactory

from .factories import DutyRecordFactory, VoterContactFactory

pytestmark = pytest.mark.django_db


def cells(content: bytes) -> list:
    ws = load_workbook(io.BytesIO(content)).active
    return [c for row in ws.iter_rows(values_only=True) for c in row if c not in (None, "")]


def xlsx(deputy, key, year, show_phone=True):
    return cells(export_ledger(deputy, year, key=key, fmt="xlsx", show_phone=show_phone)[0])


def test_the_nine_tables_of_the_sources():
    assert [ledger.title for ledger in LEDGERS] == [
        "人大代表个人信息登记簿",
        "人大代表信息表",
        "人大代表活动情况登记表",
        "人大代表接待群众来访(信)登记表",
        "人大代表联系选民登记簿",
        "人大代表联系选民记录表",
        "人大代表联系选区登记簿",
        "人大代表履职情况登记表",
        "人大代表办实事情况统计表",
    ]


def test_activity_ledger_lists_the_years_entries_with_fellow_deputies(office, today):
    record = DutyRecordFactory(
        deputy=office.deputy, kind=DutyKind.INSPECTION, content="视察道路", date=today
    )
    record.participants.add(office.other_deputy)
    DutyRecordFactory(
        deputy=office.deputy, content="去年的", date=today.replace(year=today.year - 1)
    )
    values = xlsx(office.deputy, "activities", today.year)
    assert "视察道路" in values and office.other_deputy.name in values and "去年的" not in values


def test_reception_ledger_includes_issues_raised_at_station_receptions(office, today):
    DutyRecordFactory(
        deputy=office.deputy,
        kind=DutyKind.RECEPTION,
        content="反映路灯不亮",
        contact_persons="上坪村村民张某",
        outcome="已转办",
        date=today,
    )
    station = StationFactory(township=office.township, name="上坪代表之家")
    reception = ReceptionRecord.objects.create(
        township=office.township, station=station, date=today
    )
    reception.duty_source_key = ReceptionRecord.duty_source_key_for(reception.pk)
    reception.save(update_fields=["duty_source_key"])
    reception.deputies_present.add(office.deputy)
    ReceptionIssue.objects.create(
        record=reception,
        visitor_name="李某",
        visitor_phone="13911112222",
        content="水渠堵塞",
        answer="已疏通",
    )
    # The stations module's own duty record of that reception gives way to its issues.
    DutyRecordFactory(
        deputy=office.deputy,
        kind=DutyKind.RECEPTION,
        content="在上坪代表之家接待选民。",
        source_key=reception.duty_source_key,
        date=today,
    )
    values = xlsx(office.deputy, "receptions", today.year)
    assert {
        "反映路灯不亮",
        "上坪村村民张某",
        "已转办",
        "水渠堵塞",
        "已疏通",
        "上坪代表之家",
    } <= set(values)
    assert "在上坪代表之家接待选民。" not in values
    assert "13911112222" not in values


def test_voter_register_masks_phones_unless_allowed(office, today):
    VoterContactFactory(deputy=office.deputy, name="王某", phone="13655556666")
    assert "13655556666" in xlsx(office.deputy, "voters", today.year)
    masked = xlsx(office.deputy, "voters", today.year, show_phone=False)
    assert "136****6666" in masked and "13655556666" not in masked


def test_summary_ledger_counts_scores_and_ranks(office, today):
    DutyRecordFactory(
        deputy=office.deputy,
        kind=DutyKind.PERFORMANCE_REVIEW,
        date=today,
        satisfied_count=40,
        basically_satisfied_count=8,
        unsatisfied_count=2,
    )
    values = xlsx(office.deputy, "summary", today.year)
    assert any("排名第 1 位" in str(v) for v in values)
    assert any("满意率 96%" in str(v) for v in values)


def test_deputy_info_shows_levels_history_and_presidium_contact(office, today):
    member = office.other_deputy
    member.is_presidium_member = True
    member.save()
    PresidiumLink.objects.create(member=member, deputy=office.deputy)
    values = xlsx(office.deputy, "info", today.year)
    assert "镇" in values and member.name in values
    assert any("第6届" in str(v) for v in values)


def test_docx_is_a_printable_document_with_a_table_per_ledger(office, today):
    DutyRecordFactory(
        deputy=office.deputy, kind=DutyKind.PRACTICAL_DEED, content="修复水渠", date=today
    )
    content, filename, _ = export_ledger(
        office.deputy, today.year, key="all", fmt="docx", show_phone=False
    )
    document = Document(io.BytesIO(content))
    assert len(document.tables) == len(LEDGERS)
    assert filename == f"{office.deputy.name}-履职台账十表-{today.year}.docx"
    deeds = document.tables[-1]
    assert "修复水渠" in [c.text for row in deeds.rows for c in row.cells]
    personal = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "138****1111" in personal and "13800001111" not in personal
