"""The newsroom's background work, run by the task worker (never inside a request).

The tasks live beside the work they do; this module names them for the worker and
for jobs queued under this path.
"""

from __future__ import annotations

from chapterhouse.newsroom.engagement import views_flush

__all__ = ["views_flush"]
