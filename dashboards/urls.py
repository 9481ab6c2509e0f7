from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.county, name="county"),
    path("mine/", views.my_township, name="my_township"),
    path("records/<slug:figure>/", views.records, name="records"),
    path("definitions/", views.definitions, name="definitions"),
    path("t/<slug:slug>/", views.township, name="township"),
    path("t/<slug:slug>/annex.docx", views.annex, name="annex"),
    path("t/<slug:slug>/stations/<int:pk>/", views.station, name="station"),
    path("t/<slug:slug>/deputies/<int:pk>/", views.deputy, name="deputy"),
]
