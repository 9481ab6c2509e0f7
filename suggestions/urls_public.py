from django.urls import path

from . import views

app_name = "suggestions_public"

urlpatterns = [
    path("t/<slug:township>/suggest/", views.submit, name="submit"),
    path("t/<slug:township>/suggest/done/<str:code>/", views.done, name="done"),
    path("t/<slug:township>/results/", views.results, name="results"),
    path("track/", views.track, name="track"),
]
