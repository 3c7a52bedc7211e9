"""Alert matching without a network: which articles are new, the query an alert runs, one
_msearch per chunk of alerts, the event detail, and failures that never reach ingest."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest

from archive_search.alerts.events import DETAIL_TYPE, build_alert_event
from archive_search.alerts.matcher import AlertMatcher, alert_query, new_articles
from archive_search.fingerprint import fingerprint
from archive_search.ingest.outcomes import MAX_DETAIL_BYTES, BusEvent, Outcome, PublishReport
from archive_search.model import Article, ObjectRef, document_id
from archive_search.search.request import SearchRequest
from archive_search.search.service import SearchService
from tests.unit.ingest.test_outcome_events import BODY, REF, article, indexed, receipt

pytestmark = pytest.mark.unit


class Alerts:
    """Alerts in memory; ``hits`` says which ids each alert's search returns."""

    def __init__(self, alerts: list[tuple[str, dict[str, Any]]], hits: Mapping[str, list[str]]) -> None:
        self.alerts, self.hits = alerts, hits
        self.requests: list[list[dict[str, Any]]] = []
        self.refreshed = 0
        self.fail: Exception | None = None

    def all(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        return self.alerts[:limit]

    def refresh_articles(self) -> None:
        self.refreshed += 1

    def msearch_articles(self, bodies: Sequence[Mapping[str, Any]], timeout_s: float) -> list[dict[str, Any]]:
        if self.fail:
            raise self.fail
        self.requests.append([dict(b) for b in bodies])
        ids = _ids(bodies[0])  # every search of a batch names the same documents
        by_query = {
            json.dumps(alert_query(QUERIES, a["search"], ids)): i for i, a in self.alerts if "search" in a
        }
        out = []
        for body in bodies:
            alert_id = by_query.get(json.dumps(dict(body)))
            wanted = set(_ids(body))
            out.append(
                {"hits": {"hits": [{"_id": i} for i in self.hits.get(alert_id or "", []) if i in wanted]}}
            )
        return out


def _ids(body: Mapping[str, Any]) -> list[str]:
    (ids,) = [f["ids"]["values"] for f in body["query"]["bool"]["filter"] if "ids" in f]
    return ids


class Documents:
    profile = "opensearch"

    def __init__(self, docs: dict[str, dict[str, Any]] | None = None) -> None:
        self.docs = docs or {}

    def mget(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {i: {"_source": self.docs[i]} for i in ids if i in self.docs}


class Publisher:
    def __init__(self) -> None:
        self.events: list[BusEvent] = []

    def publish(self, events: Sequence[BusEvent], remaining_ms: Any = None) -> PublishReport:
        self.events.extend(events)
        return PublishReport(published=len(events))


def alert(q: str, target: str = "event", **search: Any) -> dict[str, Any]:
    return {"name": f"about {q}", "target": target, "webhook_url": None, "search": {"q": q, **search}}


DOC = document_id(REF)
QUERIES = SearchService(Documents())  # type: ignore[arg-type]
NEW = Outcome(indexed(), None, [article()])


# -- which articles are new ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("outcome", "fires"),
    [
        (NEW, True),
        (Outcome(indexed(content_sha256="b" * 64), indexed(), [article()]), True),  # new bytes
        # new bytes, but an article the key already held: an unchanged record of a changed file
        (
            Outcome(
                indexed(content_sha256="b" * 64), indexed(), [article()], frozenset({fingerprint(article())})
            ),
            False,
        ),
        (Outcome(indexed(content_sha256="b" * 64), indexed(), [article()], frozenset({"other"})), True),
        (Outcome(indexed(cleaner_version="2.0.0"), indexed(), [article()]), False),  # re-cleaned
        (Outcome(receipt("duplicate", document_ids=[DOC]), indexed(), []), False),
        (Outcome(receipt("rejected", reason="empty"), None, []), False),
        (Outcome(receipt("deleted"), indexed(), []), False),
        (Outcome(indexed(document_ids=[]), None, [article()]), False),  # the index refused it
    ],
)
def test_only_articles_searchable_for_the_first_time_are_new(outcome: Outcome, fires: bool) -> None:
    assert [a.id for a in new_articles([outcome])] == ([DOC] if fires else [])


# -- matching -------------------------------------------------------------------------------------
def test_matching_alerts_fire_once_per_article_and_a_feed_alert_publishes_nothing() -> None:
    alerts = Alerts(
        [("a1", alert("harbour")), ("a2", alert("strike")), ("a3", alert("harbour", "feed"))],
        {"a1": [DOC], "a3": [DOC]},
    )
    publisher = Publisher()
    report = AlertMatcher(alerts, Documents(), publisher)([NEW])
    assert report.matches == [("a1", DOC), ("a3", DOC)]
    assert [(e.detail_type, e.detail["alert_id"]) for e in publisher.events] == [(DETAIL_TYPE, "a1")]
    assert alerts.refreshed == 1  # the new documents are searchable before the alerts run


def test_alerts_go_in_one_msearch_per_chunk_never_one_request_per_alert_and_article() -> None:
    many = [(f"a{i}", alert(f"word{i}")) for i in range(450)]
    second = ObjectRef(REF.bucket, "inbox/other.txt")
    outcomes = [
        NEW,
        Outcome(
            {**indexed(), "key": second.key, "document_ids": [document_id(second)]},
            None,
            [Article("Other", "A different story about the council.")],
        ),
    ]
    alerts = Alerts(many, {})
    AlertMatcher(alerts, Documents(), Publisher(), chunk=200)(outcomes)
    assert [len(r) for r in alerts.requests] == [200, 200, 50]
    assert all(_ids(body) == [DOC, document_id(second)] for r in alerts.requests for body in r)


def test_a_copy_of_a_live_article_or_of_one_earlier_in_the_batch_fires_nothing() -> None:
    copy_ref = ObjectRef(REF.bucket, "wire/copy.txt")
    copy = Outcome(
        {**indexed(), "key": copy_ref.key, "document_ids": [document_id(copy_ref)]}, None, [article()]
    )
    alerts = Alerts([("a1", alert("harbour"))], {"a1": [DOC, document_id(copy_ref)]})
    report = AlertMatcher(alerts, Documents(), Publisher())([NEW, copy])
    assert report.matches == [("a1", DOC)]  # the batch's second copy is dropped

    original = {"fingerprint": fingerprint(article())}
    known_copy = Outcome({**indexed(duplicate_of=["orig"])}, None, [article()])
    report = AlertMatcher(alerts, Documents({"orig": original}), Publisher())([known_copy])
    assert report.matches == [] and report.articles == 0


def test_the_alert_query_is_the_search_restricted_to_the_new_documents() -> None:
    search = {"q": "harbour", "in": "title", "source": ["Gazette"], "from": "2024-01-01", "has_date": True}
    query = alert_query(QUERIES, search, [DOC])
    request = SearchRequest(
        q="harbour",
        in_field="title",
        filters={"source": ["Gazette"]},
        date_from=date(2024, 1, 1),
        has_date=True,
    )
    searched, _ = QUERIES.search_body(request)  # what GET /search sends for the same search
    assert query["query"]["bool"]["must"] == [searched["query"]]
    assert query["query"]["bool"]["filter"] == [{"ids": {"values": [DOC]}}, searched["post_filter"]]
    assert query["size"] == 1 and query["_source"] is False


def test_a_failing_engine_or_a_broken_alert_never_raises_into_ingest() -> None:
    alerts = Alerts([("a1", alert("harbour"))], {"a1": [DOC]})
    alerts.fail = RuntimeError("engine down")
    publisher = Publisher()
    report = AlertMatcher(alerts, Documents(), publisher)([NEW])
    assert report.matches == [] and publisher.events == []

    broken = Alerts([("bad", {"name": "x", "target": "event"}), ("a1", alert("harbour"))], {"a1": [DOC]})
    report = AlertMatcher(broken, Documents(), Publisher())([NEW])
    assert report.matches == [("a1", DOC)] and report.failed_alerts == 1


def test_no_alert_runs_without_time_left_in_the_invocation() -> None:
    alerts = Alerts([("a1", alert("harbour"))], {"a1": [DOC]})
    report = AlertMatcher(alerts, Documents(), Publisher())([NEW], lambda: 1_000)
    assert alerts.requests == [] and report.failed_alerts == 1


# -- the event ------------------------------------------------------------------------------------
def test_the_alert_matched_detail_names_the_alert_and_the_article_and_is_bounded() -> None:
    (new,) = new_articles([NEW])
    event = build_alert_event(
        "a1", {"name": "n" * 10_000, "target": "webhook", "webhook_url": "https://h/x"}, new
    )
    detail = event.detail
    assert event.detail_type == "Alert Matched" and event.source == "archive-search"
    assert (detail["alert_id"], detail["article_id"], detail["title"]) == ("a1", DOC, "Harbour reopens")
    assert (detail["source"], detail["published"], detail["language"]) == ("Gazette", "2024-05-01", "en")
    assert detail["webhook_url"] == "https://h/x" and len(detail["alert_name"]) == 300
    assert BODY not in event.detail_json() and len(event.detail_json().encode()) < MAX_DETAIL_BYTES
    again = build_alert_event("a1", {"name": "other"}, new)
    assert again.detail["event_id"] == detail["event_id"]  # copies of one match share the id
    assert build_alert_event("a2", {}, new).detail["event_id"] != detail["event_id"]


def test_the_alert_matched_detail_carries_the_articles_description_bounded() -> None:
    (new,) = new_articles([Outcome(indexed(), None, [article(description="Ferries stop. " * 200)])])
    detail = build_alert_event("a1", {}, new).detail
    assert detail["description"].startswith("Ferries stop.") and len(detail["description"]) == 1_000
    (plain,) = new_articles([NEW])
    assert build_alert_event("a1", {}, plain).detail["description"] is None


def test_a_stored_alert_dated_year_zero_is_read_as_it_was_validated() -> None:
    from archive_search.alerts.matcher import search_request

    request = search_request({"q": "harbour", "from": "0000-01-01", "to": "2024-02-29"})

    assert (request.date_from, request.date_to) == (date(1, 1, 1), date(2024, 2, 29))


def test_a_page_of_alerts_past_the_most_there_can_be_is_empty_without_asking_the_engine() -> None:
    from archive_search.alerts.store import AlertStore

    class Documents:
        def __init__(self) -> None:
            self.offsets: list[int] = []

        def all(self, limit: int, offset: int = 0) -> list[tuple[str, dict[str, Any]]]:
            self.offsets.append(offset)
            return []

        def count(self) -> int:
            return 3

    documents = Documents()
    store = AlertStore(documents, max_alerts=100)  # type: ignore[arg-type]

    assert store.page(3, 50)["alerts"] == [] and documents.offsets == []
    assert store.page(2, 50) == {"total": 3, "alerts": []} and documents.offsets == [50]
