from django.urls import path

from .views import public, qr

app_name = "deputies_public"

urlpatterns = [
    path("t/<slug:slug>/deputies/", public.township_deputies, name="township_deputies"),
    path(
        "t/<slug:slug>/deputies/d/<int:number>/", public.district_board_page, name="district_board"
    ),
    path("t/<slug:slug>/deputies/<int:pk>/qr/", qr.qr_card, name="deputy_qr_card"),
    path("t/<slug:slug>/deputies/<int:pk>/qr.svg", qr.qr_svg, name="deputy_qr_svg"),
    path("t/<slug:slug>/deputies/<int:pk>/qr.png", qr.qr_png, name="deputy_qr_png"),
]
