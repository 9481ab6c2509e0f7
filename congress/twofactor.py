"""Two-factor login (django-otp: TOTP app codes, with one-time recovery codes as static tokens).

Who must use it: the admin roles (presidium chair, vice-chair, staff), the county viewer and
system administrators, when ``TWO_FACTOR_REQUIRED`` is on (default: on when ``DEBUG=0``).
Deputies, station administrators and handlers may enrol; once they have, they are asked too.
A user who must and has not enrolled is sent to the enrolment page; one who has enrolled but not
entered a code this session is sent to the code page. Nothing else opens until then.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import devices_for_user, user_has_device

from .roles import ADMIN_ROLES

# Pages a signed-in user reaches before the second factor: the 2FA pages, logout, health.
OPEN_VIEWS = frozenset({
    "portal:twofactor_setup", "portal:twofactor_verify", "portal:logout", "admin:logout",
    "healthz", "portal:login", "admin:login",
})
RECOVERY_CODE_COUNT = 10


ENROLLED_SESSION_KEY = "otp_enrolled"


def must_use_two_factor(user, *, enrolled: bool) -> bool:
    if not (user and user.is_authenticated):
        return False
    if enrolled:
        return True
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False):
        return False
    return bool(user.is_superuser or user.role in ADMIN_ROLES)


def is_enrolled(request) -> bool:
    """Whether the signed-in user has a confirmed device, looked up once per session (at login)
    so that ordinary pages pay no query for it."""
    enrolled = request.session.get(ENROLLED_SESSION_KEY)
    if enrolled is None:
        enrolled = user_has_device(request.user, confirmed=True)
        request.session[ENROLLED_SESSION_KEY] = enrolled
    return enrolled


def remember_enrolment(sender, request, user, **kwargs):
    """``user_logged_in`` receiver (connected in congress.apps): note the enrolment in the new
    session."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user, confirmed=True)


def confirmed_devices(user):
    return list(devices_for_user(user, confirmed=True))


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: hold back a user who must pass the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated) or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN_VIEWS or not match.view_name:
            return None
        if match.view_name.startswith(("public:", "suggestions_public:", "stations_public:",
                                       "deputies_public:", "sessions_public:")):
            return None
        enrolled = is_enrolled(request)
        if not must_use_two_factor(user, enrolled=enrolled):
            return None
        target = "portal:twofactor_verify" if enrolled else "portal:twofactor_setup"
        next_url = request.get_full_path()
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/portal/"
        return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
