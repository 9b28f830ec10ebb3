from django.apps import AppConfig


class CustodyConfig(AppConfig):
    """Accounts, grants, personal-data tiers and the audit trail."""

    name = "chapterhouse.custody"
    default_auto_field = "django.db.models.BigAutoField"
