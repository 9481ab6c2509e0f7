"""The project's URLs plus an empty view, so the benchmark can compare with Django's floor."""

from django.http import HttpResponse
from django.urls import include, path


def empty(request):
    return HttpResponse("")


urlpatterns = [path("bench-empty/", empty), path("", include("congress.urls"))]
