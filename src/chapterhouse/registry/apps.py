from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "chapterhouse.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the checks of stored people (a call sign's real name in an id).
        # Names body kinds and roles as the organization declared them (core.language).
        from chapterhouse.core.language import declared_vocabulary_reader_set
        from chapterhouse.registry import checks  # noqa: F401
        from chapterhouse.registry.selectors import declared_vocabulary

        declared_vocabulary_reader_set(declared_vocabulary)
