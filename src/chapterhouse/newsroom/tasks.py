"""The newsroom's background work, run by the task worker (never inside a request)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def views_flush() -> int:
    """Move the view counts pending in the cache into the database; return how many moved."""
    from chapterhouse.newsroom.engagement import views_pending_move

    return views_pending_move(at=timezone.now())
