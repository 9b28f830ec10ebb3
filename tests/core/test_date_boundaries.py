"""Every date a reader gives (API, web pages, command line) is checked at the door: a day
outside the calendar the record can reason about is a clear 400, never a 500."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

# The extremes of the calendar and just inside and outside them, plus shapes that are
# not dates at all.
EXTREMES = [
    "0001-01-01",
    "0001-01-31",
    "0001",
    "0001-01",
    "9999-12-31",
    "9999-12",
    "9999",
    "9998-12-31",
    "0000-01-01",
    "10000-01-01",
    "-0001-01-01",
    "2025-02-30",
    "2025-13-01",
    "９９９９-12-31",
]

API_DATE_URLS = [
    "/api/v1/diff?from={value}&to=2025-05-24",
    "/api/v1/diff?from=2025-05-18&to={value}",
    "/api/v1/diff?from={value}&to={value}",
    "/api/v1/orgchart?as_of={value}",
    "/api/v1/bodies?as_of={value}",
    "/api/v1/bodies/ec-jp?as_of={value}",
    "/api/v1/sessions?from={value}",
    "/api/v1/sessions?to={value}",
    "/api/v1/decisions?from={value}&to={value}",
]

WEB_DATE_URLS = [
    "/?as_of={value}",
    "/bodies/ec-jp/?as_of={value}",
    "/changes?to={value}",
    "/changes?from={value}",
    "/changes?from={value}&to={value}",
    "/commemorations/?as_of={value}",
    "/calendar/?month={value}",
]


@pytest.mark.parametrize("template", API_DATE_URLS)
def test_the_api_answers_every_extreme_date_with_a_result_or_a_clear_400(demo, client, template):
    for value in EXTREMES:
        response = client.get(template.format(value=value))
        assert response.status_code in (200, 400), (value, response.status_code)
        if response.status_code == 400:
            detail = response.json()["detail"]
            assert value in detail or "from" in detail or "to" in detail, detail


@pytest.mark.parametrize("template", WEB_DATE_URLS)
def test_the_web_pages_answer_every_extreme_date_with_a_page_or_a_clear_400(demo, client, template):
    for value in EXTREMES:
        response = client.get(template.format(value=value))
        assert response.status_code in (200, 400), (value, response.status_code)
        if response.status_code == 400:
            assert value in response.content.decode(), value


def test_the_diff_of_the_whole_calendar_says_which_days_it_can_read(demo, client):
    response = client.get("/api/v1/diff?from=0001-01-01&to=9999-12-31")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "from: “0001-01-01” is outside the days that can be looked at" in detail
    assert "from 0002-01-01 to 9998-12-31" in detail


def test_the_changes_page_for_the_last_day_of_the_calendar_explains_itself(demo, client):
    response = client.get("/changes?to=9999-12-31")

    assert response.status_code == 400
    assert "“9999-12-31” is outside the days that can be looked at" in response.content.decode()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "9999"])
def test_the_diff_command_refuses_days_at_the_ends_of_the_calendar(demo, value):
    with pytest.raises(CommandError, match=value):
        call_command("diff", "--from", value, "--to", value, stdout=io.StringIO())


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_orgchart_command_refuses_days_at_the_ends_of_the_calendar(demo, value):
    with pytest.raises(CommandError, match=value):
        call_command("orgchart", "--as-of", value, stdout=io.StringIO())
