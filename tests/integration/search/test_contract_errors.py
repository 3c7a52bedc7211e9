"""The HTTP contract: one error shape, parameter validation as 400, 503 when the engine is
down, /health, the OpenAPI document and the interactive docs."""

from __future__ import annotations

import json

import pytest

from archive_search.settings import Settings
from tests.conftest import free_port
from tests.integration.search.support import SearchApi

pytestmark = pytest.mark.integration


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "parameter"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"sort": "random"}, "sort"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2024-13-01"}, "to"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, "from"),
        ({"has_date": "maybe"}, "has_date"),
        ({"facets": "source,colour"}, "facets"),
        ({"interval": "fortnight", "facets": "published"}, "interval"),
        ({"in": "url"}, "in"),
        ({"page": "0"}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
        ({"size": "-1"}, "size"),
        ({"collapse": "perhaps"}, "collapse"),
        ({"q": "x" * 501}, "q"),
        ({"q": " ".join(f"w{i}" for i in range(33))}, "q"),
        ({"q": "(" * 9 + "deep"}, "q"),
        ({"sourse": "Dawn"}, "sourse"),
        ({"cursor": "%%%"}, "cursor"),
    ],
)
def test_invalid_parameters_are_400_naming_the_parameter(
    corpus: SearchApi, query: dict, parameter: str
) -> None:
    response = corpus.get("/search", query)
    assert response.status == 400, response.text
    assert_error_shape(response.json, "invalid_parameter")
    assert response.error["parameter"] == parameter


@pytest.mark.parametrize(
    ("path", "raw_query", "parameter"),
    [
        ("/search", "q=ferry&q=strike", "q"),
        ("/search", "size=5&size=6", "size"),
        ("/facets/source", "prefix=a&prefix=b", "prefix"),
    ],
)
def test_a_one_value_parameter_given_twice_is_a_400_saying_so(
    corpus: SearchApi, path: str, raw_query: str, parameter: str
) -> None:
    response = corpus.get(path, raw_query)

    assert response.status == 400
    assert response.error["parameter"] == parameter
    assert response.error["message"] == f"{parameter}: given more than once; it takes one value"


@pytest.mark.parametrize(
    "raw_query",
    [
        "&".join(f"source=s{i}" for i in range(51)),
        "source=" + ",".join(f"s{i}" for i in range(51)),
    ],
)
def test_too_many_values_of_a_repeatable_filter_is_a_400_naming_the_bound(
    corpus: SearchApi, raw_query: str
) -> None:
    response = corpus.get("/search", raw_query)

    assert response.status == 400
    assert response.error["parameter"] == "source"
    assert "given more than once" not in response.error["message"]
    assert "50" in response.error["message"]


def test_unknown_parameters_are_rejected_on_every_route(corpus: SearchApi) -> None:
    for path in ("/articles/abc", "/articles/abc/similar", "/facets/source", "/health"):
        response = corpus.get(path, {"debug": "1"})
        assert response.status == 400, path
        assert response.error["parameter"] == "debug"


def test_a_parameter_without_a_name_is_a_400_saying_so(corpus: SearchApi) -> None:
    response = corpus.get("/search", "=x")
    assert response.status == 400
    assert response.error["message"].startswith("a parameter without a name")
    assert response.error["parameter"] is None


@pytest.mark.parametrize(
    ("raw", "parameter"),
    [
        ("q=%FF", "q"),
        ("source=Dawn&source=%C3", "source"),
        ("q=harbour&tag=%ED%A0%80", "tag"),
        ("%FF=1", None),
    ],
)
def test_a_query_string_that_is_not_utf8_is_a_400_naming_the_parameter(
    corpus: SearchApi, raw: str, parameter: str | None
) -> None:
    # Undecodable bytes would be read as U+FFFD: q=%FF searched everything, source=%FF matched nothing.
    response = corpus.get("/search", raw)
    assert response.status == 400
    assert response.error["parameter"] == parameter
    assert "UTF-8" in response.error["message"]


def test_unknown_route_is_a_404_in_the_error_shape(corpus: SearchApi) -> None:
    response = corpus.get("/admin")
    assert response.status == 404
    assert_error_shape(response.json, "not_found")


def test_responses_are_json_and_not_sniffable(corpus: SearchApi) -> None:
    response = corpus.get("/search", {"q": "goggles"})
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_health_reports_a_working_engine(corpus: SearchApi) -> None:
    response = corpus.get("/health")
    assert response.status == 200
    report = response.json
    assert report["status"] == "ok" and report["engine"]["status"] == "ok"
    assert report["ingest"] == {"status": "not_configured"}


def test_unreachable_engine_is_a_503_on_every_route(search_url: str) -> None:
    down = SearchApi(Settings.from_env({"OPENSEARCH_URL": f"http://127.0.0.1:{free_port()}"}))
    for path, query in [
        ("/search", {"q": "goggles", "facets": "source"}),
        ("/articles/abc", {}),
        ("/articles/abc/similar", {}),
        ("/facets/source", {"prefix": "d"}),
    ]:
        response = down.get(path, query)
        assert response.status == 503, (path, response.text)
        assert_error_shape(response.json, "search_unavailable")
        assert response.headers["Retry-After"].isdigit()
        assert "127.0.0.1" not in response.text  # no internals leak
    health = down.get("/health")
    assert health.status == 503 and health.json["status"] == "degraded"
    assert health.headers["Retry-After"].isdigit() and "127.0.0.1" not in health.text


def test_engine_requests_time_out_before_api_gateway_does(search_url: str) -> None:
    from archive_search.search.routes import MAX_ENGINE_TIMEOUT_MS

    assert MAX_ENGINE_TIMEOUT_MS < 30_000
    assert Settings.from_env({"OPENSEARCH_URL": search_url}).search_timeout_ms < 30_000


def test_openapi_document_describes_400_errors_not_422(corpus: SearchApi) -> None:
    response = corpus.get("/openapi.json")
    assert response.status == 200
    document = response.json
    assert "HTTPValidationError" not in json.dumps(document)
    assert set(document["paths"]) >= {
        "/search",
        "/articles/{article_id}",
        "/articles/{article_id}/similar",
        "/facets/{field}",
        "/health",
        "/ingest/status",
    }
    for path, item in document["paths"].items():
        for operation in item.values():
            assert "422" not in operation["responses"], path
            error = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorResponse"}
    search_params = {p["name"] for p in document["paths"]["/search"]["get"]["parameters"]}
    assert {"q", "in", "from", "to", "source", "facets", "cursor", "fields", "collapse"} <= search_params


def test_interactive_docs_are_served_without_internet(corpus: SearchApi) -> None:
    response = corpus.get("/docs")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "swagger" in response.text.lower()
    assert "cdn" not in response.text.lower()


def test_error_messages_quote_the_request_as_plain_text(corpus: SearchApi) -> None:
    for path, query, quoted in [
        ("/articles/<img src=x it's&>", {}, "<img src=x it's&>"),
        ("/search", "<img src='x'>=1", "<img src"),
        ("/search", {"sort": "it's"}, "'relevance'"),
        ("/ingest/status", {"key": "<script>&.txt"}, None),
    ]:
        response = corpus.get(path, query)
        assert 400 <= response.status < 500, response.text
        assert "&lt;" not in response.text and "&#x27;" not in response.text, response.text
        if quoted:
            assert quoted in response.error["message"], response.text


def test_filter_value_count_and_length_are_bounded(corpus: SearchApi) -> None:
    too_many = corpus.get("/search", [("source", f"s{i}") for i in range(51)])
    assert too_many.status == 400 and too_many.error["parameter"] == "source"
    too_long = corpus.get("/search", {"tag": "x" * 257})
    assert too_long.status == 400 and too_long.error["parameter"] == "tag"


def test_documents_carry_the_same_safety_headers_as_every_route(corpus: SearchApi) -> None:
    expected = corpus.get("/search", {"q": "goggles"}).headers
    for path, query in [
        ("/openapi.json", {}),
        ("/docs", {}),
        ("/health", {}),
        ("/nope", {}),
        ("/ingest/status", {"key": "inbox/none.txt"}),
    ]:
        headers = corpus.get(path, query).headers
        for name in ("X-Content-Type-Options", "Cache-Control"):
            assert headers.get(name) == expected[name], (path, name, headers)
