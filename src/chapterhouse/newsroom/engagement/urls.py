"""Routes of readers' engagement: the view beacon, comments and their moderation.

Mounted at the root, so the paths are written out in full: the public ones under
a working language like the rest of the news, moderation under ``newsroom/``.
"""

from django.urls import path

from chapterhouse.newsroom.engagement import views

app_name = "engagement"

urlpatterns = [
    path("<site_lang:lang>/news/<str:slug>/view", views.view_beacon, name="view"),
    path("<site_lang:lang>/news/<str:slug>/comments/", views.comment_post, name="comment_post"),
    path(
        "<site_lang:lang>/news/<str:slug>/comments/thanks/",
        views.comment_thanks,
        name="comment_thanks",
    ),
    path(
        "<site_lang:lang>/comments/confirm/<str:secret>/",
        views.comment_confirm,
        name="comment_confirm",
    ),
    path("newsroom/comments/", views.moderation, name="moderation"),
    path("newsroom/comments/<int:pk>/approve/", views.comment_approve, name="comment_approve"),
    path("newsroom/comments/<int:pk>/reject/", views.comment_reject, name="comment_reject"),
]
