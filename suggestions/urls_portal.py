from django.urls import path

from . import document_views, views

app_name = "suggestions_portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("new/", views.enter, name="enter"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("<int:pk>/print/<slug:kind>/", document_views.document, name="document"),
    path("<int:pk>/phone/", views.reveal_phone, name="reveal_phone"),
    path("from-reception/<int:issue_pk>/", views.from_reception_issue, name="from_reception_issue"),
]
