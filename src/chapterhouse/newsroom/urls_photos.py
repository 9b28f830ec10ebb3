"""Routes of the newsroom's photos pages (mounted at the root: full paths here).

``media/…`` serves uploaded files from MEDIA_ROOT in development and on a single
server; a bigger deployment lets its front proxy serve /media/ instead.
"""

from django.urls import URLPattern, path

from chapterhouse.newsroom import photo_views

app_name = "photos"

urlpatterns: list[URLPattern] = [
    path("<site_lang:lang>/photos/", photo_views.gallery, name="gallery"),
    path("<site_lang:lang>/albums/<str:slug>/", photo_views.album, name="album"),
    path("newsroom/albums/new/", photo_views.album_new, name="album_new"),
    path("newsroom/albums/<str:slug>/photos/new/", photo_views.photo_upload, name="upload"),
    path("media/<path:path>", photo_views.media, name="media"),
]
