from django.core.exceptions import PermissionDenied

from .roles import Role

# The only writes a county viewer makes: their own session, password and inbox.
COUNTY_VIEWER_WRITES = frozenset(
    {
        "portal:login",
        "portal:logout",
        "portal:password_change",
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
