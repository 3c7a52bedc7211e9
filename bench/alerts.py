"""Alert matching throughput: 1,000 saved alerts against a batch of new articles.

    make bench-alerts                                    # osmem-server, 1,000 alerts x 50 articles
    .venv/bin/python -m bench.alerts --alerts 5000 --articles 10 --repeat 5
    OPENSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python -m bench.alerts

Starts the local engine (unless OPENSEARCH_URL names one), indexes a background archive of
synthetic articles (bench/search.py's generator) and a batch of new ones, saves the alerts
(one to three of the generator's words, a third with a source or language filter) and runs
``AlertMatcher`` on the batch's outcomes exactly as ingest does, with a publisher that only
counts. Two ways are timed, interleaved, ``--repeat`` times each: the matcher as shipped
(``_msearch`` requests of ``MATCH_CHUNK`` alert searches) and one search request per alert
(chunk 1), and their ratio is printed. The last line is always:
    alerts N x M articles: P alert-article pairs/s, Q matches/s (batched), R x one request per alert
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from bench.search import WORDS, synthetic_articles
from bench.servers import start_engine

LANGUAGES = ["en", "fr", "de"]
SOURCES = ["Dawn", "Tribune", "Valmont Post", "Harbour Gazette"]


class CountingPublisher:
    def __init__(self) -> None:
        self.published = 0

    def publish(self, events: Sequence[Any], remaining_ms: Any = None) -> Any:
        from archive_search.ingest.outcomes import PublishReport

        self.published += len(events)
        return PublishReport(published=len(events))


def alert_searches(count: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    searches = []
    for i in range(count):
        words = rng.sample(WORDS, rng.randint(1, 3))
        q = " OR ".join(words) if rng.random() < 0.3 else " ".join(words)
        search: dict[str, Any] = {"q": q}
        if i % 3 == 0:
            search["source"] = [rng.choice(SOURCES)]
        elif i % 3 == 1 and rng.random() < 0.5:
            search["language"] = [rng.choice(LANGUAGES)]
        searches.append(search)
    return searches


def outcomes_of(docs: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """The batch as ingest hands it to the matcher: one indexed outcome per new object."""
    from archive_search.ingest.outcomes import Outcome
    from archive_search.model import Article

    outcomes = []
    for doc_id, doc in docs:
        article = Article(
            title=doc["title"],
            body=doc["body"],
            source=doc.get("source"),
            published=date.fromisoformat(doc["published"]) if doc.get("published") else None,
            language=doc.get("language"),
        )
        receipt = {
            "outcome": "indexed",
            "bucket": doc["bucket"],
            "key": doc["key"],
            "document_ids": [doc_id],
            "content_sha256": doc["content_sha256"],
            "duplicate_of": [],
        }
        outcomes.append(Outcome(receipt, None, [article]))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=50, help="new articles in the batch")
    parser.add_argument("--archive", type=int, default=2000, help="articles already in the index")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each way (after a warm-up)")
    args = parser.parse_args(argv)

    server, url = start_engine()
    alias = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        OPENSEARCH_URL=url, INDEX_ALIAS=alias, POWERTOOLS_TRACE_DISABLED="true", POWERTOOLS_LOG_LEVEL="ERROR"
    )
    logging.getLogger("opensearch").setLevel(logging.ERROR)

    from archive_search.adapters.alert_index import AlertIndex
    from archive_search.adapters.opensearch import cached_engine
    from archive_search.alerts.matcher import MATCH_CHUNK, AlertMatcher
    from archive_search.settings import get_settings

    engine = cached_engine(get_settings())
    alerts = AlertIndex(engine)
    try:
        engine.ensure_index()
        alerts.ensure()
        docs = synthetic_articles(args.archive + args.articles)
        # The batch: the last articles, without the generator's syndicated copies (a copy never fires).
        seen = {doc["fingerprint"] for _, doc in docs[: args.archive]}
        batch = [(i, d) for i, d in docs[args.archive :] if d["fingerprint"] not in seen]
        for start in range(0, len(docs), 1000):
            operations: list[dict[str, Any]] = []
            for doc_id, doc in docs[start : start + 1000]:
                operations += [{"index": {"_index": alias, "_id": doc_id}}, doc]
            engine.bulk(operations)
        engine.refresh()
        for n, search in enumerate(alert_searches(args.alerts)):
            document = {"name": f"alert {n}", "target": "event", "webhook_url": None, "search": search}
            alerts.client.index(
                index=alerts.alias, id=uuid.uuid4().hex, body={**document, "created_at": "2026-01-01"}
            )
        alerts.client.indices.refresh(index=alerts.alias)
        outcomes = outcomes_of(batch)

        def run(chunk: int) -> tuple[float, int]:
            publisher = CountingPublisher()
            matcher = AlertMatcher(alerts, engine, publisher, max_alerts=args.alerts, chunk=chunk)
            began = time.perf_counter()
            report = matcher(outcomes)
            elapsed = time.perf_counter() - began
            if report.alerts != args.alerts or report.articles != len(batch) or report.failed_alerts:
                raise SystemExit(f"matcher did not run every alert on every article: {report}")
            return elapsed, len(report.matches)

        ways = {"batched": MATCH_CHUNK, "one request per alert": 1}
        times: dict[str, list[float]] = {name: [] for name in ways}
        matches: dict[str, int] = {}
        for chunk in ways.values():  # warm-up
            run(chunk)
        for _ in range(args.repeat):
            for name, chunk in ways.items():
                elapsed, found = run(chunk)
                times[name].append(elapsed)
                matches[name] = found
        if len(set(matches.values())) != 1:
            raise SystemExit(f"the two ways found different matches: {matches}")
        pairs = args.alerts * len(batch)
        print(f"{'way':<24} {'median s':>9} {'pairs/s':>10} {'matches/s':>10}")
        for name in ways:
            median = statistics.median(times[name])
            print(f"{name:<24} {median:9.2f} {pairs / median:10.0f} {matches[name] / median:10.0f}")
        batched = statistics.median(times["batched"])
        ratio = statistics.median(times["one request per alert"]) / batched
        print(
            f"alerts {args.alerts} x {len(batch)} articles: {pairs / batched:.0f} alert-article pairs/s, "
            f"{matches['batched'] / batched:.0f} matches/s (batched), {ratio:.2f} x one request per alert "
            f"({matches['batched']} matches, {args.archive} articles in the index)"
        )
    finally:
        for name in engine.alias_targets() + engine.alias_targets(alerts.alias):
            engine.client.indices.delete(index=name)
        if server:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
