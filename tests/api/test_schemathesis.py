"""Schemathesis drives every operation of the OpenAPI document: no 5xx, answers match the schema.

The operations come from the published document itself, so a new endpoint is
tested the day it appears. Each runs a bounded, derandomized number of
examples on the demo organization, once as an anonymous visitor and once as
an administrator signed in with a bearer token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from chapterhouse.api.main import api
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.services import token_create, user_add

pytestmark = pytest.mark.django_db

# The app is built at collection time, before the test settings; as behind a proxy,
# the header says the request came over HTTPS so it is not redirected there.
HTTPS = {"X-Forwarded-Proto": "https"}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
BOUNDED = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Keep the test's database connection open across requests, as Django's test client does.

    The WSGI handler closes connections when a request finishes; inside the
    test's transaction that would close it for good (on PostgreSQL).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(demo: None) -> str:
    """Return a bearer token of an organization administrator."""
    at = timezone.now()
    user = user_add(
        viewer=ADMIN,
        via="cli",
        email="fuzz-admin@chapterhouse.test",
        is_admin=True,
        on=dt.date(2000, 1, 1),
        at=at,
    )
    _token, secret = token_create(user=user, name="schemathesis", expires=None, at=at)
    return secret


def load_schema() -> Any:
    """Load the OpenAPI document the API publishes, and send its cases to the WSGI app."""
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    loaded.app = get_wsgi_application()
    # The coverage phase sends over a thousand boundary cases to each write; the
    # bounded fuzzing (and the schema's own examples) keep `make test` fast.
    loaded.config.phases.coverage.enabled = False
    return loaded


# Built from the API object rather than fetched at collection time, which may not
# touch the database; it is the same document /api/v1/openapi.json serves.
schema = load_schema()


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_an_anonymous_visitor_within_its_schema(
    case: Any, demo: None
) -> None:
    case.call_and_validate(headers=HTTPS, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_an_administrator_within_its_schema(
    case: Any, admin_token: str
) -> None:
    headers = {**HTTPS, "Authorization": f"Bearer {admin_token}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
