from django.apps import AppConfig


class ChronicleConfig(AppConfig):
    name = "chapterhouse.chronicle"
    label = "chronicle"
    default_auto_field = "django.db.models.BigAutoField"
