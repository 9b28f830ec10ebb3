"""Routes of the newsroom's workspace pages (mounted at /newsroom/)."""

from django.urls import URLPattern, path

from chapterhouse.newsroom.workflow import views

app_name = "newsroom"

urlpatterns: list[URLPattern] = [
    path("", views.coverage, name="index"),
    path("coverage/", views.coverage, name="coverage"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<str:slug>/", views.article_detail, name="article"),
    path("articles/<str:slug>/edit/", views.article_edit, name="article_edit"),
    path("articles/<str:slug>/send/", views.article_send, name="article_send"),
    path("articles/<str:slug>/publish/", views.article_publish, name="article_publish"),
    path("queue/", views.queue, name="queue"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/claim/", views.assignment_claim, name="assignment_claim"),
    path("review/", views.review_list, name="review_list"),
    path("assignments/<int:pk>/review/", views.assignment_review, name="review"),
]
