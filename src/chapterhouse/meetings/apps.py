from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "chapterhouse.meetings"
    label = "meetings"
    default_auto_field = "django.db.models.BigAutoField"
