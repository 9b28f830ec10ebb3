from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "chapterhouse.newsroom"
    label = "newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.urls import register_converter

        from chapterhouse.newsroom.languages import SiteLanguageConverter, site_languages_forget
        from chapterhouse.registry.models import Organization

        register_converter(SiteLanguageConverter, "site_lang")

        def forget(**_kwargs: object) -> None:
            site_languages_forget()

        post_save.connect(forget, sender=Organization, weak=False)
        post_delete.connect(forget, sender=Organization, weak=False)

        # The search index follows every saved or deleted translation.
        from chapterhouse.newsroom.search.services import search_signals_connect

        search_signals_connect()

        # Anything the public site shows makes its cached pages stale.
        from chapterhouse.newsroom import models
        from chapterhouse.newsroom.cache import public_pages_changed

        def changed(**_kwargs: object) -> None:
            public_pages_changed()

        for model in (
            Organization,
            models.Category,
            models.Tag,
            models.Article,
            models.ArticleTranslation,
            models.Album,
            models.Photo,
            models.Comment,
        ):
            post_save.connect(changed, sender=model, weak=False)
            post_delete.connect(changed, sender=model, weak=False)
