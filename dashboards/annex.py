"""The statistical annex (统计附件) to a township presidium's annual work report: the sentences
offices write by hand, filled from the records, and the tables behind them, as a docx.

Definitions used in the sentences (also printed at the end of the annex):

* 代表建议: suggestions of the township submitted in the year (any channel, kind 建议/批评/意见).
  "已全部办理完毕" when every one of them is closed; otherwise the number closed and 办结率.
* 接待和走访活动: reception records of the township's stations in the year, plus station
  activities of kind 联系/走访选民 in the year.
* 协调解决问题: issues raised at those receptions that were answered on the spot, plus
  suggestions from the reception channel submitted in the year and answered with class A.
* 矛盾纠纷: suggestions of kind 矛盾纠纷 submitted in the year; 调解 = those of them closed with
  class A (已解决).
* 信访件: suggestions of kind 信访 submitted in the year; 办结率 = closed ÷ received.
"""

import io
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from congress.figures import percent_text
from congress.models import Township
from congress.printing import apply_gongwen_layout
from deputies.models import DutyKind, DutyRecord
from liaison_stations.models import ReceptionIssue, ReceptionRecord, Station, StationActivity
from sessions_app.models import CongressSession, PresidiumMeeting
from suggestions import selectors as suggestion_selectors
from suggestions.models import Channel, Kind, ReplyClass, State, Suggestion

from .periods import Period
from .selectors import COLUMNS, township_overview


@dataclass
class AnnexFigures:
    township: Township
    year: int
    suggestions: int
    suggestions_closed: int
    receptions: int
    visits: int
    resolved: int
    disputes: int
    disputes_mediated: int
    petitions: int
    petitions_closed: int
    sessions: int
    presidium_meetings: int
    trainings: int
    activities: int
    deputies: int
    deputies_in_station: int


_rate = percent_text


def annex_figures(township: Township, year: int):
    """(AnnexFigures, Overview) of one township and year."""
    base = Suggestion.objects.filter(township=township, submitted_at__year=year)
    kinds = base.aggregate(
        suggestions=Count("pk", filter=Q(kind__in=[Kind.SUGGESTION, Kind.CRITICISM, Kind.OPINION])),
        suggestions_closed=Count("pk", filter=Q(
            kind__in=[Kind.SUGGESTION, Kind.CRITICISM, Kind.OPINION], state=State.CLOSED)),
        disputes=Count("pk", filter=Q(kind=Kind.DISPUTE)),
        disputes_mediated=Count("pk", filter=Q(kind=Kind.DISPUTE, state=State.CLOSED,
                                               reply_class=ReplyClass.A)),
        petitions=Count("pk", filter=Q(kind=Kind.PETITION)),
        petitions_closed=Count("pk", filter=Q(kind=Kind.PETITION, state=State.CLOSED)),
        reception_solved=Count("pk", filter=Q(channel=Channel.RECEPTION, reply_class=ReplyClass.A)),
    )
    receptions = ReceptionRecord.objects.filter(township=township, date__year=year).count()
    visits = StationActivity.objects.filter(
        station__township=township, date__year=year, kind=DutyKind.VOTER_CONTACT).count()
    on_spot = ReceptionIssue.objects.filter(
        record__township=township, record__date__year=year, answered_on_spot=True).count()
    overview = township_overview(
        townships=Township.objects.filter(pk=township.pk), period=Period(year),
        today=timezone.localdate())
    row = overview.rows[0]
    return AnnexFigures(
        township=township,
        year=year,
        suggestions=kinds["suggestions"],
        suggestions_closed=kinds["suggestions_closed"],
        receptions=receptions,
        visits=visits,
        resolved=on_spot + kinds["reception_solved"],
        disputes=kinds["disputes"],
        disputes_mediated=kinds["disputes_mediated"],
        petitions=kinds["petitions"],
        petitions_closed=kinds["petitions_closed"],
        sessions=CongressSession.objects.filter(township=township, start_date__year=year).count(),
        presidium_meetings=PresidiumMeeting.objects.filter(township=township, date__year=year).count(),
        trainings=DutyRecord.objects.filter(deputy__township=township, date__year=year,
                                            kind=DutyKind.TRAINING).count(),
        activities=StationActivity.objects.filter(station__township=township, date__year=year).count(),
        deputies=row["deputies"],
        deputies_in_station=row["deputies"] - _deputies_without_station(township),
    ), overview


def _deputies_without_station(township: Township) -> int:
    from .selectors import _active_deputies

    return _active_deputies([township.pk]).filter(stations__isnull=True).count()


def annex_sentences(f: AnnexFigures) -> list[str]:
    sentences = []
    if f.suggestions:
        if f.suggestions_closed == f.suggestions:
            sentences.append(f"全年共收到代表建议{f.suggestions}件,已全部办理完毕。")
        else:
            sentences.append(
                f"全年共收到代表建议{f.suggestions}件,已办理完毕{f.suggestions_closed}件,"
                f"办结率{_rate(f.suggestions_closed, f.suggestions)}。"
            )
    else:
        sentences.append("全年未收到代表建议。")
    sentences.append(
        f"共开展接待和走访活动{f.receptions + f.visits}次,协调解决问题{f.resolved}件。"
    )
    if f.disputes:
        sentences.append(f"排查发现矛盾纠纷{f.disputes}件,成功调解{f.disputes_mediated}件。")
    if f.petitions:
        sentences.append(
            f"受理群众信访件{f.petitions}件,办结{f.petitions_closed}件,"
            f"办结率{_rate(f.petitions_closed, f.petitions)}。"
        )
    sentences.append(
        f"召开人民代表大会会议{f.sessions}次、主席团会议{f.presidium_meetings}次;"
        f"组织代表学习培训{f.trainings}人次;各代表联络站(点)开展活动{f.activities}次。"
    )
    if f.deputies:
        if f.deputies_in_station == f.deputies:
            sentences.append(f"{f.deputies}名代表全部编入代表联络站(点)开展活动。")
        else:
            sentences.append(
                f"{f.deputies}名代表中已有{f.deputies_in_station}名编入代表联络站(点),"
                f"尚有{f.deputies - f.deputies_in_station}名未编入。"
            )
    return sentences


def annex_docx(township: Township, year: int) -> bytes:
    figures, overview = annex_figures(township, year)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    apply_gongwen_layout(doc, body_pt=14)
    title = doc.add_heading(f"{township.name}人大主席团{year}年工作报告统计附件", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("一、主要工作数据", level=2)
    for sentence in annex_sentences(figures):
        doc.add_paragraph(sentence)

    doc.add_heading("二、统计表", level=2)
    row = overview.rows[0]
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "指标"
    table.rows[0].cells[1].text = "数值"
    for column in COLUMNS:
        value = row[column.key]
        text = ("—" if value is None else f"{value}%") if column.fmt == "pct" else str(value)
        cells = table.add_row().cells
        cells[0].text = column.label
        cells[1].text = text

    f = suggestion_selectors.suggestion_figures(
        townships=[township.pk], date_from=Period(year).date_from, date_to=Period(year).date_to)
    if f.avg_workdays:
        doc.add_heading("三、建议办理各环节平均用时(工作日)", level=2)
        stage_table = doc.add_table(rows=1, cols=2)
        stage_table.style = "Table Grid"
        stage_table.rows[0].cells[0].text = "环节"
        stage_table.rows[0].cells[1].text = "平均工作日"
        for label, days in f.avg_workdays.items():
            cells = stage_table.add_row().cells
            cells[0].text = label
            cells[1].text = str(days)

    doc.add_heading("说明", level=2)
    for line in (
        "代表建议:本年提交的建议、批评和意见;“已全部办理完毕”指全部已销单。",
        "接待和走访活动:各联络站(点)接待记录数与“联系/走访选民”活动数之和;"
        "协调解决问题:接待中当场答复的事项,加上接待日渠道转办并以A类(已解决)答复的建议。",
        "矛盾纠纷“成功调解”:以A类(已解决)答复并销单的矛盾纠纷件;信访办结率=已销单÷受理数。",
        "办复率=已答复÷已交办;按期办复率=期限内答复÷本期到期;办结率=已销单÷已交办;"
        "满意率=(满意+基本满意)÷已评价;解决率=A类答复÷已答复。",
    ):
        doc.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
