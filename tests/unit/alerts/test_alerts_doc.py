"""docs/alerts.md stays true to the code: the example event has exactly the detail fields
``build_alert_event`` produces, the example alert the fields the API answers, and the bounds
are the ones the code enforces."""

from __future__ import annotations

import json
import re

import pytest

from archive_search.alerts import addresses, bounds, model
from archive_search.alerts.events import DETAIL_TYPE, NewArticle, build_alert_event
from archive_search.alerts.model import AlertResponse
from archive_search.errors import InvalidRequest
from archive_search.ingest.outcomes import SCHEMA_VERSION
from archive_search.model import Article, ObjectRef
from archive_search.search.syntax import MAX_QUERY_CHARS
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

DOC = (ROOT / "docs" / "alerts.md").read_text(encoding="utf-8")
EXAMPLES = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", DOC, flags=re.S)]


def test_the_example_alert_has_the_fields_the_api_answers() -> None:
    (alert,) = [e for e in EXAMPLES if "feed_url" in e]
    assert set(alert) == set(AlertResponse.model_fields)
    assert alert["feed_url"] == model.feed_url(alert["search"])


def test_the_example_event_has_the_fields_the_code_produces() -> None:
    (event,) = [e for e in EXAMPLES if e.get("detail-type") == DETAIL_TYPE]
    article = NewArticle("d", 0, Article("t", "b"), ObjectRef("b", "k"), None)
    built = build_alert_event("a", {"name": "n"}, article)
    assert (event["source"], event["detail-type"]) == (built.source, built.detail_type)
    assert set(event["detail"]) == set(built.detail)
    assert event["detail"]["schema_version"] == SCHEMA_VERSION


def test_the_doc_states_the_bounds_the_code_enforces() -> None:
    assert f"| alerts per deployment | {bounds.MAX_ALERTS:,} |" in DOC
    assert f"| `name` | {bounds.MAX_NAME_CHARS} characters |" in DOC
    assert f"`q` | {MAX_QUERY_CHARS} characters" in DOC
    assert (
        f"{bounds.MAX_SEARCH_BYTES // 1024} KiB" in DOC
        and f"{bounds.MAX_ALERT_BODY_BYTES // 1024} KiB of JSON" in DOC
    )
    assert f"{bounds.MAX_FILTER_VALUES} per filter, {bounds.MAX_FILTER_VALUE_CHARS} characters" in DOC
    assert f"| `GET /alerts` page | {bounds.MAX_PAGE_SIZE} alerts |" in DOC


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in a URL


@pytest.mark.parametrize("host", sorted(addresses.LOCAL_HOSTS))
def test_the_doc_and_the_refusal_name_every_host_plain_http_may_reach(host: str) -> None:
    request = model.AlertRequest.model_validate(
        {"name": "n", "q": "ferry", "target": "webhook", "webhook_url": "http://hooks.example/x"}
    )
    with pytest.raises(InvalidRequest) as refused:
        model.check_target(request)
    local = model.AlertRequest.model_validate(
        {**request.model_dump(), "webhook_url": f"http://{_url_host(host)}:9/x"}
    )
    model.check_target(local)
    assert f"`{_url_host(host)}`" in DOC.split("| `webhook_url` |")[1].split("\n")[0]
    assert _url_host(host) in refused.value.message
