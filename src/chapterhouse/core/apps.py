from django.apps import AppConfig, apps
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "chapterhouse.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from chapterhouse.core.limits import refuse_over_long

        # Every model of ours, whichever path saves it (services, admin, importer's
        # single saves), refuses a value longer than its column on every database.
        for model in apps.get_models():
            if model.__module__.startswith("chapterhouse.") or model is get_user_model():
                pre_save.connect(
                    refuse_over_long, sender=model, dispatch_uid=f"limits:{model._meta.label}"
                )
