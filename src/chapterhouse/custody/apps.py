from django.apps import AppConfig


class CustodyConfig(AppConfig):
    """Accounts, grants, personal-data tiers and the audit trail."""

    name = "chapterhouse.custody"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Cached viewers are forgotten when a grant, account, user or body changes.
        from chapterhouse.custody import signals

        signals.connect()
