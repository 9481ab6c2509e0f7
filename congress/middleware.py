from django.core.exceptions import PermissionDenied

from .roles import Role

# The only writes a county viewer makes: their own session, password and inbox.
COUNTY_VIEWER_WRITES = frozenset(
    {
        "portal:login",
        "portal:logout",
        "portal:password_change",
        "portal:twofactor_setup",
        "portal:twofactor_verify",
        "portal:notifications_read",
        "admin:login",
        "admin:logout",
        "admin:password_change",
    }
)


class ReadOnlyCountyViewerMiddleware:
    """The county people's congress watches and changes nothing: any write request by a county
    viewer answers 403, whatever view it reaches (defence in depth behind the permission rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and user.role == Role.COUNTY_VIEWER):
            return None
        match = request.resolver_match
        if match and match.view_name in COUNTY_VIEWER_WRITES:
            return None
        raise PermissionDenied("县人大常委会账号为只读账号,不能修改任何数据。")


class RejectNulBytesMiddleware:
    """A NUL byte in a query string or form field is never meaningful and PostgreSQL refuses to
    store or compare it (a 500 in any filter): answer 400 before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            from django.shortcuts import render

            return render(
                request,
                "errors/400.html",
                {"message": "请求中含有不允许的控制字符(NUL),请检查输入后重试。"},
                status=400,
            )
        return self.get_response(request)


def _has_nul(querydict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists())


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` (settings.PERMISSIONS_POLICY) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
