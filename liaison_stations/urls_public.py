from django.urls import path

from . import views_public as v

app_name = "stations_public"

urlpatterns = [
    path("t/<slug:township>/stations/", v.station_list, name="list"),
    path("t/<slug:township>/stations/<int:pk>/", v.station_detail, name="detail"),
    path("t/<slug:township>/stations/<int:pk>/calendar/", v.calendar_page, name="calendar"),
    path("t/<slug:township>/stations/<int:pk>/poster/", v.poster, name="poster"),
    path("t/<slug:township>/stations/<int:pk>/qr.svg", v.qr_svg, name="qr_svg"),
    path("t/<slug:township>/stations/<int:pk>/qr.png", v.qr_png, name="qr_png"),
]
