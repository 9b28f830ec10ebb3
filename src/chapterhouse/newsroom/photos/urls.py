"""Routes of the newsroom's photos pages (mounted at the root: full paths here).

``media/…`` serves uploaded files from MEDIA_ROOT in development and on a single
server; a bigger deployment lets its front proxy serve /media/ instead.
"""

from django.urls import URLPattern, path

from chapterhouse.newsroom.photos import views

app_name = "photos"

urlpatterns: list[URLPattern] = [
    path("<site_lang:lang>/photos/", views.gallery, name="gallery"),
    path("<site_lang:lang>/albums/<str:slug>/", views.album, name="album"),
    path("newsroom/albums/new/", views.album_new, name="album_new"),
    path("newsroom/albums/<str:slug>/photos/new/", views.photo_upload, name="upload"),
    path("media/<path:path>", views.media, name="media"),
]
