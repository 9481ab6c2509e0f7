import pytest
from django.urls import reverse

from congress.models import ChannelMode, NoticeChannelDefault, NoticePreference
from congress.notices.preferences import contact_of, notice_channels, notice_preference_set
from congress.roles import Role
from tests.factories import TownshipFactory, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_user():
    return staff_of(TownshipFactory(), role=Role.DEPUTY, username="dep", phone="13800138000",
                    email="dep@example.cn", wecom_userid="dep01")


def test_builtin_defaults_email_and_wecom_always_sms_only_urgent(deputy_user):
    assert notice_channels(deputy_user, urgent=False) == ["email", "wecom"]
    assert notice_channels(deputy_user, urgent=True) == ["email", "sms", "wecom"]


def test_office_default_per_role_then_own_choice_wins(deputy_user):
    NoticeChannelDefault.objects.create(township=deputy_user.township, role=Role.DEPUTY,
                                        email=ChannelMode.OFF, sms=ChannelMode.ALL,
                                        wecom=ChannelMode.URGENT)
    NoticeChannelDefault.objects.create(township=deputy_user.township, role=Role.STAFF,
                                        email=ChannelMode.ALL, sms=ChannelMode.OFF)
    assert notice_channels(deputy_user, urgent=False) == ["sms"]
    notice_preference_set(actor=deputy_user, sms=ChannelMode.OFF, wecom=ChannelMode.ALL)
    assert contact_of(deputy_user).modes == {"email": "off", "sms": "off", "wecom": "all"}
    assert notice_channels(deputy_user, urgent=True) == ["wecom"]


def test_channel_without_address_or_backend_is_skipped(deputy_user, settings):
    deputy_user.email = ""
    deputy_user.wecom_userid = ""
    deputy_user.save()
    assert notice_channels(deputy_user, urgent=True) == ["sms"]
    deputy_user.wecom_userid = "dep01"
    deputy_user.save()
    assert notice_channels(deputy_user, urgent=True) == ["sms", "wecom"]
    settings.WECOM_BACKEND = ""
    assert notice_channels(deputy_user, urgent=True) == ["sms"]


def test_bad_mode_is_refused():
    from django.core.exceptions import ValidationError

    user = staff_of(TownshipFactory())
    with pytest.raises(ValidationError):
        notice_preference_set(actor=user, sms="sometimes")
    assert not NoticePreference.objects.exists()


def test_portal_page_saves_own_choice(client, deputy_user):
    url = reverse("portal:notice_settings")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(deputy_user)
    page = client.get(url).content.decode()
    assert "跟随单位默认(仅紧急提醒)" in page and "dep01" in page
    response = client.post(url, {"email": "off", "sms": "all", "wecom": ""})
    assert response.status_code == 302
    own = NoticePreference.objects.get(user=deputy_user)
    assert (own.email, own.sms, own.wecom) == ("off", "all", "")
    assert client.post(url, {"sms": "never"}).status_code == 200  # form error, nothing saved
    own.refresh_from_db()
    assert own.sms == "all"


def test_office_defaults_admin_for_staff_not_for_deputy(client, deputy_user):
    township = deputy_user.township
    url = reverse("admin:congress_noticechanneldefault_add")
    client.force_login(deputy_user)
    assert client.get(url).status_code in (302, 403)
    staff = staff_of(township, username="st")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.post(url, {"township": township.pk, "role": Role.HANDLER, "email": "all",
                                 "sms": "all", "wecom": "off"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NoticeChannelDefault.objects.get(role=Role.HANDLER).sms == "all"
