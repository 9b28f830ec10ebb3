from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def organization(request: HttpRequest) -> dict[str, Any]:
    """Put the organization (or None) into every template."""
    from chapterhouse.registry.models import Organization

    return {"organization": Organization.objects.first()}
