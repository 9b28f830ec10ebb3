"""The public pages. Ids in the paths are the Chronicle ids (slugs), as in the API and CLI."""

from django.urls import path

from chapterhouse.web import (
    calendar_views,
    decision_views,
    merge_views,
    person_views,
    relations_views,
    report_views,
    session_views,
    site_files,
    task_views,
    views,
)

app_name = "web"

urlpatterns = [
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("robots.txt", site_files.robots, name="robots"),
    # Pages that write (web/write_views.py); "new" comes before the detail patterns it
    # would otherwise be read as an id by.
    path("sessions/new/", session_views.session_new, name="session_new"),
    path("sessions/<str:slug>/edit/", session_views.session_edit, name="session_edit"),
    path("sessions/<str:slug>/documents/new/", session_views.document_new, name="document_new"),
    path("documents/<str:slug>/file", session_views.document_file, name="document_file"),
    path("conferences/new/", session_views.conference_new, name="conference_new"),
    path("conferences/<str:slug>/edit/", session_views.conference_edit, name="conference_edit"),
    path("decisions/new/", decision_views.decision_new, name="decision_new"),
    path("decisions/<str:slug>/edit/", decision_views.decision_edit, name="decision_edit"),
    path(
        "decisions/<str:slug>/adopt/",
        decision_views.decision_status,
        {"action": "adopt"},
        name="decision_adopt",
    ),
    path(
        "decisions/<str:slug>/annul/",
        decision_views.decision_status,
        {"action": "annul"},
        name="decision_annul",
    ),
    path("people/new/", person_views.person_new, name="person_new"),
    # Duplicates and merging (web/merge_views.py, docs/decisions/0032).
    path("people/duplicates/", merge_views.person_duplicates, name="person_duplicates"),
    path("people/merge/", merge_views.person_merge_view, name="person_merge"),
    path("people/unmerge/", merge_views.person_unmerge_view, name="person_unmerge"),
    path("people/<str:slug>/edit/", person_views.person_edit, name="person_edit"),
    # Partners, honours and agreements (web/relations_views.py).
    path("partners/", relations_views.partner_list, name="partner_list"),
    path("partners/new/", relations_views.partner_new, name="partner_new"),
    path("partners/<str:slug>/", relations_views.partner_detail, name="partner"),
    path("partners/<str:slug>/edit/", relations_views.partner_edit, name="partner_edit"),
    path("honours/", relations_views.honour_list, name="honour_list"),
    path("honours/new/", relations_views.honour_new, name="honour_new"),
    path("honours/<str:slug>/", relations_views.honour_detail, name="honour"),
    path("honours/<str:slug>/edit/", relations_views.honour_edit, name="honour_edit"),
    path("awards/<int:pk>/letter.pdf", relations_views.award_letter, name="award_letter"),
    path("agreements/", relations_views.agreement_list, name="agreement_list"),
    path("agreements/new/", relations_views.agreement_new, name="agreement_new"),
    path("agreements/<str:slug>/", relations_views.agreement_detail, name="agreement"),
    path("agreements/<str:slug>/edit/", relations_views.agreement_edit, name="agreement_edit"),
    # Instructions with deadlines (web/task_views.py).
    path("tasks/", task_views.task_board, name="tasks"),
    path("tasks/new/", task_views.task_new, name="task_new"),
    path("tasks/<str:slug>/edit/", task_views.task_edit, name="task_edit"),
    path("tasks/<str:slug>/", task_views.task_detail, name="task"),
    path("bodies/<str:slug>/tasks/", task_views.task_board, name="body_tasks"),
    path("", views.orgchart, name="orgchart"),
    path("bodies/<str:slug>/", views.body_detail, name="body"),
    # The org chart below one body, as a fragment the chart page opens on demand.
    path("bodies/<str:slug>/chart/", views.orgchart_below, name="orgchart_below"),
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
