"""The OpenAPI document, the docs page, and the errors every endpoint answers with."""

from __future__ import annotations

import re

import pytest

ENDPOINTS = [
    "/organization",
    "/bodies",
    "/bodies/{id}",
    "/people",
    "/people/{id}",
    "/people/{id}/history",
    "/conferences",
    "/conferences/{id}",
    "/sessions",
    "/sessions/{id}",
    "/decisions",
    "/decisions/{id}",
    "/partners",
    "/partners/{id}",
    "/agreements",
    "/agreements/{id}",
    "/honours",
    "/honours/{id}",
    "/tasks",
    "/tasks/{id}",
    "/orgchart",
    "/orgchart/stream",
    "/diff",
]


# -- the OpenAPI document and the docs page ------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_document_lists_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()

    assert document["info"]["title"] == "Chapterhouse API"
    assert document["info"]["version"] == "1"
    assert sorted(document["paths"]) == sorted(f"/api/v1{path}" for path in ENDPOINTS)
    writes = {  # api/writes.py and others: the only operations that change the record
        "/api/v1/sessions": {"get", "post"},
        "/api/v1/sessions/{id}": {"get", "patch"},
        "/api/v1/decisions": {"get", "post"},
        "/api/v1/decisions/{id}": {"get", "patch"},
        "/api/v1/people": {"get", "post"},
        "/api/v1/people/{id}": {"get", "patch"},
        "/api/v1/conferences": {"get", "post"},
        "/api/v1/conferences/{id}": {"get", "patch"},
        # api/relations_writes.py
        "/api/v1/partners": {"get", "post"},
        "/api/v1/partners/{id}": {"get", "patch"},
        "/api/v1/honours": {"get", "post"},
        "/api/v1/honours/{id}": {"get", "patch"},
        "/api/v1/agreements": {"get", "post"},
        "/api/v1/agreements/{id}": {"get", "patch"},
        "/api/v1/tasks": {"get", "post"},
        "/api/v1/tasks/{id}": {"get", "patch"},
    }
    for path, operations in document["paths"].items():
        assert set(operations) == writes.get(path, {"get"}), path


@pytest.mark.django_db
def test_the_openapi_document_describes_the_responses_and_errors(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    body = document["paths"]["/api/v1/bodies/{id}"]["get"]
    assert body["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BodyOut"
    }
    assert "404" in body["responses"] and "400" in body["responses"]
    # A Text is a string or an object of strings by language.
    name = schemas["BodyOut"]["properties"]["name"]
    assert {"type": "string"} in name["anyOf"]
    assert {"additionalProperties": {"type": "string"}, "type": "object"} in name["anyOf"]
    # Keys that are Python keywords keep their JSON names.
    assert "from" in schemas["DiffOut"]["properties"]
    assert "personal" in schemas["PersonOut"]["properties"]
    parameters = {p["name"] for p in document["paths"]["/api/v1/diff"]["get"]["parameters"]}
    # Paging was added beside them (issue 15; docs/decisions/0034): all optional.
    assert parameters == {"from", "to", "limit", "cursor", "kind"}
    assert "counts" in schemas["DiffOut"]["properties"]
    assert "next" in schemas["DiffOut"]["properties"]


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_another_host(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Chapterhouse API" in page
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, re.IGNORECASE)
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(references) == 4
    for reference in references:
        assert reference.startswith("/api/v1/docs/files/")
        assert client.get(reference).status_code == 200
    init = b"".join(client.get("/api/v1/docs/files/swagger-ui-init.js").streaming_content)
    assert b"http" not in init


@pytest.mark.django_db
def test_the_docs_page_points_swagger_at_the_openapi_document(client):
    page = client.get("/api/v1/docs").content.decode()

    assert '"url": "/api/v1/openapi.json"' in page
    assert '"validatorUrl": null' in page


@pytest.mark.django_db
def test_it_serves_no_other_file_than_swagger_ui(client):
    assert client.get("/api/v1/docs/files/settings.py").status_code == 404


# -- errors --------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/bodies/nowhere", "No body with id 'nowhere'"),
        ("/api/v1/people/nobody", "No person with id 'nobody'"),
        ("/api/v1/people/nobody/history", "No person with id 'nobody'"),
        ("/api/v1/conferences/gc-99", "No conference with id 'gc-99'"),
        ("/api/v1/sessions/x", "No session with id 'x'"),
        ("/api/v1/decisions/x", "No decision with id 'x'"),
        ("/api/v1/partners/x", "No partner with id 'x'"),
        ("/api/v1/agreements/x", "No agreement with id 'x'"),
        ("/api/v1/honours/x", "No honour with id 'x'"),
        ("/api/v1/tasks/x", "No task with id 'x'"),
        ("/api/v1/orgchart?body=nowhere", "No body with id 'nowhere'"),
    ],
)
def test_it_answers_an_unknown_id_with_a_404_naming_it(client, url, detail):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": detail}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/api/v1/orgchart?as_of=2025-13-01", ["as_of", "2025-13-01", "YYYY-MM-DD"]),
        ("/api/v1/orgchart?as_of=2025-02-30", ["as_of", "2025-02-30"]),
        ("/api/v1/orgchart?as_of=yesterday", ["as_of", "yesterday"]),
        ("/api/v1/bodies?as_of=2025-5-1", ["as_of", "2025-5-1"]),
        ("/api/v1/bodies/council?as_of=20250519", ["as_of", "20250519"]),
        ("/api/v1/diff?from=2025-06-01&to=2025-05-01", ["from", "2025-06-01", "to", "2025-05-01"]),
        ("/api/v1/diff?from=someday", ["from", "someday"]),
        ("/api/v1/diff", ["from"]),
        ("/api/v1/sessions?from=2025-05", ["from", "2025-05"]),
        ("/api/v1/decisions?to=tomorrow", ["to", "tomorrow"]),
        ("/api/v1/people?limit=100000", ["limit", "100000"]),
        ("/api/v1/people?offset=-1", ["offset", "-1"]),
        ("/api/v1/conferences?limit=many", ["limit", "many"]),
        ("/api/v1/decisions?status=maybe", ["status", "maybe"]),
        ("/api/v1/tasks?status=late", ["status", "late"]),
    ],
)
def test_it_answers_bad_input_with_a_400_naming_the_parameter_and_value(client, url, words):
    response = client.get(url)

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    for word in words:
        assert word in detail


@pytest.mark.django_db
def test_it_answers_a_path_that_is_no_endpoint_in_json(client):
    response = client.get("/api/v1/bodies/council/members")

    assert response.status_code == 404
    assert response.json() == {"detail": "No API endpoint at '/api/v1/bodies/council/members'"}


@pytest.mark.django_db
def test_it_answers_before_any_import_that_there_is_no_organization(client):
    response = client.get("/api/v1/organization")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.django_db
def test_it_refuses_to_change_anything(client):
    assert client.post("/api/v1/bodies").status_code == 405
    assert client.delete("/api/v1/people/irina-volkova").status_code == 405


@pytest.mark.usefixtures("demo")
def test_it_hides_an_unexpected_error_behind_a_json_500(client, monkeypatch, caplog):
    from chapterhouse.meetings import selectors

    def broken(**_arguments):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "conference_list", broken)

    response = client.get("/api/v1/conferences")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    assert "secret internals" not in response.content.decode()
    assert "secret internals" in caplog.text


@pytest.mark.usefixtures("demo")
def test_it_gives_error_messages_in_the_chosen_language(client):
    response = client.get("/api/v1/bodies/nowhere", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == "No body with id 'nowhere'"


@pytest.mark.django_db
def test_the_docs_describe_reading_and_writing_as_the_document_lists_both(client):
    document = client.get("/api/v1/openapi.json").json()
    description = document["info"]["description"]
    methods = {method for operations in document["paths"].values() for method in operations}

    assert {"get", "post", "patch"} <= methods
    assert "Read-only" not in description
    assert "**Reading** (GET)" in description
    assert "**Writing** (POST to record, PATCH to change)" in description
    assert "Authorization: Bearer" in description and "X-CSRFToken" in description
