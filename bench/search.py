"""Search latency benchmark: typical requests through the real search handler.

    make bench-search                          # osmem-server, 3,000 articles
    .venv/bin/python -m bench.search --articles 10000 --repeat 50
    OPENSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python -m bench.search

An archive of synthetic articles (a tenth of them syndicated copies, so collapsing has work
to do) is written in the mapping's shape with one bulk request per thousand, into a fresh
index alias. Each request is an API Gateway HTTP API v2 event handed to
``archive_search.handlers.search.handler``, exactly as in Lambda; the time is the handler's
wall time (engine round trips included, network to API Gateway excluded). Prints p50/p95/max
per request kind and overall. The same run also prints:

- handler against raw: each handler call is followed by the engine requests it made, sent again
  directly with the same client (interleaved), giving the handler/raw ratio per request kind
  and the engine round trips each request took (target: 1 per /search page, ratio <= 1.2);
- recall@10 per language of the multilingual relevance set (bench/relevance) in an index with
  the previous mapping (bench/relevance/mapping_v1.json: one English analysis) and in one with
  the current mapping;
- indexing time per 10,000 articles with the previous and the current mapping (bulks of 500
  alternating between the two indices), the engine's share of a reindex.

The last line is always:
    search p50 N ms p95 N ms (M requests)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import relevance
from bench.servers import start_engine, start_moto, stop_moto

WORDS = [
    "harbour",
    "council",
    "budget",
    "election",
    "flood",
    "river",
    "storm",
    "minister",
    "court",
    "police",
    "school",
    "hospital",
    "tram",
    "railway",
    "bridge",
    "festival",
    "cricket",
    "match",
    "market",
    "price",
    "inflation",
    "tariff",
    "water",
    "energy",
    "solar",
    "wind",
    "farm",
    "fishing",
    "fleet",
    "quota",
    "port",
    "crane",
    "container",
    "strike",
    "union",
    "wage",
    "teacher",
    "doctor",
    "nurse",
    "vaccine",
    "museum",
    "theatre",
    "opera",
    "library",
    "university",
    "research",
    "drought",
    "harvest",
    "wheat",
    "rice",
    "cotton",
    "export",
    "import",
    "border",
    "ceasefire",
    "talks",
    "treaty",
    "embassy",
    "protest",
    "march",
    "mayor",
    "governor",
    "parliament",
    "senate",
    "committee",
    "report",
    "audit",
    "contract",
    "tender",
    "road",
    "airport",
    "flight",
    "weather",
    "heatwave",
    "monsoon",
    "earthquake",
    "rescue",
    "volunteer",
    "charity",
    "colour",
    "defence",
    "centre",
]
SOURCES = ["Dawn", "Tribune", "Valmont Post", "Harbour Gazette", "Lakeside Ledger", "Baltic Wire", "Geo"]
PLACES = ["Karachi", "Lahore", "Valmont", "Port Ellery", "Northfield", "Saint-Aubin", "Kestrel Bay"]
LANGUAGES = ["en"] * 8 + ["fr", "de"]


def synthetic_articles(count: int, seed: int = 7) -> list[tuple[str, dict[str, Any]]]:
    from datetime import date

    from archive_search.documents import article_document
    from archive_search.model import Article, ObjectRef, document_id

    rng = random.Random(seed)
    syllables = [
        "ka",
        "ri",
        "mo",
        "ta",
        "len",
        "dor",
        "vi",
        "sa",
        "pel",
        "nu",
        "gor",
        "fen",
        "li",
        "ba",
        "tor",
    ]
    filler = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(4000)})
    weights = [1 / (rank + 1) for rank in range(len(filler))]  # Zipf: a few common words, a long tail

    def text(words: int) -> str:
        drawn = rng.choices(filler, weights, k=words)
        return " ".join(rng.choice(WORDS) if rng.random() < 0.04 else word for word in drawn)

    docs: list[tuple[str, dict[str, Any]]] = []
    for i in range(count):
        if docs and rng.random() < 0.1:  # a syndicated copy of an earlier article
            original = rng.choice(docs)[1]
            title, body = original["title"], original["body"]
        else:
            title = " ".join([rng.choice(WORDS), text(rng.randint(4, 8))]).capitalize()
            body = "\n\n".join(text(rng.randint(40, 90)).capitalize() + "." for _ in range(5))
        published = (
            None
            if rng.random() < 0.1
            else f"20{rng.randint(19, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
        source, place, language = rng.choice(SOURCES), rng.choice(PLACES), rng.choice(LANGUAGES)
        tags = rng.sample(WORDS[:20], 2)
        key = f"bench/{i:06d}.txt"
        article = Article(
            title=title,
            body=body,
            source=source,
            published=date.fromisoformat(published) if published else None,
            place=place,
            language=language,
            tags=tuple(tags),
        )
        ref = ObjectRef("bench", key)
        document = article_document(
            article,
            ref,
            0,
            content_sha256=hashlib.sha256(body.encode()).hexdigest(),
            cleaner_version="bench",
            ingested_at="2026-01-01T00:00:00Z",
        )
        docs.append((document_id(ref), document))
    return docs


def requests(doc: tuple[str, dict[str, Any]], cursor: str | None) -> dict[str, tuple[str, dict[str, Any]]]:
    """The request kinds measured (path, query); the phrase is taken from ``doc``."""
    doc_id, words = doc[0], doc[1]["body"].split()
    kinds: dict[str, tuple[str, dict[str, Any]]] = {
        "one word": ("/search", {"q": "harbour"}),
        "two words": ("/search", {"q": "flood river"}),
        "phrase": ("/search", {"q": f'"{words[3]} {words[4]} {words[5]}"'}),
        "boolean": ("/search", {"q": "(tram | railway) -strike"}),
        "prefix": ("/search", {"q": "parliam*"}),
        "typo": ("/search", {"q": "parlament"}),
        "filters + all facets": (
            "/search",
            {"q": "budget", "source": "Dawn,Tribune", "facets": "source,language,place,author,tag,published"},
        ),
        "newest, no collapse": ("/search", {"q": "market", "sort": "newest", "collapse": "false"}),
        "page 3 + facets": ("/search", {"q": "harbour", "page": 3, "facets": "source,language,published"}),
        "browse newest": ("/search", {"sort": "newest", "size": 50}),
        "article": (f"/articles/{doc_id}", {}),
        "similar": (f"/articles/{doc_id}/similar", {}),
        "facet values": ("/facets/source", {"prefix": "la"}),
    }
    if cursor:
        kinds["cursor page 2"] = ("/search", {"q": "harbour", "cursor": cursor})
    return kinds


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=30, help="requests per kind (after 3 warm-ups)")
    parser.add_argument(
        "--reindex-articles",
        type=int,
        default=1000,
        help="text uploads in a moto bucket that `reindex` moves to a new index (0: skip)",
    )
    args = parser.parse_args(argv)

    server, url = start_engine()
    alias = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        OPENSEARCH_URL=url,
        INDEX_ALIAS=alias,
        POWERTOOLS_TRACE_DISABLED="true",
        CURSOR_SECRET=os.environ.get("CURSOR_SECRET") or uuid.uuid4().hex * 2,
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    logging.getLogger("opensearch").setLevel(logging.ERROR)

    from archive_local.lambda_events import LambdaContext, http_api_event
    from archive_search.adapters.opensearch import cached_engine
    from archive_search.handlers.search import handler
    from archive_search.settings import get_settings

    engine = cached_engine(get_settings())
    extra: list[str] = []
    try:
        engine.ensure_index()
        docs = synthetic_articles(args.articles)
        old_alias = f"{alias}-v1"
        engine.ensure_index(old_alias, json.loads((RELEVANCE / "mapping_v1.json").read_text()))
        extra.append(old_alias)
        per_10k = index_both(engine, alias, old_alias, docs)
        print(
            f"indexing per 10,000 articles: previous mapping {per_10k[old_alias]:.1f} s, "
            f"current {per_10k[alias]:.1f} s ({per_10k[alias] / per_10k[old_alias]:.2f}x)",
            file=sys.stderr,
        )
        calls = RecordingEngine.install(engine)

        def call(path: str, query: dict[str, Any]) -> tuple[float, dict[str, Any]]:
            event = http_api_event("GET", path, urlencode(query))
            calls.clear()
            began = time.perf_counter()
            result = handler(event, LambdaContext("archive-search-search", 29))
            elapsed = (time.perf_counter() - began) * 1000
            if result["statusCode"] != 200:
                raise SystemExit(f"{path} {query}: {result['statusCode']} {result['body'][:300]}")
            return elapsed, json.loads(result["body"])

        def raw(recorded: list[tuple[str, Any]]) -> float:
            began = time.perf_counter()
            for method, argument in recorded:
                if method == "search":
                    engine.client.search(index=alias, body=argument)
                elif method == "msearch":
                    engine.client.msearch(index=alias, body=[line for b in argument for line in ({}, b)])
                else:
                    engine.client.get(index=alias, id=argument)
            return (time.perf_counter() - began) * 1000

        _, first = call("/search", {"q": "harbour"})
        kinds = requests(docs[0], first.get("next_cursor"))
        everything: list[float] = []
        print(
            f"{'request':<24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'raw p50':>8} {'ratio':>6} {'trips':>5}  hits"
        )
        for name, (path, query) in kinds.items():
            for _ in range(3):
                call(path, query)
            timings, raws, ratios = [], [], []
            for _ in range(args.repeat):
                elapsed, body = call(path, query)
                recorded = list(calls)
                direct = raw(recorded)
                timings.append(elapsed)
                raws.append(direct)
                ratios.append(elapsed / direct if direct else float("nan"))
            everything += timings
            hits = body.get("total", len(body.get("hits", body.get("values", []))))
            print(
                f"{name:<24} {statistics.median(timings):8.1f} {percentile(timings, 95):8.1f} "
                f"{max(timings):8.1f} {statistics.median(raws):8.1f} {statistics.median(ratios):6.2f} "
                f"{len(recorded):5d}  {hits}"
            )
        calls.uninstall()
        print_recall(engine, alias)
        if args.reindex_articles:
            measure_reindex(engine, alias, docs[: args.reindex_articles])
        print(
            f"search p50 {statistics.median(everything):.1f} ms p95 {percentile(everything, 95):.1f} ms "
            f"({len(everything)} requests, {args.articles} articles)"
        )
    finally:
        for name in [*engine.alias_targets(), *(t for a in extra for t in engine.alias_targets(a))]:
            engine.client.indices.delete(index=name)
        if server:
            server.close()
    return 0


RELEVANCE = Path(__file__).resolve().parent / "relevance"


class RecordingEngine:
    """Records the engine requests the service makes (method, body or id), in order."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.calls: list[tuple[str, Any]] = []
        self.originals = {name: getattr(engine, name) for name in ("search", "msearch", "get")}

    @classmethod
    def install(cls, engine: Any) -> RecordingEngine:
        recorder = cls(engine)
        for name, original in recorder.originals.items():
            setattr(engine, name, recorder.wrap(name, original))
        return recorder

    def wrap(self, name: str, original: Any) -> Any:
        def recorded(argument: Any, **kwargs: Any) -> Any:
            self.calls.append((name, argument))
            return original(argument, **kwargs)

        return recorded

    def uninstall(self) -> None:
        for name in self.originals:
            delattr(self.engine, name)

    def clear(self) -> None:
        self.calls.clear()

    def __iter__(self) -> Any:
        return iter(self.calls)


V1_FIELDS = set(json.loads((RELEVANCE / "mapping_v1.json").read_text())["mappings"]["properties"])


def index_both(
    engine: Any, alias: str, old_alias: str, docs: list[tuple[str, dict[str, Any]]]
) -> dict[str, float]:
    """Index ``docs`` into both indices, 500 at a time, alternating; seconds per 10,000."""
    spent = {alias: 0.0, old_alias: 0.0}
    for start in range(0, len(docs), 500):
        chunk = docs[start : start + 500]
        order = (alias, old_alias) if start // 500 % 2 == 0 else (old_alias, alias)
        for target in order:
            operations: list[dict[str, Any]] = []
            for doc_id, doc in chunk:
                shaped = doc if target == alias else {k: v for k, v in doc.items() if k in V1_FIELDS}
                operations += [{"index": {"_index": target, "_id": doc_id}}, shaped]
            began = time.perf_counter()
            engine.bulk(operations)
            spent[target] += time.perf_counter() - began
    engine.refresh(alias)
    engine.refresh(old_alias)
    return {target: seconds * 10_000 / len(docs) for target, seconds in spent.items()}


def measure_reindex(engine: Any, alias: str, docs: list[tuple[str, dict[str, Any]]]) -> None:
    """`archive-search reindex` of ``docs`` uploaded as text files to a moto bucket: cleaning,
    indexing into a new index with the current mapping, the alias swap; seconds per 10,000."""
    from dataclasses import replace

    from archive_local.aws import clients, provision
    from archive_search.adapters.opensearch import SearchEngine
    from archive_search.adapters.s3 import ObjectStore
    from archive_search.ingest.reindex import reindex
    from archive_search.ingest.service import IngestService

    moto, endpoint = start_moto()
    target_alias = f"{alias}-reindex"
    settings = replace(engine.settings, index_alias=target_alias, receipts_alias=f"{target_alias}-receipts")
    target = SearchEngine(engine.client, settings)
    try:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ.setdefault(key, "testing")
        s3, sqs = clients(endpoint)
        archive = provision(s3, sqs, bucket="bench-reindex", queue="bench-reindex-ingest")
        for _, doc in docs:
            text = f"{doc['title']}\n\n{doc['body']}\n"
            s3.put_object(Bucket=archive.bucket, Key=doc["key"], Body=text.encode())
        service = IngestService(ObjectStore(s3), target, replace(settings, archive_bucket=archive.bucket))
        began = time.perf_counter()
        report = reindex(service, archive.bucket)
        elapsed = time.perf_counter() - began
        print(
            f"reindex of {len(docs)} text uploads to the current mapping: {elapsed:.1f} s "
            f"({elapsed * 10_000 / len(docs):.0f} s per 10,000 articles; swapped: {report.swapped}, "
            f"outcomes {report.outcomes})"
        )
    finally:
        for name in {*target.alias_targets(), *target.alias_targets(settings.receipts_alias)}:
            engine.client.indices.delete(index=name)
        stop_moto(moto)


def relevance_documents() -> dict[str, tuple[str, dict[str, Any]]]:
    """The relevance set's articles as index documents, by article name."""
    from archive_search.documents import article_document
    from archive_search.model import Article, ObjectRef, document_id

    out = {}
    for item in relevance.articles():
        ref = ObjectRef("bench", f"relevance/{item.id}.txt")
        article = Article(title=item.title, body=item.body, language=item.language)
        document = article_document(
            article,
            ref,
            0,
            content_sha256=hashlib.sha256(item.body.encode()).hexdigest(),
            cleaner_version="bench",
            ingested_at="2026-01-01T00:00:00Z",
        )
        out[item.id] = (document_id(ref), document)
    return out


def print_recall(engine: Any, alias: str) -> None:
    """Recall@10 per language of the relevance set: previous mapping against current, each in
    its own small index (the synthetic archive would only add noise to both)."""
    from dataclasses import replace

    from archive_search.adapters.opensearch import SearchEngine
    from archive_search.search.request import SearchRequest
    from archive_search.search.service import SearchService

    docs = relevance_documents()
    names = {doc_id: name for name, (doc_id, _) in docs.items()}
    recalls = {}
    for label, suffix, body in (
        ("previous", "rel-v1", json.loads((RELEVANCE / "mapping_v1.json").read_text())),
        ("current", "rel", None),
    ):
        target = SearchEngine(engine.client, replace(engine.settings, index_alias=f"{alias}-{suffix}"))
        target.ensure_index(body=body)
        try:
            operations: list[dict[str, Any]] = []
            for doc_id, doc in docs.values():
                shaped = {k: v for k, v in doc.items() if k in V1_FIELDS} if body else doc
                operations += [{"index": {"_index": target.alias, "_id": doc_id}}, shaped]
            target.bulk(operations)
            target.refresh()
            service = SearchService(target)

            def search(q: str, service: SearchService = service) -> list[str]:
                hits = service.search(SearchRequest(q=q, size=10, collapse=False, fields=("id",)))["hits"]
                return [names[hit["id"]] for hit in hits]

            recalls[label], _ = relevance.recall_at_10(search)
        finally:
            for name in target.alias_targets():
                engine.client.indices.delete(index=name)
    print(f"{'recall@10':<10} " + " ".join(f"{lang:>5}" for lang in recalls["current"]))
    for label, recall in recalls.items():
        print(f"{label:<10} " + " ".join(f"{recall[lang]:5.2f}" for lang in recalls["current"]))


if __name__ == "__main__":
    sys.exit(main())
