"""Pages for each role: who may, who may not, what a user sees, bad input, query counts."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from suggestions.models import ChangeRequest, State, Suggestion
from suggestions.workflow import STALE_MESSAGE
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db


def png_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def form_data(**extra):
    data = {"kind": "suggestion", "title": "村口路灯坏了", "content": "三个月没亮", "submitter_name": "王五",
            "submitter_phone": "138 1234 5678", "consent": "on"}
    data.update(extra)
    return data


# --- public ------------------------------------------------------------------------------------


def test_public_submit_with_photo_and_station_gets_tracking_code(w, client, media_root):
    url = reverse("suggestions_public:submit", args=["jia"]) + f"?station={w.station.pk}"
    page = client.get(url)
    assert page.status_code == 200 and w.station.name in page.content.decode()
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.post(url, form_data(village=w.village.pk, station=w.station.pk, photos=[photo]))
    s = Suggestion.objects.get()
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert s.code in done
    assert s.submitter_phone == "13812345678" and s.photos.count() == 1 and s.station == w.station
    assert set(s.routed_deputies.all()) == {w.deputy1, w.deputy2, w.deputy3}


def test_public_submit_refuses_fake_image_and_missing_consent_keeps_input(w, client, media_root):
    url = reverse("suggestions_public:submit", args=["jia"])
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    data = form_data(photos=[fake])
    del data["consent"]
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "该文件不是有效的图片" in html and "请阅读并同意隐私声明后再提交" in html
    assert 'value="村口路灯坏了"' in html
    assert not Suggestion.objects.exists()


def test_public_submit_validates_mobile(w, client):
    response = client.post(reverse("suggestions_public:submit", args=["jia"]), form_data(submitter_phone="12345"))
    assert "请输入正确的11位中国大陆手机号码" in response.content.decode()


def test_rate_limited_per_ip_and_per_phone(w, client, settings):
    settings.SUGGESTION_RATE_PER_PHONE = 2
    url = reverse("suggestions_public:submit", args=["jia"])
    for _ in range(2):
        assert client.post(url, form_data()).status_code == 302
    response = client.post(url, form_data())
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    settings.SUGGESTION_RATE_PER_IP = 3
    assert client.post(url, form_data(submitter_phone="13900000001")).status_code == 302
    assert client.post(url, form_data(submitter_phone="13900000002")).status_code == 429
    assert Suggestion.objects.count() == 3


def test_tracking_needs_code_and_last_four_and_masks_phone(w, client):
    s = f.replied(w)
    url = reverse("suggestions_public:track")
    wrong = client.post(url, {"code": s.code, "phone_last4": "0000"})
    assert wrong.status_code == 400
    assert "未找到该事项" in wrong.content.decode() and "已更换灯具" not in wrong.content.decode()
    found = client.post(url, {"code": s.code.lower(), "phone_last4": "5678"})
    assert found.status_code == 302 and found["Location"] == url  # no digits in the address
    html = client.get(url).content.decode()
    assert "已更换灯具" in html and "138****5678" in html
    assert "13812345678" not in html
    assert not re.search(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])", html)  # a phone, not part of a token
    response = client.post(url, {"rating": "satisfied"})
    assert response.status_code == 302 and response["Location"] == url
    s.refresh_from_db()
    assert s.citizen_rating == "satisfied"


def test_tracking_by_get_never_looks_up_and_puts_no_digits_in_any_address(w, client):
    s = f.replied(w)
    url = reverse("suggestions_public:track")
    html = client.get(url, {"code": s.code, "phone_last4": "5678"}).content.decode()
    assert "已更换灯具" not in html and 'method="post"' in html
    assert f'value="{s.code}"' in html  # the code (from the done page's link) is filled in
    client.post(url, {"code": s.code, "phone_last4": "5678"})
    page = client.get(url).content.decode()
    assert "5678" not in "".join(re.findall(r'(?:href|action)="([^"]*)"', page))
    client.post(url, {"leave": "1"})
    assert "已更换灯具" not in client.get(url).content.decode()


def test_anonymous_item_is_tracked_by_code_alone_and_done_page_says_so(w, client):
    response = client.post(reverse("suggestions_public:submit", args=["jia"]),
                           form_data(is_anonymous="on", submitter_name="", submitter_phone=""))
    s = Suggestion.objects.get()
    assert s.submitter_phone == ""
    done = client.get(response["Location"]).content.decode()
    assert s.code in done and "只凭查询码就能查询" in done and "后四位" not in done
    client.post(reverse("suggestions_public:track"), {"code": s.code})
    assert s.title in client.get(reverse("suggestions_public:track")).content.decode()


def test_done_page_address_still_works_later_without_revealing_anything(w, client):
    response = client.post(reverse("suggestions_public:submit", args=["jia"]), form_data())
    done_url = response["Location"]
    from django.test import Client

    later = Client().get(done_url)
    html = later.content.decode()
    assert later.status_code == 200 and Suggestion.objects.get().code in html
    assert "提交成功" not in html and "13812345678" not in html


def test_citizen_withdraws_before_dispatch_only(w, client):
    s = f.submitted(w)
    url = reverse("suggestions_public:track")
    client.post(url, {"code": s.code, "phone_last4": "5678"})
    client.post(url, {"withdraw": "1"})
    s.refresh_from_db()
    assert s.state == State.WITHDRAWN


def test_public_results_show_closed_public_items_without_submitter(w, client):
    from suggestions import services

    s = f.replied(w)
    s = services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating="satisfied")
    services.suggestion_close(actor=w.staff, suggestion=s, is_public=True)
    hidden = f.replied(w, title="不公开的事项")
    html = client.get(reverse("suggestions_public:results", args=["jia"])).content.decode()
    assert "修复上坪村路灯" in html and "不公开的事项" not in html
    assert "张三" not in html and "5678" not in html


# --- portal ------------------------------------------------------------------------------------


def test_deputy_inbox_claim_and_other_township_cannot_see(w, client):
    s = f.submitted(w)
    client.force_login(w.deputy1.user)
    inbox = client.get(reverse("suggestions_portal:index")).content.decode()
    assert s.title in inbox
    detail = client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    assert 'data-testid="action-claim"' in detail and 'data-testid="action-dispatch"' not in detail
    client.post(reverse("suggestions_portal:act", args=[s.pk, "claim"]), {"seen_state": "submitted"})
    s.refresh_from_db()
    assert s.state == State.CLAIMED and s.lead_deputy == w.deputy1
    client.force_login(w.deputy_b.user)
    assert client.get(reverse("suggestions_portal:detail", args=[s.pk])).status_code == 404
    client.force_login(w.staff_b)
    assert client.get(reverse("suggestions_portal:detail", args=[s.pk])).status_code == 404


def test_staff_dispatch_form_errors_and_stale_message(w, client):
    s = f.presented(w)
    client.force_login(w.staff)
    url = reverse("suggestions_portal:act", args=[s.pk, "dispatch"])
    bad = client.post(url, {"seen_state": "presented", "lead_department": w.dept.pk, "is_key": "on"})
    assert bad.status_code == 400 and "重点建议须指定督办领导" in bad.content.decode()
    ok = client.post(url, {"seen_state": "presented", "lead_department": w.dept.pk})
    assert ok.status_code == 302
    again = client.post(url, {"seen_state": "presented", "lead_department": w.dept2.pk}, follow=True)
    assert STALE_MESSAGE in again.content.decode()
    s.refresh_from_db()
    assert s.lead_department == w.dept


def test_handler_signs_requests_extension_and_staff_approves(w, client):
    s = f.dispatched(w)
    client.force_login(w.handler)
    queue = client.get(reverse("suggestions_portal:index")).content.decode()
    assert s.title in queue
    client.post(reverse("suggestions_portal:act", args=[s.pk, "sign"]), {"seen_state": "dispatched"})
    client.post(reverse("suggestions_portal:act", args=[s.pk, "request_extension"]), {"reason": "资金未到位", "months": 2})
    req = ChangeRequest.objects.get()
    old_deadline = Suggestion.objects.get(pk=s.pk).deadline
    client.force_login(w.staff)
    client.post(reverse("suggestions_portal:act", args=[s.pk, "decide_request"]),
                {"request_id": req.pk, "approve": "1", "note": "同意"})
    s.refresh_from_db()
    req.refresh_from_db()
    assert req.status == "approved" and s.deadline > old_deadline and s.state == State.IN_PROGRESS


def test_handler_replies_with_attachment_then_deputy_evaluates(w, client, media_root):
    s = f.in_progress(w)
    client.force_login(w.handler)
    doc = SimpleUploadedFile("reply.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
    r = client.post(reverse("suggestions_portal:act", args=[s.pk, "reply"]),
                    {"seen_state": "in_progress", "reply_class": "A", "text": "已解决", "attachments": [doc]})
    assert r.status_code == 302
    assert s.replies.get().attachments.count() == 1
    client.force_login(w.deputy1.user)
    r = client.post(reverse("suggestions_portal:act", args=[s.pk, "evaluate"]),
                    {"seen_state": "replied", "rating": "unsatisfied"})
    assert "评价为不满意时请写明理由" in r.content.decode()
    client.post(reverse("suggestions_portal:act", args=[s.pk, "evaluate"]),
                {"seen_state": "replied", "rating": "satisfied"})
    s.refresh_from_db()
    assert s.state == State.EVALUATED


def test_handler_of_other_department_cannot_reply(w, client):
    s = f.in_progress(w)
    client.force_login(w.handler2)  # co-department: may see, may not reply
    assert client.get(reverse("suggestions_portal:detail", args=[s.pk])).status_code == 200
    r = client.post(reverse("suggestions_portal:act", args=[s.pk, "reply"]),
                    {"seen_state": "in_progress", "reply_class": "A", "text": "x"}, follow=True)
    assert "您无权" in r.content.decode()
    s.refresh_from_db()
    assert s.state == State.IN_PROGRESS


def test_county_viewer_reads_queue_but_cannot_act(w, client):
    s = f.presented(w)
    client.force_login(w.viewer)
    assert s.title in client.get(reverse("suggestions_portal:queue")).content.decode()
    assert "data-testid=\"action-" not in client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    r = client.post(reverse("suggestions_portal:act", args=[s.pk, "dispatch"]), {"lead_department": w.dept.pk})
    assert r.status_code == 403


def test_staff_enters_phone_item(w, client):
    client.force_login(w.staff)
    r = client.post(reverse("suggestions_portal:enter"), {"channel": "phone", "kind": "opinion", "title": "电话反映",
                                                         "content": "噪音扰民", "village": w.village.pk})
    s = Suggestion.objects.get()
    assert r.status_code == 302 and s.channel == "phone" and s.created_by == w.staff
    client.force_login(w.handler)
    assert client.get(reverse("suggestions_portal:enter")).status_code == 403


@pytest.mark.parametrize("n", [2, 8])
def test_queue_query_count_does_not_grow(w, client, django_assert_num_queries, n):
    for i in range(n):
        f.dispatched(w, title=f"事项{i}")
    client.force_login(w.staff)
    client.get(reverse("suggestions_portal:queue"))  # warm caches (session, content types)
    # 7 + the lights: the horizons (settings, calendar), the counts per department, 我督办的.
    with django_assert_num_queries(11):
        response = client.get(reverse("suggestions_portal:queue"))
    assert response.content.decode().count('data-testid="suggestion-row"') == n


def test_admin_bulk_close_and_calendar_override_admin(w, client):
    from suggestions import services

    s = f.replied(w)
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating="basic")
    w.staff.is_staff = True
    w.staff.save()
    client.force_login(w.staff)
    r = client.post(reverse("admin:suggestions_suggestion_changelist"),
                    {"action": "close_and_publish", "_selected_action": [s.pk]})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.state == State.CLOSED and s.is_public
    assert client.get(reverse("admin:congress_calendaroverride_add")).status_code == 200
