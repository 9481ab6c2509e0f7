from django.urls import path

from .views import portal

app_name = "deputies"

urlpatterns = [
    path("", portal.records, name="records"),
    path("records/add/", portal.record_add, name="record_add"),
    path("records/<int:pk>/edit/", portal.record_edit, name="record_edit"),
    path("records/<int:pk>/delete/", portal.record_delete, name="record_delete"),
    path("voters/", portal.voters, name="voters"),
    path("voters/<int:pk>/delete/", portal.voter_delete, name="voter_delete"),
    path("ledgers/", portal.ledgers, name="ledgers"),
    path("ledgers/<slug:key>.<str:fmt>", portal.ledger_download, name="ledger_download"),
    path("me/", portal.profile, name="profile"),
]
