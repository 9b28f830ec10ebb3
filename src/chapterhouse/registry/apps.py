from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "chapterhouse.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the checks of stored people (a call sign's real name in an id).
        from chapterhouse.registry import checks  # noqa: F401
