"""End to end: the local stack started as ``make run`` starts it, driven over HTTP.

One stack (console script ``archive-search-local``, free ports, a temporary data
directory and inbox) serves the whole module; the seeds are uploaded with boto3 to its
moto endpoint, searched over HTTP, and the last test restarts the stack on the same
data directory to prove the archive survives.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from archive_local.launcher import StackProcess
from archive_search.model import ObjectRef, document_id
from tests.conftest import SAMPLES

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

BUCKET = "archive"
SEED_000 = "e2e/000_178441e45c435c79.txt"
SEED_003 = "e2e/003_adb2bf521e5eb72d.txt"
DOOMED = "e2e/doomed pier.txt"
SAMPLE_000 = "samples/000_178441e45c435c79.txt"  # the copies the stack loads on first start
SAMPLE_003 = "samples/003_adb2bf521e5eb72d.txt"
# A cluster named by the person running the suite (read before any test can change
# the environment); without one the stack starts its own osmem-server.
EXTERNAL_OPENSEARCH = os.environ.get("OPENSEARCH_URL")
# A word no sample article and no seed contains.
UNIQUE = f"zanzibarquill{uuid.uuid4().hex[:8]}"


def doc_id(key: str, ordinal: int = 0) -> str:
    return document_id(ObjectRef(BUCKET, key), ordinal)


def eventually(check: Callable[[], Any], timeout: float = 60.0, every: float = 0.5) -> Any:
    """The first truthy result of ``check`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"not true after {timeout} s (last result: {last!r})")


class LocalStack(StackProcess):
    """``archive-search-local`` run as a person runs it, in a subprocess."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            root,
            {
                # Distinct names, in case OPENSEARCH_URL names a shared cluster.
                "INDEX_ALIAS": f"e2e-{uuid.uuid4().hex[:10]}",
                **({"OPENSEARCH_URL": EXTERNAL_OPENSEARCH} if EXTERNAL_OPENSEARCH else {}),
            },
        )

    def environment(self) -> dict[str, str]:
        env = super().environment()
        if not EXTERNAL_OPENSEARCH:
            env.pop("OPENSEARCH_URL", None)
        return env

    def start(self, *, wait: bool = True, timeout: float = 120.0) -> float:
        took = super().start(wait=wait, timeout=timeout)
        self.first_health = requests.get(f"{self.url}/health", timeout=30) if wait else None
        return took

    def shut_down(self) -> None:
        """Stop the stack if it still runs and print its log (shown by pytest when a test fails)."""
        if self.process and self.process.poll() is None:
            self.stop()
        print(self.log())

    def search(self, **params: Any) -> dict[str, Any]:
        response = requests.get(f"{self.url}/search", params=params, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def article(self, article_id: str) -> dict[str, Any] | None:
        response = requests.get(f"{self.url}/articles/{article_id}", timeout=30)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    root = tmp_path_factory.mktemp("stack")
    local = LocalStack(root)
    local.start()
    s3 = local.s3()
    for key in (SEED_000, SEED_003):
        s3.put_object(Bucket=BUCKET, Key=key, Body=(SAMPLES / Path(key).name).read_bytes())
    try:
        eventually(lambda: local.article(doc_id(SEED_000)) and local.article(doc_id(SEED_003)))
        yield local
    finally:
        local.shut_down()
        shutil.rmtree(root, ignore_errors=True)


def test_night_vision_goggles_finds_both_seeds_with_snippets(stack: LocalStack) -> None:
    every_copy = stack.search(q="night vision goggles", collapse="false", size=50)
    ids = {hit["id"] for hit in every_copy["hits"]}
    assert {doc_id(SEED_000), doc_id(SEED_003)} <= ids

    copies_000 = {doc_id(SEED_000), doc_id(SAMPLE_000)}
    copies_003 = {doc_id(SEED_003), doc_id(SAMPLE_003)}
    default = stack.search(q="night vision goggles")
    found = {hit["id"] for hit in default["hits"]}
    assert found <= copies_000 | copies_003  # nothing but the seeds
    assert found & copies_000 and found & copies_003  # both of them
    for hit in default["hits"]:
        snippet = hit["snippet"]["text"].lower()
        assert "night vision goggles" in snippet
        assert "<mark>" in hit["snippet"]["html"]


@pytest.mark.parametrize("word", ["Rafah", "Khorasani"])
def test_teaser_and_read_more_words_find_nothing(stack: LocalStack, word: str) -> None:
    result = stack.search(q=word)
    assert result["total"] == 0
    assert result["hits"] == []


def test_seed_003_is_dawn_published_2023_04_12_in_the_source_facet(stack: LocalStack) -> None:
    article = stack.article(doc_id(SEED_003))
    assert article is not None
    assert article["source"] == "Dawn"
    assert article["published"] == "2023-04-12"

    result = stack.search(q="night vision goggles", facets="source", collapse="false")
    # Seed 003 is in the archive twice (the sample copy and the e2e upload): two documents,
    # one group (with collapse on, facets count groups, as the hits do).
    assert {"value": "Dawn", "count": 2} in result["facets"]["source"]
    collapsed = stack.search(q="night vision goggles", facets="source")
    assert {"value": "Dawn", "count": 1} in collapsed["facets"]["source"]
    dawn = stack.search(q="night vision goggles", source="Dawn")
    assert [hit["published"] for hit in dawn["hits"]] == ["2023-04-12"]


def test_the_sample_archive_in_every_format_is_searchable(stack: LocalStack) -> None:
    samples = {
        "samples/harbour-gazette-ferry-strike.txt": 0,
        "samples/valmont-post-bakery-plant-cp1252.txt": 0,
        "samples/harbour-gazette-lighthouse.html": 0,
        "samples/correio-planalto-chuvas-latin1.htm": 0,
        "samples/baltic-wire-port-cranes.json": 0,
        "samples/valmont-post-budget-html-field.json": 0,
        "samples/newsroom-digest-multi-article.json": 3,
        "samples/valmont-post-wire.ndjson": 1,
        "samples/hubin-daily-air-quality.html": 0,
        "samples/harbour-gazette-cod-quota.txt.gz": 0,
        "samples/northfield-courier-floods-anniversary.html.gz": 0,
    }
    for key, ordinal in samples.items():
        article = eventually(lambda key=key, ordinal=ordinal: stack.article(doc_id(key, ordinal)), 30)
        assert article["origin"]["key"] == key
    assert stack.search(q="Calloway lighthouse museum")["total"] >= 1
    assert stack.search(q="Kestrel Bay cranes")["total"] >= 1
    assert stack.search(q="空气质量")["total"] >= 1  # bigrams find a Chinese word


def test_a_file_dropped_in_the_inbox_becomes_searchable(stack: LocalStack) -> None:
    stack.inbox.mkdir(exist_ok=True)
    (stack.inbox / "dropped.txt").write_text(
        f"Harbour choir wins regional contest\n\nThe {UNIQUE} choir of Port Ellery won the regional "
        "contest on Saturday with a programme of sea shanties and hymns.\n",
        encoding="utf-8",
    )
    hit = eventually(lambda: stack.search(q=UNIQUE)["hits"], 30)
    assert hit[0]["id"] == doc_id("inbox/dropped.txt")


def test_an_object_deleted_from_the_bucket_leaves_the_index(stack: LocalStack) -> None:
    s3 = stack.s3()
    body = (
        f"Old pier closes for repairs\n\nThe {UNIQUE}x pier of Port Ellery closed on Monday after "
        "engineers found corroded supports beneath the tea room at its far end.\n"
    )
    s3.put_object(Bucket=BUCKET, Key=DOOMED, Body=body.encode())
    eventually(lambda: stack.article(doc_id(DOOMED)), 30)

    s3.delete_object(Bucket=BUCKET, Key=DOOMED)  # versioned bucket: a delete marker

    eventually(lambda: stack.article(doc_id(DOOMED)) is None, 30)


def test_every_receipt_of_the_local_stack_carries_an_s3_style_sequencer(stack: LocalStack) -> None:
    engine = EXTERNAL_OPENSEARCH or f"http://127.0.0.1:{stack.search_port}"
    alias = f"{stack.env['INDEX_ALIAS']}-receipts"
    eventually(lambda: stack.article(doc_id(DOOMED)) is None, 30)  # the delete is settled too
    requests.post(f"{engine}/{alias}/_refresh", timeout=30)
    answer = requests.post(f"{engine}/{alias}/_search", json={"size": 1000}, timeout=30)
    receipts = {hit["_source"]["key"]: hit["_source"] for hit in answer.json()["hits"]["hits"]}

    assert {SEED_000, SEED_003, DOOMED, "inbox/dropped.txt"} <= set(receipts)
    assert all(re.fullmatch(r"[0-9A-F]{16}", r.get("sequencer") or "") for r in receipts.values())
    assert receipts[DOOMED]["outcome"] == "deleted"


def test_after_a_restart_on_the_same_data_dir_the_archive_is_still_searchable(stack: LocalStack) -> None:
    eventually(lambda: stack.search(q=UNIQUE)["hits"], 30)  # the inbox upload is in
    saved = requests.post(f"{stack.url}/alerts", json={"name": "Goggles", "q": "goggles"}, timeout=30)
    assert saved.status_code == 201, saved.text
    assert stack.stop() == 0
    assert "moto server stopped" in stack.log()

    stack.start()

    assert eventually(lambda: stack.article(doc_id(SEED_003)), 60)["source"] == "Dawn"
    assert eventually(lambda: stack.article(doc_id(SEED_000)), 60)
    assert eventually(lambda: stack.search(q=UNIQUE)["hits"], 60)
    assert "loaded from" in stack.log()  # the engine started from its snapshot
    assert " 0 to ingest" in stack.log()  # nothing changed: nothing is cleaned again
    assert "first start" not in stack.log()
    assert stack.article(doc_id(DOOMED)) is None  # what was deleted stays deleted
    alerts = requests.get(f"{stack.url}/alerts", timeout=30).json()["alerts"]
    assert [alert["id"] for alert in alerts] == [saved.json()["id"]]  # saved alerts are kept
    # The snapshot keeps what documents index but do not return (the lead snippets are cut
    # from, the per-language copies): the seeds still come with their snippets.
    snippets = [hit["snippet"]["html"] for hit in stack.search(q="night vision goggles")["hits"]]
    assert snippets and all("<mark>" in snippet for snippet in snippets)


def test_the_first_requests_after_ready_see_the_whole_archive(tmp_path: Path) -> None:
    local = LocalStack(tmp_path)
    try:
        local.start()
        assert local.first_health is not None and local.first_health.status_code == 200
        first = local.search(sort="newest", collapse="false", size=1)["total"]
        time.sleep(3)  # the ingest worker polls every 2 s: anything still queued would land now
        later = local.search(sort="newest", collapse="false", size=1)["total"]
        assert first == later
        assert first >= 12  # every sample file has at least one article
    finally:
        local.shut_down()


def test_health_reports_the_ingest_backlog_as_the_deployed_search_function_does(stack: LocalStack) -> None:
    # template.yaml gives the search function INGEST_QUEUE_URL; the local one gets it too.
    ingest = requests.get(f"{stack.url}/health", timeout=30).json()["ingest"]

    assert ingest["status"] == "ok"
    assert ingest["queued"] >= 0 and ingest["in_flight"] >= 0
