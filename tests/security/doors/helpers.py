"""Shared pieces of the standing security checks: the demo's accounts by role and township."""

from django.test import RequestFactory

from congress.models import User

TOWNSHIPS = ("liuhe", "taoyuan")
TOWNSHIP_ROLES = ("chair", "vicechair", "staff", "station", "deputy", "handler")


def user(username: str) -> User:
    return User.objects.get(username=username)


def request_as(u, path="/", method="get"):
    request = getattr(RequestFactory(), method)(path)
    request.user = u
    return request
