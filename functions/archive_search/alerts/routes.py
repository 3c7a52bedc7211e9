"""``/alerts``: save a search, list, read and delete saved searches (a Router the API includes).

In AWS these are write routes: the HTTP API requires the ``archive/write`` scope for POST and
DELETE in JWT mode, and IAM (SigV4) in IAM mode (template.yaml). The read routes show a
webhook's full URL only to a caller that may write alerts (``shown``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from archive_search.adapters.alert_index import AlertIndex
from archive_search.adapters.opensearch import cached_engine
from archive_search.alerts.bounds import MAX_ALERT_BODY_BYTES, MAX_ALERTS, MAX_PAGE_SIZE
from archive_search.alerts.model import (
    AlertCreatedResponse,
    AlertListResponse,
    AlertRequest,
    AlertResponse,
    WebhookSecretResponse,
    alert_request,
)
from archive_search.alerts.shown import may_write_alerts, shown
from archive_search.alerts.signing import ROTATION_GRACE_SECONDS, webhook_secret_id
from archive_search.alerts.store import AlertStore
from archive_search.search.http import (
    IDEMPOTENCY_KEY_HEADER,
    base_path,
    documented,
    error_responses,
    idempotency_key,
    json_response,
    ok_response,
    reject_body,
    reject_unknown_parameters,
)
from archive_search.settings import Settings, get_settings

router = Router()


# Route functions carry no return annotation (Powertools would read it as the response model).
ALERT_ID_DOC = "Alert id (as POST /alerts returned it)"


@lru_cache(maxsize=4)
def _store(settings: Settings) -> AlertStore:
    # One per execution environment: AlertIndex remembers that the alerts index exists.
    return AlertStore(AlertIndex(cached_engine(settings)), stack_secret=_stack_secret)


def _stack_secret() -> bytes:
    # Cached per execution environment (adapters/secrets.py); only the write routes read it, so
    # boto3 loads when one does, not at every search function's cold start.
    from archive_search.adapters.secrets import secret_bytes

    return secret_bytes(webhook_secret_id())


def store() -> AlertStore:
    return _store(get_settings())


def _on_stage(alert: dict[str, Any], *, full_url: bool) -> dict[str, Any]:
    # feed_url is a path on the API: behind a named stage it starts with the stage.
    alert = {**alert, "feed_url": base_path(router.current_event) + alert["feed_url"]}
    return shown(alert, full=full_url)


def _full_urls() -> bool:
    # A webhook URL is often a bearer secret: read in full only by a caller that may write alerts.
    return may_write_alerts(router.current_event.raw_event)


@router.post(
    "/alerts",
    summary="Save a search as an alert",
    description=(
        "The search parameters as /search takes them, a name and a target: event (an Alert Matched "
        "event on the bus, the default), webhook (the event carries webhook_url) or feed (nothing is "
        f"pushed; read feed_url). A JSON body of at most {MAX_ALERT_BODY_BYTES:,} bytes. 201 with the alert. "
        "An Idempotency-Key header makes a retry return the alert it saved (409 for another alert). "
        "A webhook alert's answer, and only it, holds webhook_secret, the key its deliveries are signed with."
    ),
    middlewares=[reject_unknown_parameters],
    # The body is read by alert_request (bounded, JSON only), not by Powertools' validation,
    # which would also parse form and multipart bodies; the document still states its schema
    # (built with the document, search/http.py ``documented``).
    openapi_extensions=documented(
        lambda: {
            "responses": {
                **ok_response(
                    AlertCreatedResponse,
                    "The saved alert (again, for a retry with its Idempotency-Key)",
                    status=201,
                ),
                **error_responses(409, 415),
            },
            "parameters": [IDEMPOTENCY_KEY_HEADER],
            "openapi_extensions": {
                "requestBody": {
                    "required": True,
                    "content": {
                        content_types.APPLICATION_JSON: {
                            "schema": AlertRequest.model_json_schema(by_alias=True)
                        }
                    },
                }
            },
        }
    ),
)
def create_alert():
    # A bad body or key is refused before the engine is reached.
    request = alert_request(router.current_event)
    # Its creator (and any retry of the request, which holds the URL) sees the URL in full.
    created = _on_stage(store().create(request, idempotency_key(router.current_event.headers)), full_url=True)
    # json_response: no-store, as the answer may hold a webhook secret.
    return json_response(
        201, created, {"Location": f"{base_path(router.current_event)}/alerts/{created['id']}"}
    )


@router.get(
    "/alerts",
    summary="The saved alerts, oldest first, a page at a time",
    responses=ok_response(AlertListResponse, "The alerts"),
    middlewares=[reject_unknown_parameters],
)
def list_alerts(
    page: Annotated[int, Query(ge=1, le=MAX_ALERTS, description="Page number")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Alerts per page")] = MAX_PAGE_SIZE,
):
    listed = store().page(page, size)
    full_url = _full_urls()
    return json_response(
        200, {**listed, "alerts": [_on_stage(a, full_url=full_url) for a in listed["alerts"]]}
    )


@router.get(
    "/alerts/<alert_id>",
    summary="One alert",
    responses=ok_response(AlertResponse, "The alert"),
    middlewares=[reject_unknown_parameters],
)
def get_alert(alert_id: Annotated[str, Path(description=ALERT_ID_DOC)]):
    return _on_stage(store().get(alert_id), full_url=_full_urls())


@router.delete(
    "/alerts/<alert_id>",
    summary="Delete an alert (it stops firing at once)",
    openapi_extensions=documented(lambda: {"responses": {204: {"description": "Deleted"}}}),
    middlewares=[reject_unknown_parameters, reject_body],
)
def delete_alert(alert_id: Annotated[str, Path(description=ALERT_ID_DOC)]):
    store().delete(alert_id)
    return Response(status_code=204, content_type=content_types.APPLICATION_JSON, body="")


@router.post(
    "/alerts/<alert_id>/webhook-secret",
    summary="Rotate a webhook alert's signing secret",
    description=(
        "A new secret signs the alert's deliveries from now on; for "
        f"{ROTATION_GRACE_SECONDS // 3600} hours they are also signed with the previous one (two v1 "
        "in X-Archive-Search-Signature). 409 for an alert whose target is not webhook."
    ),
    openapi_extensions=documented(
        lambda: {
            "responses": {**ok_response(WebhookSecretResponse, "The new secret"), **error_responses(409)}
        }
    ),
    middlewares=[reject_unknown_parameters, reject_body],
)
def rotate_webhook_secret(alert_id: Annotated[str, Path(description=ALERT_ID_DOC)]):
    return json_response(200, store().rotate_webhook_secret(alert_id))
