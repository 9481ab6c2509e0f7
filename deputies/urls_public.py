from django.urls import path

from .views import public

app_name = "deputies_public"

urlpatterns = [
    path("t/<slug:slug>/deputies/", public.township_deputies, name="township_deputies"),
    path(
        "t/<slug:slug>/deputies/d/<int:number>/", public.district_board_page, name="district_board"
    ),
]
