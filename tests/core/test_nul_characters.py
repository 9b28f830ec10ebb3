"""NUL characters, which PostgreSQL cannot store, are refused at the door with a 400."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("demo")


def test_it_refuses_a_nul_in_an_api_query_parameter_with_json(client):
    response = client.get("/api/v1/tasks?person=%00")
    assert response.status_code == 400
    assert "person" in response.json()["detail"]


def test_it_refuses_a_nul_in_a_page_query_parameter(client):
    response = client.get("/people/?q=a%00b")
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_it_refuses_a_nul_inside_a_json_body(client):
    response = client.post(
        "/api/v1/people", data='{"id": "x", "name": "a\\u0000b"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_it_serves_ordinary_parameters_as_before(client):
    assert client.get("/api/v1/tasks?person=irina-volkova").status_code == 200


def test_it_refuses_a_nul_in_the_path_of_a_page(client):
    response = client.get("/people/a%00b/")
    assert response.status_code == 400
    assert b"NUL" in response.content
