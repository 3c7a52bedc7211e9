"""End to end: a service with only HTTP access writes to the archive through ``make run``'s
HTTP front and follows every outcome on /ingest/status: add, replace and delete articles,
upload a file through a presigned POST, and read the counts of its prefix."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.test_local_stack import LocalStack, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

PAGE = (
    "<html><head><title>Lighthouse keepers return</title></head><body><article><h1>Lighthouse "
    "keepers return</h1><p>The old lighthouse on the northern cape will be staffed again this "
    "winter after the automatic lamp failed twice in one storm.</p><p>Two keepers move in next "
    "month; the island council pays for their cottage.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    root = tmp_path_factory.mktemp("write-stack")
    local = LocalStack(root)
    local.env["LOAD_SAMPLES"] = "false"  # an empty archive: every count below is this module's
    try:
        local.start()
        yield local
    finally:
        local.shut_down()
        shutil.rmtree(root, ignore_errors=True)


def status(stack: LocalStack, **params: Any) -> requests.Response:
    return requests.get(f"{stack.url}/ingest/status", params=params, timeout=30)


def outcome(stack: LocalStack, key: str) -> str | None:
    response = status(stack, key=key)
    return response.json()["outcome"] if response.status_code == 200 else None


def test_articles_are_added_replaced_and_deleted_over_http(stack: LocalStack) -> None:
    added = requests.post(
        f"{stack.url}/articles",
        json=[
            {
                "title": "Harbour budget approved",
                "body": "The council approved the harbour budget.",
                "external_id": "hb-1",
            },
            {"title": "Ferry timetable changes", "body": "Summer ferries leave an hour earlier from June."},
        ],
        headers={"Idempotency-Key": "e2e-batch-1"},
        timeout=30,
    )
    assert added.status_code == 202, added.text
    first, second = added.json()["articles"]
    assert first["key"] == "api/articles/by-external-id/hb-1.json"
    eventually(
        lambda: outcome(stack, first["key"]) == "indexed" and outcome(stack, second["key"]) == "indexed"
    )
    assert stack.article(first["id"])["title"] == "Harbour budget approved"

    replaced = requests.put(
        f"{stack.url}/articles/by-external-id/hb-1",
        json={"title": "Harbour budget revised", "body": "The council revised the harbour budget."},
        timeout=30,
    )
    assert replaced.status_code == 202 and replaced.json()["id"] == first["id"]
    eventually(lambda: (stack.article(first["id"]) or {}).get("title") == "Harbour budget revised")

    deleted = requests.delete(f"{stack.url}/articles/{second['id']}", timeout=30)
    assert deleted.status_code == 202, deleted.text
    eventually(lambda: outcome(stack, second["key"]) == "deleted")
    assert stack.article(second["id"]) is None


def test_a_presigned_upload_is_indexed_and_counted_under_its_prefix(stack: LocalStack) -> None:
    slot = requests.post(f"{stack.url}/uploads", json={"filename": "lighthouse.html"}, timeout=30)
    assert slot.status_code == 200, slot.text
    form = slot.json()["upload"]

    sent = requests.post(
        form["url"], data=form["fields"], files={"file": ("lighthouse.html", PAGE)}, timeout=30
    )

    assert sent.status_code in (200, 201, 204), sent.text
    key = slot.json()["key"]
    eventually(lambda: outcome(stack, key) == "indexed")
    progress = status(stack, prefix="uploads/").json()
    assert progress["counts"]["indexed"] == 1 and progress["settled"] is True
    assert [receipt["key"] for receipt in progress["receipts"]] == [key]


def test_bad_writes_are_refused_over_http(stack: LocalStack) -> None:
    invalid = requests.post(f"{stack.url}/articles", json={"title": "No text"}, timeout=30)
    missing = requests.delete(f"{stack.url}/articles/0123456789abcdef0123456789abcdef", timeout=30)
    hint = status(stack, key="hb-1.json")

    assert invalid.status_code == 400 and invalid.json()["error"]["parameter"] == "articles[0].body"
    assert missing.status_code == 404
    assert (
        hint.status_code == 404 and "api/articles/by-external-id/hb-1.json" in hint.json()["error"]["message"]
    )
