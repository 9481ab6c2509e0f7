"""Enrolment in and use of the second factor (see congress.twofactor)."""

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from congress.twofactor import ENROLLED_SESSION_KEY, RECOVERY_CODE_COUNT, confirmed_devices


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码", max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="打开手机上的身份验证器(如 Microsoft Authenticator、Google 身份验证器、"
                  "FreeOTP),输入显示的 6 位数字;手机不在身边时可输入一个恢复码。",
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/portal/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/portal/"


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, dark="#111")


@login_required
def setup(request):
    """Scan the QR code, type the first code: the device is confirmed and ten recovery codes are
    shown once."""
    if request.user.is_verified() and confirmed_devices(request.user):
        messages.info(request, "您已启用两步验证。")
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="手机验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(request.user)
            otp_login(request, device)
            request.session[ENROLLED_SESSION_KEY] = True
            return render(request, "portal/twofactor_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", "验证码不正确或已过期,请核对手机时间后重新输入。")
    secret = device.bin_key
    context = {
        "form": form, "qr_svg": _qr_svg(device.config_url), "next": _next(request),
        "secret": base64.b32encode(secret).decode().rstrip("="),
    }
    return render(request, "portal/twofactor_setup.html", context, status=400 if form.errors else 200)


def _new_recovery_codes(user) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, name="恢复码", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@login_required
def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in confirmed_devices(request.user):
            if device.verify_token(token):
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(request, f"已使用一个恢复码,还剩 {left} 个。")
                return redirect(_next(request))
        form.add_error("token", "验证码不正确,请重新输入。")
    if not confirmed_devices(request.user):
        return redirect("portal:twofactor_setup")
    return render(request, "portal/twofactor_verify.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)
