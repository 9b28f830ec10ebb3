"""The public pages. Ids in the paths are the Chronicle ids (slugs), as in the API and CLI."""

from django.urls import path

from chapterhouse.web import calendar_views, person_views, report_views, views, write_views

app_name = "web"

urlpatterns = [
    # Pages that write (web/write_views.py); "new" comes before the detail patterns it
    # would otherwise be read as an id by.
    path("sessions/new/", write_views.session_new, name="session_new"),
    path("sessions/<str:slug>/edit/", write_views.session_edit, name="session_edit"),
    path("decisions/new/", write_views.decision_new, name="decision_new"),
    path("decisions/<str:slug>/edit/", write_views.decision_edit, name="decision_edit"),
    path(
        "decisions/<str:slug>/adopt/",
        write_views.decision_status,
        {"action": "adopt"},
        name="decision_adopt",
    ),
    path(
        "decisions/<str:slug>/annul/",
        write_views.decision_status,
        {"action": "annul"},
        name="decision_annul",
    ),
    path("people/new/", person_views.person_new, name="person_new"),
    path("people/<str:slug>/edit/", person_views.person_edit, name="person_edit"),
    path("", views.orgchart, name="orgchart"),
    path("bodies/<str:slug>/", views.body_detail, name="body"),
    path(
        "bodies/<str:slug>/calendar.ics",
        calendar_views.body_calendar_feed,
        name="body_calendar_feed",
    ),
    path("calendar/", calendar_views.calendar_month, name="calendar"),
    path("calendar.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("commemorations/", calendar_views.commemoration_list, name="commemorations"),
    path("people/", views.person_list, name="person_list"),
    path("people/<str:slug>/", views.person_detail, name="person"),
    path("conferences/", views.conference_list, name="conference_list"),
    path("conferences/<str:slug>/", views.conference_detail, name="conference"),
    path(
        "conferences/<str:slug>/report/",
        report_views.conference_report_page,
        name="conference_report",
    ),
    path(
        "conferences/<str:slug>/report.md",
        report_views.conference_report_download,
        {"fmt": "md"},
        name="conference_report_md",
    ),
    path(
        "conferences/<str:slug>/report.pdf",
        report_views.conference_report_download,
        {"fmt": "pdf"},
        name="conference_report_pdf",
    ),
    path("changes", report_views.changes_page, name="changes"),
    path("sessions/<str:slug>/", views.session_detail, name="session"),
    path("decisions/<str:slug>/", views.decision_detail, name="decision"),
]
