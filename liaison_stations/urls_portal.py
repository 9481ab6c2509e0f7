from django.urls import path

from . import views_portal as v

app_name = "stations_portal"

urlpatterns = [
    path("", v.home, name="home"),
    path("my-duty/", v.my_duty, name="my_duty"),
    path("<int:pk>/", v.station_detail, name="station"),
    path("<int:pk>/schedule/", v.schedule, name="schedule"),
    path("<int:pk>/schedule/rules/add/", v.rule_add, name="rule_add"),
    path("<int:pk>/schedule/generate/", v.generate, name="generate"),
    path("days/<int:pk>/roster/", v.roster, name="roster"),
    path("<int:pk>/receptions/", v.receptions, name="receptions"),
    path("<int:pk>/receptions/add/", v.reception_add, name="reception_add"),
    path("receptions/<int:pk>/", v.reception_detail, name="reception"),
    path("receptions/issues/<int:pk>/phone/", v.issue_phone, name="issue_phone"),
    path("<int:pk>/activities/", v.activities, name="activities"),
    path("<int:pk>/activities/add/", v.activity_add, name="activity_add"),
    path("activities/<int:pk>/", v.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", v.activity_edit, name="activity_edit"),
    path("<int:pk>/checklist/", v.checklist, name="checklist"),
    path("<int:pk>/checklist/<int:item_pk>/", v.evidence, name="evidence"),
]
