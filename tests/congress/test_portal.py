import re

import pytest
from django.core import mail
from django.urls import reverse

from congress.models import Notification
from congress.notifications import notification_send
from congress.roles import Role
from tests.factories import TownshipFactory, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy():
    return staff_of(TownshipFactory(), role=Role.DEPUTY, username="dep1", email="dep1@example.org")


def test_login_page_in_chinese(client):
    response = client.get(reverse("portal:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名" in html and "密码" in html and 'name="viewport"' in html


def test_login_and_home(client, deputy):
    response = client.post(reverse("portal:login"), {"username": "dep1", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    home = client.get(reverse("portal:home"))
    assert deputy.name in home.content.decode()
    assert "人大代表" in home.content.decode()


def test_portal_requires_login(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_wrong_password_keeps_username_and_says_why(client, deputy):
    response = client.post(reverse("portal:login"), {"username": "dep1", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in html
    assert 'value="dep1"' in html


def test_login_locks_after_repeated_failures_and_says_when(client, deputy, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("portal:login"), {"username": "dep1", "password": "wrong"})
    response = client.post(reverse("portal:login"), {"username": "dep1", "password": "pw-for-tests-1"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "登录已暂时锁定" in html
    assert re.search(r"请于 <strong>\d{4}年\d+月\d+日 \d\d:\d\d</strong> 后重试", html)
    # Even the right password does not get in while locked.
    assert "_auth_user_id" not in client.session


def test_admin_login_locks_too(client, deputy, settings):
    staff = staff_of(deputy.township, username="st1")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("admin:login"), {"username": staff.username, "password": "bad"})
    assert response.status_code == 429


def test_inbox_unread_count_and_mark_read(client, deputy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=deputy, title="您有一件新的群众建议待接单", url="/portal/")
        notification_send(recipient=deputy, title="第二条消息")
    client.force_login(deputy)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="unread-count">2<' in html
    inbox = client.get(reverse("portal:notifications"))
    assert "您有一件新的群众建议待接单" in inbox.content.decode()
    first = Notification.objects.filter(recipient=deputy).first()
    client.post(reverse("portal:notifications_read"), {"id": first.pk})
    assert 'data-testid="unread-count">1<' in client.get(reverse("portal:home")).content.decode()
    client.post(reverse("portal:notifications_read"))
    assert "unread-count" not in client.get(reverse("portal:home")).content.decode()
    # Each notification was e-mailed exactly once.
    assert len(mail.outbox) == 2


def test_cannot_mark_someone_elses_notification(client, deputy):
    other = staff_of(deputy.township, role=Role.DEPUTY, username="dep2")
    theirs = notification_send(recipient=other, title="别人的消息")
    client.force_login(deputy)
    client.post(reverse("portal:notifications_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_copies_sent_at_most_once(deputy):
    from congress.notifications import notification_deliver
    from congress.sms import LocmemSmsBackend

    n = notification_send(recipient=deputy, title="提醒", sms=True)
    first = notification_deliver(notification_id=n.pk)
    second = notification_deliver(notification_id=n.pk)
    assert first == {"email": True, "sms": True}
    assert second == {"email": False, "sms": False}
    assert len(mail.outbox) == 1
    assert len(LocmemSmsBackend.outbox) == 1


def test_home_tiles_follow_role(client, deputy):
    client.force_login(deputy)
    html = client.get(reverse("portal:home")).content.decode()
    assert "管理后台" not in html
    staff = staff_of(deputy.township, username="st2")
    client.force_login(staff)
    assert "管理后台" in client.get(reverse("portal:home")).content.decode()


def test_password_change_error_shown_next_to_field(client, deputy):
    client.force_login(deputy)
    response = client.post(
        reverse("portal:password_change"),
        {"old_password": "wrong", "new_password1": "Aa123456!x", "new_password2": "Aa123456!x"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "旧密码不正确" in html or "你的旧密码不正确" in html
    assert "is-invalid" in html


def test_opening_a_notice_marks_it_read_and_the_badge_goes_down(client):
    township = TownshipFactory()
    deputy = staff_of(township, role=Role.DEPUTY)
    other = staff_of(township, role=Role.DEPUTY)
    notification_send(recipient=deputy, title="新的群众点单", url="/portal/notifications/")
    notification_send(recipient=deputy, title="第二条")
    client.force_login(deputy)
    assert 'data-testid="unread-count">2<' in client.get("/portal/").content.decode()
    first = Notification.objects.get(title="新的群众点单")
    response = client.get(reverse("portal:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/portal/notifications/"
    assert 'data-testid="unread-count">1<' in client.get("/portal/").content.decode()
    client.force_login(other)
    assert client.get(reverse("portal:notification_open", args=[first.pk])).status_code == 404
