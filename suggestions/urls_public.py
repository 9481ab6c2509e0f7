from django.urls import path

from . import document_views, views

app_name = "suggestions_public"

urlpatterns = [
    path("t/<slug:township>/suggest/", views.submit, name="submit"),
    path("t/<slug:township>/suggest/done/<str:code>/", views.done, name="done"),
    path("t/<slug:township>/results/", views.results, name="results"),
    path("track/", views.track, name="track"),
    path("r/<str:code>/", views.rate_link, name="rate_link"),
    path("track/receipt/", document_views.public_receipt, name="receipt"),
]
