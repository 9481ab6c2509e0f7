from django.urls import path

from . import views

app_name = "sessions_portal"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("compliance/", views.compliance, name="compliance"),
    path("checkin/", views.checkin_view, name="checkin"),
    path("projects/", views.my_projects, name="my_projects"),
    path("projects/<int:pk>/progress/", views.project_progress_new, name="project_progress_new"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/open/", views.session_open, name="session_open"),
    path("<int:pk>/close/", views.session_close, name="session_close"),
    path("<int:pk>/screen/", views.session_screen, name="screen"),
    path("<int:pk>/attendance/", views.attendance_live, name="attendance"),
    path("<int:pk>/livelihood/", views.livelihood_ballot, name="livelihood_ballot"),
    path("<int:pk>/livelihood/open/", views.livelihood_open, name="livelihood_open"),
    path("<int:pk>/livelihood/finalize/", views.livelihood_finalize, name="livelihood_finalize"),
    path("<int:pk>/livelihood/from-suggestion/", views.project_from_suggestion, name="project_from_suggestion"),
    path("<int:pk>/suggestions/new/", views.session_suggestion_new, name="session_suggestion_new"),
    path("votes/<int:pk>/", views.vote_detail, name="vote_detail"),
    path("votes/<int:pk>/open/", views.vote_open, name="vote_open"),
    path("votes/<int:pk>/close/", views.vote_close, name="vote_close"),
    path("votes/<int:pk>/paper/", views.vote_paper, name="vote_paper"),
]
