"""POST/GET/DELETE /alerts through the real handler: stored in the engine, validated, bounded."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from archive_local.lambda_events import http_api_event
from archive_search.alerts.bounds import MAX_ALERT_BODY_BYTES, MAX_NAME_CHARS
from archive_search.alerts.routes import _store
from archive_search.alerts.signing import webhook_secret
from archive_search.errors import Conflict
from archive_search.search.syntax import MAX_QUERY_CHARS
from tests.events import load_event
from tests.integration.alerts.conftest import STACK_SECRET, AlertsApi
from tests.integration.search.support import invoke
from tests.integration.write.test_answers_documented import _assert_documented, _document

pytestmark = pytest.mark.integration

FERRY = {"name": "Ferry strikes", "q": "ferry strike", "source": ["Harbour Gazette"], "from": "2024-01-01"}


def test_a_saved_alert_is_returned_listed_read_and_deleted(alerts_api: AlertsApi) -> None:
    created = alerts_api.call("POST", "/alerts", FERRY)
    assert created.status == 201, created.text
    alert = created.json
    assert len(alert["id"]) == 32 and created.headers["Location"] == f"/alerts/{alert['id']}"
    assert (alert["name"], alert["target"], alert["webhook_url"]) == ("Ferry strikes", "event", None)
    assert alert["search"] == {"q": "ferry strike", "source": ["Harbour Gazette"], "from": "2024-01-01"}
    assert (
        alert["feed_url"]
        == "/feed?q=ferry+strike&source=Harbour+Gazette&from=2024-01-01&format=atom&order=indexed"
    )

    listed = alerts_api.call("GET", "/alerts")
    assert listed.status == 200 and listed.json == {"total": 1, "alerts": [alert]}
    one = alerts_api.call("GET", f"/alerts/{alert['id']}")
    assert one.status == 200 and one.json == alert

    assert alerts_api.call("DELETE", f"/alerts/{alert['id']}").status == 204
    assert alerts_api.call("GET", f"/alerts/{alert['id']}").status == 404
    assert alerts_api.call("DELETE", f"/alerts/{alert['id']}").status == 404
    assert alerts_api.call("GET", "/alerts").json == {"total": 0, "alerts": []}


def test_an_alerts_links_keep_the_api_gateway_stage_it_was_saved_through(alerts_api: AlertsApi) -> None:
    # Behind a named stage the API lives under /prod: "/feed?..." would lead out of it.
    def on_stage(method: str, path: str, body: Any = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        event = http_api_event(method, f"/prod{path}", "", {"content-type": "application/json"}, data)
        event["requestContext"]["stage"] = "prod"
        return invoke(alerts_api.env, event)

    created = on_stage("POST", "/alerts", FERRY)
    alert = json.loads(created["body"])
    assert created["headers"]["Location"] == f"/prod/alerts/{alert['id']}"
    assert alert["feed_url"].startswith("/prod/feed?q=ferry+strike&")
    assert json.loads(on_stage("GET", f"/alerts/{alert['id']}")["body"])["feed_url"] == alert["feed_url"]
    assert json.loads(on_stage("GET", "/alerts")["body"])["alerts"] == [alert]
    assert alerts_api.call("GET", f"/alerts/{alert['id']}").json["feed_url"].startswith("/feed?")


def test_alerts_survive_a_cold_start_because_the_engine_stores_them(alerts_api: AlertsApi) -> None:
    alert = alerts_api.call("POST", "/alerts", {**FERRY, "target": "feed"}).json
    _store.cache_clear()  # a new execution environment
    assert alerts_api.call("GET", f"/alerts/{alert['id']}").json["target"] == "feed"


HOOK = {**FERRY, "target": "webhook", "webhook_url": "https://hooks.example/archive"}


def test_a_webhook_alert_keeps_its_url(alerts_api: AlertsApi) -> None:
    created = alerts_api.call("POST", "/alerts", HOOK)
    assert created.status == 201 and created.json["webhook_url"] == "https://hooks.example/archive"


def test_a_webhook_alerts_secret_is_in_its_create_answer_only(alerts_api: AlertsApi) -> None:
    created = alerts_api.call("POST", "/alerts", HOOK)
    alert = created.json
    # Derived from the stack secret in Secrets Manager, the alert's id and generation 0.
    assert alert["webhook_secret"] == webhook_secret(STACK_SECRET.encode(), alert["id"], 0)
    assert created.headers["Cache-Control"] == "no-store"
    shown = {key: value for key, value in alert.items() if key != "webhook_secret"}
    assert alerts_api.call("GET", f"/alerts/{alert['id']}").json == shown
    assert alerts_api.call("GET", "/alerts").json["alerts"] == [shown]
    assert "webhook_secret" not in alerts_api.call("POST", "/alerts", FERRY).json


def test_a_retried_webhook_create_shows_the_same_secret(alerts_api: AlertsApi) -> None:
    key = {"Idempotency-Key": "hook-1"}
    first = alerts_api.call("POST", "/alerts", HOOK, headers=key).json
    again = alerts_api.call("POST", "/alerts", HOOK, headers=key).json
    assert again == first and first["webhook_secret"].startswith("whsec_")


def test_rotating_a_webhook_secret_answers_a_new_one_that_later_creates_retries_show(
    alerts_api: AlertsApi,
) -> None:
    key = {"Idempotency-Key": "hook-2"}
    alert = alerts_api.call("POST", "/alerts", HOOK, headers=key).json

    rotated = alerts_api.call("POST", f"/alerts/{alert['id']}/webhook-secret")

    assert rotated.status == 200, rotated.text
    assert rotated.json["id"] == alert["id"] and rotated.headers["Cache-Control"] == "no-store"
    assert rotated.json["webhook_secret"] == webhook_secret(STACK_SECRET.encode(), alert["id"], 1)
    assert rotated.json["previous_secret_until"] > alert["created_at"]
    assert "webhook_secret" not in alerts_api.call("GET", f"/alerts/{alert['id']}").json
    again = alerts_api.call("POST", "/alerts", HOOK, headers=key).json
    assert again["webhook_secret"] == rotated.json["webhook_secret"]


def test_rotating_the_secret_of_an_alert_that_is_not_a_webhook_or_not_there_is_refused(
    alerts_api: AlertsApi,
) -> None:
    alert = alerts_api.call("POST", "/alerts", FERRY).json
    refused = alerts_api.call("POST", f"/alerts/{alert['id']}/webhook-secret")
    assert refused.status == 409 and refused.error["parameter"] == "target", refused.text
    assert alerts_api.call("POST", f"/alerts/{'0' * 32}/webhook-secret").status == 404
    assert alerts_api.call("POST", f"/alerts/{alert['id']}/webhook-secret?force=1").status == 400


@pytest.mark.parametrize("method, suffix", [("POST", "/webhook-secret"), ("DELETE", "")])
def test_a_route_that_takes_no_body_refuses_one_naming_it(
    alerts_api: AlertsApi, method: str, suffix: str
) -> None:
    alert = alerts_api.call("POST", "/alerts", HOOK).json
    path = f"/alerts/{alert['id']}{suffix}"
    for body in (b'{"secret": "mine"}', b" "):
        refused = alerts_api.call(method, path, raw=body)
        assert refused.status == 400 and refused.error["parameter"] == "body", refused.text
        assert refused.error["message"].startswith("this request takes no body"), refused.text
    assert alerts_api.call(method, path, raw=b"").status in (200, 204)  # an empty body is none


HOOK_URL = "https://hooks.example:8443/services/T000/B000?token=s3cret"


def _authorizer(name: str, **claims: str) -> dict[str, Any]:
    authorizer = load_event(name)["requestContext"]["authorizer"]
    if claims:
        authorizer["jwt"]["claims"].update(claims)
    return authorizer


READ_TOKEN = _authorizer("http_api_v2_alerts_jwt")  # scope archive/read
WRITE_TOKEN = _authorizer("http_api_v2_alerts_jwt", scope="archive/read archive/write")
IAM = _authorizer("http_api_v2_search_iam")


def _read_routes(
    alerts_api: AlertsApi, alert_id: str, authorizer: dict[str, Any] | None
) -> list[dict[str, Any]]:
    listed = alerts_api.call("GET", "/alerts", authorizer=authorizer)
    one = alerts_api.call("GET", f"/alerts/{alert_id}", authorizer=authorizer)
    assert listed.status == one.status == 200, (listed.text, one.text)
    return [listed.json["alerts"][0], one.json]


@pytest.mark.parametrize("authorizer", [READ_TOKEN, IAM], ids=["jwt-without-archive-write", "iam"])
def test_a_reader_sees_a_webhooks_host_and_fingerprint_never_its_secret(
    alerts_api: AlertsApi, authorizer: dict[str, Any]
) -> None:
    created = alerts_api.call("POST", "/alerts", {**FERRY, "target": "webhook", "webhook_url": HOOK_URL})
    assert created.status == 201, created.text
    assert created.json["webhook_url"] == HOOK_URL  # its creator sees it all

    for alert in _read_routes(alerts_api, created.json["id"], authorizer):
        assert alert["webhook_url"] == "https://hooks.example:8443/…"
        assert alert["webhook_url_sha256"] == hashlib.sha256(HOOK_URL.encode()).hexdigest()[:12]
        assert alert["webhook_url_sha256"] == created.json["webhook_url_sha256"]
        assert "s3cret" not in json.dumps(alert) and "T000" not in json.dumps(alert)


@pytest.mark.parametrize("authorizer", [WRITE_TOKEN, None], ids=["jwt-with-archive-write", "make-run"])
def test_a_caller_that_may_write_alerts_sees_the_full_webhook_url(
    alerts_api: AlertsApi, authorizer: dict[str, Any] | None
) -> None:
    created = alerts_api.call("POST", "/alerts", {**FERRY, "target": "webhook", "webhook_url": HOOK_URL}).json

    read = {key: value for key, value in created.items() if key != "webhook_secret"}
    assert _read_routes(alerts_api, created["id"], authorizer) == [read, read]
    assert created["webhook_url"] == HOOK_URL


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"q": "ferry"}, "name"),
        ({**FERRY, "name": " "}, "name"),
        # Nothing a person can read in a list or an event: controls, invisible characters.
        ({**FERRY, "name": "\u0000"}, "name"),
        ({**FERRY, "name": "\u200b\u0007\u2028"}, "name"),
        ({**FERRY, "name": "n" * (MAX_NAME_CHARS + 1)}, "name"),
        ({**FERRY, "q": "ferry " * MAX_QUERY_CHARS}, "q"),
        ({"name": "everything"}, "q"),
        # A q without a word to match matches every article, as no q does.
        ({"name": "brackets", "q": "((("}, "q"),
        ({"name": "a star", "q": "*"}, "q"),
        ({"name": "an operator", "q": "NOT"}, "q"),
        ({"name": "all but sport", "q": "-sport"}, "q"),
        ({**FERRY, "target": "sms"}, "target"),
        ({**FERRY, "target": "webhook"}, "webhook_url"),
        ({**FERRY, "target": "webhook", "webhook_url": "http://hooks.example/x"}, "webhook_url"),
        ({**FERRY, "webhook_url": "https://hooks.example/x"}, "webhook_url"),
        # Not URLs a relay could call: a space in the host, a line break, a port past 65535.
        ({**FERRY, "target": "webhook", "webhook_url": "https://hooks example/x"}, "webhook_url"),
        ({**FERRY, "target": "webhook", "webhook_url": "https://hooks.example/x\nHost: y"}, "webhook_url"),
        ({**FERRY, "target": "webhook", "webhook_url": "https://hooks.example:99999/x"}, "webhook_url"),
        ({**FERRY, "from": "2024-02-30"}, "from"),
        ({**FERRY, "from": "yesterday"}, "from"),
        ({**FERRY, "from": "2024-03-01", "to": "2024-02-01"}, "from"),
        ({**FERRY, "source": ["x"] * 51}, "source"),
        ({**FERRY, "in": "headline"}, "in"),
        ({**FERRY, "sort": "newest"}, "sort"),
    ],
)
def test_a_bad_alert_is_refused_with_a_400_naming_the_field(
    alerts_api: AlertsApi, body: dict, parameter: str
) -> None:
    answer = alerts_api.call("POST", "/alerts", body)
    assert answer.status == 400, answer.text
    assert answer.error["parameter"] == parameter, answer.error
    assert alerts_api.call("GET", "/alerts").json["total"] == 0


def test_exclusions_beside_a_filter_make_an_alert(alerts_api: AlertsApi) -> None:
    answer = alerts_api.call("POST", "/alerts", {"name": "Dawn, no sport", "q": "-sport", "source": ["Dawn"]})
    assert answer.status == 201, answer.text
    assert answer.json["search"] == {"q": "-sport", "source": ["Dawn"]}


def test_a_body_that_is_not_json_is_a_400(alerts_api: AlertsApi) -> None:
    answer = alerts_api.call("POST", "/alerts", raw=b'{"name": ')
    assert answer.status == 400 and answer.error["code"] == "invalid_parameter"


def test_an_unknown_alert_id_is_a_404_without_asking_the_engine(alerts_api: AlertsApi) -> None:
    answer = alerts_api.call("GET", "/alerts/not-an-id")
    assert answer.status == 404 and answer.error["code"] == "not_found"


def test_the_number_of_alerts_is_bounded(alerts_api: AlertsApi, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(alerts_api.settings)
    monkeypatch.setattr(store, "max_alerts", 2)
    monkeypatch.setattr("archive_search.alerts.routes.store", lambda: store)
    assert [alerts_api.call("POST", "/alerts", FERRY).status for _ in range(3)] == [201, 201, 400]
    assert alerts_api.call("GET", "/alerts").json["total"] == 2


@pytest.mark.parametrize(
    ("raw", "parameter"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "body"),  # nesting past the JSON parser's recursion limit
        (b'{"name": "x", "q": "' + b"a" * (MAX_ALERT_BODY_BYTES) + b'"}', "body"),  # over the bound
        (b'["not", "an", "object"]', "body"),
        # A field given twice: which one counts is not the client's guess to make.
        (b'{"name": "x", "q": "ferry", "q": "storm"}', "q"),
    ],
)
def test_a_hostile_body_is_a_400_before_anything_is_stored(
    alerts_api: AlertsApi, raw: bytes, parameter: str
) -> None:
    answer = alerts_api.call("POST", "/alerts", raw=raw)
    assert answer.status == 400 and answer.error["parameter"] == parameter, answer.text
    assert alerts_api.call("GET", "/alerts").json["total"] == 0


def test_a_body_that_is_not_json_by_its_content_type_is_a_415(alerts_api: AlertsApi) -> None:
    answer = alerts_api.call(
        "POST", "/alerts", raw=b"name=x&q=ferry", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status == 415 and answer.error["code"] == "unsupported_media_type"


def test_alerts_are_listed_a_page_at_a_time_oldest_first(alerts_api: AlertsApi) -> None:
    ids = [alerts_api.call("POST", "/alerts", {**FERRY, "name": f"alert {n}"}).json["id"] for n in range(5)]
    pages = [alerts_api.call("GET", f"/alerts?size=2&page={page}").json for page in (1, 2, 3)]
    listed = [alert for page in pages for alert in page["alerts"]]
    assert [page["total"] for page in pages] == [5, 5, 5] and [len(p["alerts"]) for p in pages] == [2, 2, 1]
    assert sorted(a["id"] for a in listed) == sorted(ids)
    created = [a["created_at"] for a in listed]
    assert created == sorted(created)  # oldest first (ties in a millisecond by id)
    assert alerts_api.call("GET", "/alerts?size=51").error["parameter"] == "size"
    assert alerts_api.call("GET", "/alerts?sise=2").error["parameter"] == "sise"


def test_an_alert_whose_search_is_too_large_to_keep_is_refused(alerts_api: AlertsApi) -> None:
    body = {**FERRY, "author": ["a" * 200 + str(n) for n in range(50)]}  # 50 values under each bound
    answer = alerts_api.call("POST", "/alerts", body)
    assert answer.status == 400 and answer.error["parameter"] == "author", answer.text


def test_a_retry_with_the_same_idempotency_key_returns_the_alert_it_saved(alerts_api: AlertsApi) -> None:
    # A client whose POST timed out sends it again: one alert, not two firing for every match.
    key = {"Idempotency-Key": "alert-ferry-1"}
    first = alerts_api.call("POST", "/alerts", FERRY, headers=key)
    again = alerts_api.call("POST", "/alerts", FERRY, headers=key)

    assert (first.status, again.status) == (201, 201), again.text
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert alerts_api.call("GET", "/alerts").json["total"] == 1


def test_an_idempotency_key_reused_for_another_alert_is_a_409(alerts_api: AlertsApi) -> None:
    key = {"Idempotency-Key": "alert-ferry-2"}
    alerts_api.call("POST", "/alerts", FERRY, headers=key)

    answer = alerts_api.call("POST", "/alerts", {**FERRY, "name": "Ferry strikes, renamed"}, headers=key)

    assert answer.status == 409 and answer.error["parameter"] == "Idempotency-Key", answer.text
    assert alerts_api.call("GET", "/alerts").json["total"] == 1


def test_an_idempotency_key_that_is_not_one_is_a_400_naming_it(alerts_api: AlertsApi) -> None:
    answer = alerts_api.call("POST", "/alerts", FERRY, headers={"Idempotency-Key": "two words"})

    assert answer.status == 400 and answer.error["parameter"] == "Idempotency-Key", answer.text
    assert alerts_api.call("GET", "/alerts").json["total"] == 0


def test_alerts_saved_in_one_millisecond_are_paged_each_once_in_id_order(
    alerts_api: AlertsApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """created_at ties are broken by a keyword field the mapping has (never _id, which a real
    cluster may refuse to sort on), so pages neither repeat nor skip an alert."""
    from datetime import UTC, datetime

    import archive_search.alerts.store as store_module

    class OneInstant(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def]
            return datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)

    monkeypatch.setattr(store_module, "datetime", OneInstant)
    ids = [alerts_api.call("POST", "/alerts", {**FERRY, "name": f"alert {n}"}).json["id"] for n in range(4)]

    pages = [alerts_api.call("GET", f"/alerts?size=1&page={page}").json["alerts"] for page in (1, 2, 3, 4)]

    assert [alert["id"] for page in pages for alert in page] == sorted(ids)


def test_an_alerts_index_made_before_the_sort_field_is_migrated_on_the_first_save(
    alerts_api: AlertsApi,
) -> None:
    """An index created by an earlier version (strict mapping, no alert_id) is listed as it is
    and given the field by the first POST /alerts, whose document would otherwise be refused."""
    from archive_search.index_schema import ALERT_MAPPINGS

    settings = alerts_api.settings
    earlier = {
        **ALERT_MAPPINGS,
        "properties": {k: v for k, v in ALERT_MAPPINGS["properties"].items() if k != "alert_id"},
    }
    alerts_api.engine.ensure_index(
        settings.alerts_alias, {"settings": {"index": {"number_of_shards": 1}}, "mappings": earlier}
    )
    old = {**FERRY, "name": "old"}
    alerts_api.engine.client.index(
        index=settings.alerts_alias,
        id="0" * 32,
        body={
            "name": "old",
            "target": "event",
            "webhook_url": None,
            "search": {k: v for k, v in old.items() if k != "name"},
            "created_at": "2020-01-01T00:00:00.000Z",
        },
        refresh=True,
    )
    assert alerts_api.call("GET", "/alerts").json["total"] == 1

    saved = alerts_api.call("POST", "/alerts", FERRY)

    assert saved.status == 201, saved.text
    listed = alerts_api.call("GET", "/alerts").json["alerts"]
    assert [alert["id"] for alert in listed] == ["0" * 32, saved.json["id"]]


def test_an_alert_the_alerts_mapping_refuses_is_a_500_that_says_so_never_a_503(alerts_api: AlertsApi) -> None:
    # An alerts index whose mapping does not fit this version: "name" holds numbers there.
    alerts_api.engine.ensure_index(
        alerts_api.settings.alerts_alias,
        {"mappings": {"dynamic": False, "properties": {"name": {"type": "integer"}}}},
    )

    refused = alerts_api.call("POST", "/alerts", FERRY)

    assert refused.status == 500, refused.text
    error = refused.json["error"]
    assert error["code"] == "index_refused"
    assert "alerts index refused" in error["message"] and "bootstrap" in error["message"]
    assert "Retry-After" not in refused.headers


def test_the_webhook_secret_answers_have_the_shape_the_openapi_document_states(alerts_api: AlertsApi) -> None:
    document = _document()
    created = alerts_api.call("POST", "/alerts", HOOK)
    rotated = alerts_api.call("POST", f"/alerts/{created.json['id']}/webhook-secret")
    _assert_documented(document, "/alerts", "POST", 201, created.json)
    _assert_documented(document, "/alerts/{alert_id}/webhook-secret", "POST", 200, rotated.json)
    created_schema = document["components"]["schemas"]["AlertCreatedResponse"]
    assert "webhook_secret" in created_schema["properties"]
    assert "webhook_secret" not in document["components"]["schemas"]["AlertResponse"]["properties"]
    assert "409" in document["paths"]["/alerts/{alert_id}/webhook-secret"]["post"]["responses"]


def test_the_engine_refuses_a_save_over_a_version_deleted_or_changed_since_it_was_read(
    alerts_api: AlertsApi,
) -> None:
    # What keeps a rotation from saving again an alert deleted meanwhile.
    documents = _store(alerts_api.settings).documents
    alert = alerts_api.call("POST", "/alerts", HOOK).json
    document, version = documents.get_versioned(alert["id"])
    documents.put(alert["id"], {**document, "webhook_generation": 1}, version=version)
    with pytest.raises(Conflict):
        documents.put(alert["id"], {**document, "webhook_generation": 2}, version=version)
    _, version = documents.get_versioned(alert["id"])
    assert alerts_api.call("DELETE", f"/alerts/{alert['id']}").status == 204
    with pytest.raises(Conflict):
        documents.put(alert["id"], document, version=version)
    assert alerts_api.call("GET", f"/alerts/{alert['id']}").status == 404
