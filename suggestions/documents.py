"""Printable documents of a suggestion, as A4 公文-layout docx (python-docx):

- **交办单** (dispatch form) — what the presidium hands the lead department at dispatch;
- **督办函** (supervision letter) — the presidium presses the lead department on an open item;
- **答复函** (reply letter) — the department's latest reply, as a letter to the deputy;
- **回执** (receipt) — for the citizen: the tracking code and how to follow the item.

Who may download which is defined here (rules predicates) and asked by the views and the
template tag that links them. The issuing office is ``DOCUMENT_OFFICE_NAME`` with the township's
name filled in (default "某某镇人民代表大会主席团").
"""

import datetime
from dataclasses import dataclass

import rules
from django.conf import settings
from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from congress import permissions as p
from congress.printing import (
    add_paragraph,
    add_signature,
    add_title,
    docx_bytes,
    gongwen_document,
    gongwen_fonts,
    set_run_font,
)
from congress.validators import mask_phone

from . import deadlines
from . import rules as r
from .models import State, Suggestion

# --- who may print what --------------------------------------------------------------------

can_print_dispatch_form = p.is_superuser | r.is_staff_here | r.is_supervisor | r.is_lead_handler | r.is_co_handler
can_print_supervision_letter = p.is_superuser | r.is_staff_here | r.is_supervisor
can_print_reply_letter = (
    p.is_superuser | r.is_staff_here | r.is_supervisor | r.is_lead_deputy | r.is_cosigner | r.is_lead_handler
)
can_print_receipt = p.is_superuser | r.is_staff_here


def office_name(township) -> str:
    return settings.DOCUMENT_OFFICE_NAME.format(township=township.name)


def _cn_date(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def _proposer(s: Suggestion) -> str:
    if s.lead_deputy_id:
        names = [s.lead_deputy.name] + [d.name for d in s.cosigners.all()]
        return "、".join(names) + "代表"
    if s.is_anonymous or not s.submitter_name:
        return "群众(匿名)"
    return s.submitter_name


def _add_table(document, rows: list[tuple[str, str]]):
    """A two-column table (label | value) in 四号仿宋, the label column bold."""
    fonts = gongwen_fonts()
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(3.6), Cm(12)
        for cell, text, bold in ((cells[0], label, True), (cells[1], str(value), False)):
            for index, line in enumerate(text.split("\n")):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                set_run_font(paragraph.add_run(line), fonts["body"], 14, bold=bold)
    return table


@dataclass(frozen=True)
class Document:
    kind: str
    label: str
    filename: str
    content: bytes


# --- builders ----------------------------------------------------------------------------------

def dispatch_form(s: Suggestion, *, today: datetime.date | None = None) -> Document:
    """交办单: the item as dispatched, with the deadline and the office's instructions."""
    office = office_name(s.township)
    doc = gongwen_document()
    add_paragraph(doc, office, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, font="title", size_pt=18)
    add_title(doc, "代表建议交办单")
    co = "、".join(d.name for d in s.co_departments.all()) or "—"
    rows = [
        ("编号", s.code),
        ("建议标题", s.title),
        ("提出人", _proposer(s)),
        ("类别", f"{s.get_kind_display()}" + (f" · {s.category}" if s.category_id else "")),
        ("来源渠道", s.get_channel_display()),
        ("主办单位", s.lead_department.name if s.lead_department_id else "—"),
        ("协办单位", co),
        ("交办日期", _cn_date(s.dispatched_at)),
        ("答复期限", _cn_date(s.deadline)),
        ("重点建议", f"是(督办领导:{s.supervisor.display_name})" if s.is_key and s.supervisor_id
         else ("是" if s.is_key else "否")),
        ("建议内容", s.content),
    ]
    _add_table(doc, rows)
    add_paragraph(doc)
    add_paragraph(
        doc,
        f"请主办单位认真研究办理,于{_cn_date(s.deadline)}前书面答复提出人,并将答复抄送{office};"
        "协办单位应在主办单位答复前一个月提出协办意见。确有困难需延期的,应在期限届满前提出申请。",
    )
    add_signature(doc, office, today or timezone.localdate(s.dispatched_at or timezone.now()))
    return Document("dispatch", "交办单", f"交办单-{s.code}.docx", docx_bytes(doc))


def supervision_letter(s: Suggestion, *, today: datetime.date | None = None) -> Document:
    """督办函: to the lead department, pressing for the reply by the deadline."""
    today = today or timezone.localdate()
    office = office_name(s.township)
    # The deadline of the cycle in handling: a re-handled item is pressed on its new deadline
    # (the first one, kept in ``s.deadline``, is what 按期办复率 measures).
    due = deadlines.current_reply_deadline(s) or s.deadline
    doc = gongwen_document()
    add_title(doc, "关于督促办理代表建议的函")
    add_paragraph(doc, f"{s.lead_department.name if s.lead_department_id else '承办单位'}:", indent=False)
    key = ""
    if s.is_key:
        key = "该建议已列为重点建议" + (f",由{s.supervisor.display_name}同志督办" if s.supervisor_id else "") + "。"
    overdue = due and due < today
    rehandle = f"经代表评价不满意,现为第{s.rehandle_count}次重新办理," if s.rehandle_count else ""
    add_paragraph(
        doc,
        f"{_proposer(s)}提出的“{s.title}”(编号{s.code}),已于{_cn_date(s.dispatched_at)}交你单位办理,"
        f"{rehandle}答复期限为{_cn_date(due)}。{key}截至{_cn_date(today)},该建议办理状态为“{s.get_state_display()}”"
        + (",已超过答复期限。" if overdue else ",尚未答复。"),
    )
    add_paragraph(
        doc,
        "请你单位高度重视,明确责任领导和经办人,加快办理进度,"
        + ("立即" if overdue else f"于{_cn_date(due)}前")
        + f"书面答复提出人,并将办理情况报{office}。协办单位请积极配合。",
    )
    add_paragraph(doc, "特此函告。")
    add_signature(doc, office, today)
    return Document("supervision", "督办函", f"督办函-{s.code}.docx", docx_bytes(doc))


def reply_letter(s: Suggestion) -> Document | None:
    """答复函: the latest reply, as a letter from the department to the deputy (or citizen)."""
    reply = s.replies.select_related("department", "author").order_by("-created_at", "-pk").first()
    if reply is None:
        return None
    doc = gongwen_document()
    add_title(doc, f"{reply.department.name}\n关于“{s.title}”的答复")
    if s.lead_deputy_id:
        salutation = f"{s.lead_deputy.name}代表:"
    else:
        salutation = f"{s.submitter_name}同志:" if s.submitter_name and not s.is_anonymous else "您好:"
    add_paragraph(doc, salutation, indent=False)
    add_paragraph(doc, f"您提出的“{s.title}”(编号{s.code})收悉。经认真研究,现答复如下:")
    for line in reply.text.splitlines():
        if line.strip():
            add_paragraph(doc, line.strip())
    add_paragraph(doc, f"答复类别:{reply.get_reply_class_display()}。")
    add_paragraph(doc, f"感谢您对{s.township.name}工作的关心和支持。")
    contact = [f"联系人:{reply.author.display_name}" if reply.author_id else ""]
    if reply.department.contact_phone:
        contact.append(f"联系电话:{reply.department.contact_phone}")
    if any(contact):
        add_paragraph(doc, "  ".join(c for c in contact if c))
    add_signature(doc, reply.department.name, timezone.localdate(reply.created_at))
    return Document("reply", "答复函", f"答复函-{s.code}.docx", docx_bytes(doc))


def receipt(s: Suggestion, *, track_url: str, today: datetime.date | None = None) -> Document:
    """回执: for the citizen — the tracking code and how to follow the item."""
    office = office_name(s.township)
    doc = gongwen_document()
    add_title(doc, "群众意见建议受理回执")
    name = "匿名" if s.is_anonymous or not s.submitter_name else s.submitter_name
    rows = [
        ("查询码", s.code),
        ("反映人", name),
        ("联系电话", mask_phone(s.submitter_phone) or "—"),
        ("提交时间", _cn_date(s.submitted_at)),
        ("反映事项", s.title),
        ("来源渠道", s.get_channel_display()),
        ("当前状态", s.get_state_display()),
        ("受理单位", office),
    ]
    _add_table(doc, rows)
    add_paragraph(doc)
    phone = f",也可致电{s.township.office_phone}咨询" if s.township.office_phone else ""
    add_paragraph(
        doc,
        f"您反映的问题已收到。您可凭查询码和手机号后四位在 {track_url} 查询办理进展和答复结果{phone}。"
        "请妥善保管本回执。",
    )
    add_signature(doc, office, today or timezone.localdate())
    return Document("receipt", "回执", f"回执-{s.code}.docx", docx_bytes(doc))


# --- which documents one user may print now -------------------------------------------------

SUPERVISABLE = (State.DISPATCHED, State.IN_PROGRESS)


def available_documents(user, s: Suggestion) -> list[tuple[str, str]]:
    """(kind, label) of the documents ``user`` may print for ``s`` in its current state."""
    kinds = []
    if s.dispatched_at and can_print_dispatch_form.test(user, s):
        kinds.append(("dispatch", "交办单"))
    if s.dispatched_at and s.state in SUPERVISABLE and s.lead_department_id and can_print_supervision_letter.test(user, s):
        kinds.append(("supervision", "督办函"))
    if s.replied_at and can_print_reply_letter.test(user, s):
        kinds.append(("reply", "答复函"))
    if can_print_receipt.test(user, s):
        kinds.append(("receipt", "回执"))
    return kinds

