"""Printable documents: each opens (python-docx re-read) with the right names and dates, has the
公文 layout, and only the roles that may print it get it."""

import io

from django.urls import reverse
from django.utils import timezone
from docx import Document

from suggestions import services

from .factories import dispatched, replied, submitted

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _open(response) -> tuple[Document, str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == DOCX
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return document, "\n".join(texts)


def _url(s, kind):
    return reverse("suggestions_portal:document", args=[s.pk, kind])


def _assert_gongwen_layout(document):
    section = document.sections[0]
    mm = [round(v.mm) for v in (section.page_width, section.page_height, section.top_margin,
                                section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"
    assert "PAGE" in section.footer._element.xml


def test_dispatch_form_for_staff_and_handlers(client, w):
    s = dispatched(w)
    client.force_login(w.staff)
    document, text = _open(client.get(_url(s, "dispatch")))
    _assert_gongwen_layout(document)
    for expected in ("甲镇人民代表大会主席团", "代表建议交办单", s.code, "修复上坪村路灯", "社会事务办",
                     "农业农村办", w.deputy1.name, _cn(timezone.localdate()), _cn(s.deadline)):
        assert expected in text, expected
    title_run = document.paragraphs[1].runs[0]
    assert title_run.font.size.pt == 22
    for user in (w.handler, w.handler2):  # lead and co-department handlers
        client.force_login(user)
        assert client.get(_url(s, "dispatch")).status_code == 200
    client.force_login(w.deputy1.user)
    assert client.get(_url(s, "dispatch")).status_code == 403
    client.force_login(w.staff_b)
    assert client.get(_url(s, "dispatch")).status_code == 404


def test_supervision_letter_for_staff_not_handler(client, w):
    s = dispatched(w)
    client.force_login(w.chair)
    document, text = _open(client.get(_url(s, "supervision")))
    _assert_gongwen_layout(document)
    for expected in ("关于督促办理代表建议的函", "社会事务办:", s.code, _cn(s.deadline), "特此函告",
                     "甲镇人民代表大会主席团"):
        assert expected in text, expected
    client.force_login(w.handler)
    assert client.get(_url(s, "supervision")).status_code == 403


def test_reply_letter_for_the_deputy_after_the_reply(client, w):
    s = dispatched(w)
    client.force_login(w.deputy1.user)
    assert client.get(_url(s, "reply")).status_code == 403  # nothing replied yet
    services.suggestion_sign(actor=w.handler, suggestion=s)
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已更换灯具。\n恢复照明。")
    document, text = _open(client.get(_url(s, "reply")))
    _assert_gongwen_layout(document)
    for expected in (f"{w.deputy1.name}代表:", "已更换灯具。", "恢复照明。", "A类", "社会事务办",
                     _cn(timezone.localdate())):
        assert expected in text, expected
    client.force_login(w.deputy2.user)  # routed to it, but not its deputy
    assert client.get(_url(s, "reply")).status_code == 403


def test_citizen_receipt_from_the_tracking_lookup(client, w):
    s = submitted(w)
    url = reverse("suggestions_public:receipt")
    assert client.get(url).status_code == 404  # not looked up in this browser
    assert client.get(url, {"code": s.code, "phone_last4": "5678"}).status_code == 404
    track = reverse("suggestions_public:track")
    client.post(track, {"code": s.code, "phone_last4": "0000"})
    assert client.get(url).status_code == 404  # wrong digits: nothing kept
    client.post(track, {"code": s.code, "phone_last4": "5678"})
    assert 'data-testid="receipt"' in client.get(track).content.decode()
    document, text = _open(client.get(url))
    _assert_gongwen_layout(document)
    for expected in ("群众意见建议受理回执", s.code, "张三", "138****5678", "路灯坏了",
                     "http://testserver/track/", _cn(timezone.localdate())):
        assert expected in text, expected
    assert "13812345678" not in text


def test_portal_detail_links_only_what_the_user_may_print(client, w):
    s = replied(w)
    detail = reverse("suggestions_portal:detail", args=[s.pk])
    client.force_login(w.staff)
    html = client.get(detail).content.decode()
    for kind in ("dispatch", "reply", "receipt"):
        assert f'data-testid="print-{kind}"' in html
    assert 'data-testid="print-supervision"' not in html  # replied: nothing left to press for
    client.force_login(w.deputy1.user)
    html = client.get(detail).content.decode()
    assert 'data-testid="print-reply"' in html and 'data-testid="print-dispatch"' not in html

