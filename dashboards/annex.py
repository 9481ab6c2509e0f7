"""The statistical annex (统计附件) to a township presidium's annual work report: the sentences
offices write by hand, filled from the records, and the tables behind them, as a docx.

Every suggestion number in a sentence is a figure of the registry (:mod:`suggestions.figures`)
for the same year as the township's dashboard, so the annex and the dashboard cannot disagree:
the first sentence repeats the dashboard's cells (收到, 交办, 办复率, 按期办复率, 办结率 =
已办结 ÷ 已交办, 满意率, 解决率); then each population the offices name — 代表建议 (from
deputies), 群众反映问题, 信访, 矛盾纠纷 (:data:`suggestions.figures.POPULATIONS`) — with its
own count and 办结率. The 说明 at the end is generated from the registry too.

Other sentences: 接待和走访活动 = reception records of the township's stations in the year plus
station activities of kind 联系/走访选民; 协调解决问题 = issues answered on the spot at those
receptions plus 群众反映问题 answered with class A.
"""

import io
from dataclasses import dataclass

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from congress.figures import format_percent
from congress.models import Township
from congress.printing import apply_gongwen_layout
from deputies.models import DutyKind
from liaison_stations.models import ReceptionIssue, ReceptionRecord, StationActivity
from suggestions import figures as suggestion_figures
from suggestions import selectors as suggestion_selectors

from .definitions import figure_definitions
from .periods import Period
from .selectors import COLUMNS, township_overview


@dataclass
class AnnexFigures:
    township: Township
    year: int
    suggestions: dict  # {population key ("all", "deputy", …): Figures} for the year
    receptions: int
    visits: int
    answered_on_spot: int
    sessions: int
    presidium_meetings: int
    trainings: int
    activities: int
    deputies: int
    deputies_in_station: int

    @property
    def resolved(self) -> int:
        return self.answered_on_spot + self.suggestions["citizen"].class_a


def annex_figures(township: Township, year: int, today=None):
    """(AnnexFigures, Overview) of one township and year."""
    today = today or timezone.localdate()
    period = Period(year)
    by_population = {
        key: suggestion_selectors.suggestion_figures(
            townships=[township.pk], population=key, date_from=period.date_from, date_to=period.date_to,
            today=today, stage_days=key == "all")
        for key in ("all", *suggestion_figures.PARTITION)
    }
    receptions = ReceptionRecord.objects.filter(township=township, date__year=year).count()
    visits = StationActivity.objects.filter(
        station__township=township, date__year=year, kind=DutyKind.VOTER_CONTACT).count()
    on_spot = ReceptionIssue.objects.filter(
        record__township=township, record__date__year=year, answered_on_spot=True).count()
    overview = township_overview(townships=Township.objects.filter(pk=township.pk), period=period, today=today)
    row = overview.rows[0]
    return AnnexFigures(
        township=township,
        year=year,
        suggestions=by_population,
        receptions=receptions,
        visits=visits,
        answered_on_spot=on_spot,
        sessions=row["sessions"],
        presidium_meetings=row["presidium_meetings"],
        trainings=row["trainings"],
        activities=StationActivity.objects.filter(station__township=township, date__year=year).count(),
        deputies=row["deputies"],
        deputies_in_station=row["deputies"] - _deputies_without_station(township),
    ), overview


def _deputies_without_station(township: Township) -> int:
    from .selectors import _active_deputies

    return _active_deputies([township.pk]).filter(stations__isnull=True).count()


POPULATION_LEADS = {
    "deputy": "全年共收到代表建议",
    "citizen": "收集办理群众反映问题",
    "petition": "受理群众信访件",
    "dispute": "排查发现矛盾纠纷",
}


def _total_sentence(f) -> str:
    return (
        f"全年共收到各类建议和问题{f.received}件,交办承办单位办理{f.dispatched}件,"
        f"办复率{format_percent(f.reply_rate)},按期办复率{format_percent(f.value('on_time_rate'))},"
        f"办结率{format_percent(f.closure_rate)},满意率{format_percent(f.satisfaction_rate)}"
        f"(其中满意{format_percent(f.satisfied_rate)}),解决率{format_percent(f.resolution_rate)}。"
    )


def _population_sentence(key: str, f) -> str | None:
    lead = POPULATION_LEADS[key]
    if not (f.received or f.dispatched):
        return "全年未收到代表建议。" if key == "deputy" else None
    if f.dispatched and f.received == f.dispatched == f.closed and not f.answered:
        return f"{lead}{f.received}件,已全部办理完毕,办结率{format_percent(f.closure_rate)}。"
    text = f"{lead}{f.received}件"
    if f.answered:
        verb = "现场调解办结" if key == "dispute" else "直接答复办结"
        text += f",其中代表{verb}{f.answered}件"
    if f.dispatched:
        text += (f";交办{f.dispatched}件,已办理完毕{f.closed}件,"
                 f"办结率{format_percent(f.closure_rate)}")
    return text + "。"


def annex_sentences(f: AnnexFigures) -> list[str]:
    sentences = [_total_sentence(f.suggestions["all"])]
    for key in suggestion_figures.PARTITION:
        sentence = _population_sentence(key, f.suggestions[key])
        if sentence:
            sentences.append(sentence)
    sentences.append(
        f"共开展接待和走访活动{f.receptions + f.visits}次,协调解决问题{f.resolved}件。"
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


def annex_docx(township: Township, year: int, definitions_url: str = "") -> bytes:
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
        text = format_percent(value) if column.fmt == "pct" else str(value)
        cells = table.add_row().cells
        cells[0].text = column.label
        cells[1].text = text

    f = figures.suggestions["all"]
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

    doc.add_heading("说明(统计口径)", level=2)
    definitions = figure_definitions()
    for c in definitions["columns"]:
        doc.add_paragraph(f"{c['name']}({c['period']}):{c['definition']}", style="List Bullet")
    for p in definitions["populations"]:
        doc.add_paragraph(f"{p['name']}:{p['definition']}", style="List Bullet")
    doc.add_paragraph(
        "接待和走访活动:各联络站(点)接待记录数与“联系/走访选民”活动数之和;协调解决问题:"
        "接待中当场答复的事项,加上以A类(已解决)答复的群众反映问题。", style="List Bullet")
    doc.add_paragraph(definitions["rounding"], style="List Bullet")
    if definitions_url:
        doc.add_paragraph(f"完整口径说明见平台“统计口径说明”页面:{definitions_url}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
