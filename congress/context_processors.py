from django.conf import settings

from .notifications import unread_count


def platform(request):
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "unread_notifications": (lambda: unread_count(user)) if user else 0,
    }
