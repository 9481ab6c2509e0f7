from django.urls import path

from congress.views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("t/<slug:slug>/", public.township, name="township"),
]
