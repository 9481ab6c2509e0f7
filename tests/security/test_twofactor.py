"""Two-factor login: required for the admin roles and the county viewer when
TWO_FACTOR_REQUIRED is on, optional for deputies; enrolment with a QR code and recovery codes."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.congress.conftest import World
from tests.factories import deputy_with_account


@pytest.fixture
def world(db, settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code would otherwise delay the next one
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return World()


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("who", ["staff_a", "viewer"])
def test_admin_roles_are_sent_to_enrolment_and_kept_out_until_verified(world, client, who):
    client.force_login(getattr(world, who))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:twofactor_setup"))
    assert client.get(reverse("portal:home")).status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode() and "启用两步验证" in page.content.decode()
    device = TOTPDevice.objects.get(user=getattr(world, who), confirmed=False)
    wrong = client.post(reverse("portal:twofactor_setup"), {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    done = client.post(reverse("portal:twofactor_setup"), {"token": _code(device), "next": "/admin/"})
    codes = re.findall(r'<li class="col-6">([a-z0-9]+)</li>', done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("admin:index")).status_code == 200
    # A new session must pass the code page; a recovery code works once.
    client.logout()
    client.force_login(getattr(world, who))
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("portal:twofactor_verify"))
    assert client.post(reverse("portal:twofactor_verify"), {"token": codes[0], "next": "/admin/"}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    client.force_login(getattr(world, who))
    reused = client.post(reverse("portal:twofactor_verify"), {"token": codes[0]})
    assert reused.status_code == 400


def test_deputies_may_skip_it(world, client):
    deputy = deputy_with_account(world.a)
    client.force_login(deputy.user)
    assert client.get(reverse("portal:home")).status_code == 200


def test_off_when_not_required(world, client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(world.staff_a)
    assert client.get(reverse("admin:index")).status_code == 200


def test_public_pages_stay_open(world, client):
    client.force_login(world.staff_a)
    assert client.get(reverse("public:home")).status_code == 200
