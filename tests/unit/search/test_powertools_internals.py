"""What the API relies on in Powertools beyond its documented API, each checked on a small
resolver so a Powertools upgrade that changes it fails here, naming it, rather than as a
route that silently takes no parameters (docs/api.md, "Powertools version")."""

from __future__ import annotations

import inspect
import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from archive_local.lambda_events import LambdaContext, http_api_event
from archive_search.errors import InvalidRequest
from archive_search.search.api import ArchiveApi, app
from archive_search.search.http import reject_unknown_parameters

pytestmark = pytest.mark.unit

CONTEXT = LambdaContext("archive-search-search", timeout_seconds=29)
SIGNATURE = (
    "Powertools no longer reads a route's parameters with inspect.signature (which honours a "
    "function's __signature__): /search and /feed (search/routes.py, search/web_routes.py) "
    "would lose theirs"
)


def _answer(word: Annotated[str | None, Query(alias="w", max_length=3)] = None) -> dict[str, Any]:
    return {"word": word}


def _resolver() -> APIGatewayHttpResolver:
    resolver = APIGatewayHttpResolver(enable_validation=True)

    def route(**arguments: Any) -> dict[str, Any]:
        return _answer(**arguments)

    route.__signature__ = inspect.signature(_answer, eval_str=True)  # type: ignore[attr-defined]
    resolver.get("/answer", middlewares=[reject_unknown_parameters])(route)
    return resolver


def test_a_route_takes_the_parameters_its_signature_protocol_declares() -> None:
    resolver = _resolver()

    valid = resolver.resolve(http_api_event("GET", "/answer", "w=abc"), CONTEXT)
    too_long = resolver.resolve(http_api_event("GET", "/answer", "w=abcd"), CONTEXT)

    assert valid["statusCode"] == 200 and json.loads(valid["body"]) == {"word": "abc"}, SIGNATURE
    assert too_long["statusCode"] == 422, SIGNATURE
    parameters = resolver.get_openapi_schema().paths["/answer"].get.parameters  # type: ignore[index,union-attr]
    assert [parameter.name for parameter in parameters or []] == ["w"], SIGNATURE


def test_the_matched_route_and_its_query_parameters_are_in_the_resolver_context() -> None:
    # reject_unknown_parameters reads app.context["_route"].dependant.query_params.
    internal = (
        'Powertools no longer puts the matched Route in app.context["_route"], or its '
        "dependant.query_params changed: search/http.py reject_unknown_parameters"
    )
    with pytest.raises(Exception) as raised:
        _resolver().resolve(http_api_event("GET", "/answer", "word=abc"), CONTEXT)

    assert isinstance(raised.value, InvalidRequest), f"{internal}: {raised.value!r}"
    assert raised.value.parameter == "word" and raised.value.message.endswith("(this endpoint takes: w)")


def test_the_resolver_route_table_answers_which_methods_a_path_has() -> None:
    # ArchiveApi.allowed_methods reads the resolver's _static_routes and _dynamic_routes.
    assert hasattr(app, "_static_routes") and hasattr(app, "_dynamic_routes"), (
        "Powertools' resolver no longer has _static_routes/_dynamic_routes: "
        "search/api.py ArchiveApi.allowed_methods (405 with Allow)"
    )
    assert app.allowed_methods("/articles/abc") == ["DELETE", "GET", "HEAD"]
    assert app.allowed_methods("/search") == ["GET", "HEAD"]
    assert isinstance(app, ArchiveApi)
