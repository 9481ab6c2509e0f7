from django.urls import path

from . import views_public

app_name = "sessions_public"

urlpatterns = [
    path("t/<slug:township>/congress/", views_public.congress_home, name="congress_home"),
    path("t/<slug:township>/congress/projects/<int:pk>/", views_public.project_detail, name="project_detail"),
]
