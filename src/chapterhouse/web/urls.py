"""The public pages. Ids in the paths are the Chronicle ids (slugs), as in the API and CLI."""

from django.urls import path

from chapterhouse.web import views

app_name = "web"

urlpatterns = [
    path("", views.orgchart, name="orgchart"),
    path("bodies/<str:slug>/", views.body_detail, name="body"),
    path("people/", views.person_list, name="person_list"),
    path("people/<str:slug>/", views.person_detail, name="person"),
    path("conferences/", views.conference_list, name="conference_list"),
    path("conferences/<str:slug>/", views.conference_detail, name="conference"),
    path("sessions/<str:slug>/", views.session_detail, name="session"),
    path("decisions/<str:slug>/", views.decision_detail, name="decision"),
]
