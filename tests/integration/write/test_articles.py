"""POST /articles, PUT /articles/by-external-id/{id}, DELETE /articles/{id}: every write is
an object in the bucket, indexed by the real ingest path; bad input is refused before
anything is stored."""

from __future__ import annotations

import json

import pytest

from archive_search.model import ObjectRef, document_id

pytestmark = pytest.mark.integration

BODY = "The council approved the new harbour budget on Monday.\n\nWork starts in spring."


def article(title: str = "Harbour budget approved", **fields: object) -> dict[str, object]:
    return {"title": title, "body": BODY, "source": "Harbour Times", "published": "2024-03-04", **fields}


def test_a_posted_article_is_stored_under_api_and_indexed_with_the_announced_id(api) -> None:
    answer = api.call("POST", "/articles", article())

    assert answer.status == 202
    (item,) = answer.body["articles"]
    assert item["key"].startswith("api/articles/") and item["key"].endswith(".json")
    assert item["id"] == document_id(ObjectRef(api.rig.archive.bucket, item["key"]), 0)
    assert item["status_url"] == f"/ingest/status?key={item['key']}"
    api.settle()
    status = api.call("GET", "/ingest/status", query={"key": item["key"]})
    assert status.body["outcome"] == "indexed" and status.body["document_ids"] == [item["id"]]
    stored = api.call("GET", f"/articles/{item['id']}")
    assert stored.body["title"] == "Harbour budget approved" and stored.body["source"] == "Harbour Times"


def test_a_list_with_one_bad_item_is_refused_naming_index_and_field_and_nothing_is_stored(api) -> None:
    answer = api.call("POST", "/articles", [article(), article(published="4 March")])

    assert answer.status == 400
    assert answer.body["error"]["parameter"] == "articles[1].published"
    assert "articles[1].published" in answer.body["error"]["message"]
    assert api.rig.bucket_keys() == set()


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"title": "No text"}, "articles[0].body"),
        ({"title": "Typo", "bdy": BODY}, "articles[0].bdy"),
        ({"title": 7, "body": BODY}, "articles[0].title"),
        ([article(), "not an object"], "articles[1]"),
        ({"body": BODY, "url": "javascript:alert(1)"}, "articles[0].url"),
        ({"body": BODY, "external_id": "has/slash"}, "articles[0].external_id"),
        ([article(external_id="ht-1"), article("Another", external_id="ht-1")], "articles[1].external_id"),
        ({"articles": [article()], "sent_by": "importer"}, "sent_by"),
    ],
)
def test_invalid_items_are_400s_naming_the_field(api, body: object, parameter: str) -> None:
    answer = api.call("POST", "/articles", body)

    assert answer.status == 400
    assert answer.body["error"]["parameter"] == parameter
    assert api.rig.bucket_keys() == set()


def test_bodies_that_are_not_json_or_nested_too_deep_are_400s(api) -> None:
    for raw in ("", "{not json", "[" * 100_000 + "]" * 100_000):
        answer = api.call("POST", "/articles", raw=raw)
        assert answer.status == 400, raw[:10]
        assert answer.body["error"]["parameter"] == "body"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/articles"), ("PUT", "/articles/by-external-id/ht-1"), ("POST", "/uploads")],
)
def test_a_body_that_is_not_utf8_is_a_400_naming_it(api, method: str, path: str) -> None:
    answer = api.call(method, path, raw='{"body": "Café society", "filename": "café.txt"}'.encode("latin-1"))

    assert answer.status == 400
    assert answer.body["error"]["parameter"] == "body"
    assert "UTF-8" in answer.body["error"]["message"]
    assert api.rig.bucket_keys() == set()


def test_a_retry_with_the_same_idempotency_key_lands_on_the_same_key_and_id(api) -> None:
    headers = {"Idempotency-Key": "order-42"}
    first = api.call("POST", "/articles", [article(), article("Second story")], headers=headers)
    again = api.call("POST", "/articles", [article(), article("Second story")], headers=headers)

    assert first.status == again.status == 202
    assert [i["key"] for i in first.body["articles"]] == [i["key"] for i in again.body["articles"]]
    assert [i["id"] for i in first.body["articles"]] == [i["id"] for i in again.body["articles"]]
    assert [i["unchanged"] for i in again.body["articles"]] == [True, True]
    assert len(api.stored()) == 2
    api.settle()
    assert len(api.rig.documents()) == 2


def test_an_idempotency_key_reused_for_other_content_is_a_409(api) -> None:
    headers = {"Idempotency-Key": "order-43"}
    api.call("POST", "/articles", article(), headers=headers)

    answer = api.call("POST", "/articles", article("Another title"), headers=headers)

    assert answer.status == 409
    assert answer.body["error"]["parameter"] == "Idempotency-Key"


@pytest.mark.parametrize(
    "retry",
    [
        pytest.param([article(), article("Second story"), article("Third story")], id="one article more"),
        pytest.param([article()], id="one article less"),
        pytest.param([article("Second story"), article()], id="the same articles in another order"),
    ],
)
def test_an_idempotency_key_reused_for_another_list_is_a_409_and_stores_nothing(api, retry) -> None:
    headers = {"Idempotency-Key": "order-45"}
    first = api.call("POST", "/articles", [article(), article("Second story")], headers=headers)

    answer = api.call("POST", "/articles", retry, headers=headers)

    assert first.status == 202 and answer.status == 409, answer.body
    assert answer.body["error"]["parameter"] == "Idempotency-Key"
    assert set(api.stored()) == {item["key"] for item in first.body["articles"]}


def test_an_idempotency_key_raced_by_another_request_with_other_content_is_a_409_not_a_lost_write(
    api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given two requests with one Idempotency-Key and different content in flight at once, the
    other one storing its article after this one found the key free: this one must not
    overwrite it and answer 202 (the other client's article would be lost, both told 202)."""
    from archive_search.adapters.s3 import ObjectStore

    headers = {"Idempotency-Key": "order-44"}
    checked = ObjectStore.metadata

    def the_other_request_writes_after_the_check(self, ref):  # type: ignore[no-untyped-def]
        found = checked(self, ref)
        self.write(ref, b'{"body": "The other request."}', content_type="application/json")
        monkeypatch.setattr(ObjectStore, "metadata", checked)
        return found

    monkeypatch.setattr(ObjectStore, "metadata", the_other_request_writes_after_the_check)

    answer = api.call("POST", "/articles", article(), headers=headers)

    assert answer.status == 409 and answer.body["error"]["parameter"] == "Idempotency-Key"
    assert list(api.stored().values()) == [b'{"body": "The other request."}']


WIRE_20 = "/articles/by-external-id/wire-20"


@pytest.mark.parametrize(
    ("first", "reuse"),
    [
        pytest.param(
            ("PUT", WIRE_20, article()),
            ("PUT", "/articles/by-external-id/wire-21", article()),
            id="PUT of another external id",
        ),
        pytest.param(
            ("PUT", WIRE_20, article()), ("PUT", WIRE_20, article("Revised")), id="PUT of other content"
        ),
        pytest.param(("PUT", WIRE_20, article()), ("DELETE", WIRE_20, None), id="DELETE after its PUT"),
        pytest.param(("POST", "/articles", article()), ("PUT", WIRE_20, article()), id="PUT after a POST"),
        pytest.param(
            ("DELETE", WIRE_20, None),
            ("DELETE", "/articles/by-external-id/wire-21", None),
            id="DELETE of another article",
        ),
        pytest.param(
            ("POST", "/articles", article(external_id="wire-20")),
            ("POST", "/articles", article(external_id="wire-21")),
            id="POST of another external id",
        ),
    ],
)
def test_an_idempotency_key_reused_for_another_write_is_a_409_and_changes_nothing(
    api, first: tuple[str, str, object], reuse: tuple[str, str, object]
) -> None:
    """An Idempotency-Key names one request, whatever its route: PUT and DELETE are idempotent
    by nature, but a key sent again with another target or other content is a client's bug (a
    key reused by mistake), refused as POST /articles refuses it, before anything changes."""
    for wire in ("wire-20", "wire-21"):
        api.call("PUT", f"/articles/by-external-id/{wire}", article(f"Story {wire}"))
    headers = {"Idempotency-Key": "sync-20"}
    assert api.call(*first, headers=headers).status == 202
    before = api.stored()

    answer = api.call(*reuse, headers=headers)

    assert answer.status == 409, answer.body
    assert answer.body["error"]["parameter"] == "Idempotency-Key"
    assert "sync-20" in answer.body["error"]["message"]
    assert api.stored() == before


@pytest.mark.parametrize(
    "write",
    [("PUT", WIRE_20, article("Revised")), ("DELETE", WIRE_20, None)],
    ids=["PUT", "DELETE"],
)
def test_a_put_or_delete_retried_with_its_idempotency_key_is_answered_again(api, write) -> None:
    """A DELETE retried after a lost answer must not be told 404: the client's delete worked."""
    api.call("PUT", WIRE_20, article())
    headers = {"Idempotency-Key": "sync-21"}

    first = api.call(*write, headers=headers)
    again = api.call(*write, headers=headers)

    assert first.status == again.status == 202, again.body
    assert {k: v for k, v in again.body.items() if k != "unchanged"} == {
        k: v for k, v in first.body.items() if k != "unchanged"
    }


@pytest.mark.parametrize(
    "write",
    [("POST", "/articles", article()), ("PUT", "/articles/by-external-id/wire-30", article())],
    ids=["POST", "PUT"],
)
def test_a_late_retry_of_a_write_after_its_article_was_deleted_does_not_bring_it_back(api, write) -> None:
    """Given a write whose answer was lost, then a delete of its article (by id, with a key of its
    own), when both are retried late: the delete is answered again, and the write is answered as
    the first time and stores nothing; the article stays deleted."""
    first = api.call(*write, headers={"Idempotency-Key": "sync-30"})
    (item,) = first.body.get("articles", [first.body])
    api.settle()
    deleted = api.call("DELETE", f"/articles/{item['id']}", headers={"Idempotency-Key": "sync-31"})
    api.settle()

    delete_again = api.call("DELETE", f"/articles/{item['id']}", headers={"Idempotency-Key": "sync-31"})
    again = api.call(*write, headers={"Idempotency-Key": "sync-30"})
    api.settle()

    assert deleted.status == delete_again.status == 202 and delete_again.body == deleted.body
    assert again.status == 202, again.body
    (replayed,) = again.body.get("articles", [again.body])
    assert replayed == {**item, "unchanged": True}
    assert api.stored() == {}
    assert api.call("GET", "/ingest/status", query={"key": item["key"]}).body["outcome"] == "deleted"
    assert api.call("GET", f"/articles/{item['id']}").status == 404


def test_a_late_retry_of_an_older_put_does_not_overwrite_the_newer_one(api) -> None:
    api.call(
        "PUT", "/articles/by-external-id/wire-31", article("Old title"), headers={"Idempotency-Key": "v1"}
    )
    api.call(
        "PUT", "/articles/by-external-id/wire-31", article("New title"), headers={"Idempotency-Key": "v2"}
    )

    again = api.call(
        "PUT", "/articles/by-external-id/wire-31", article("Old title"), headers={"Idempotency-Key": "v1"}
    )
    api.settle()

    assert again.status == 202 and again.body["unchanged"] is True
    (document,) = api.rig.documents().values()
    assert document["title"] == "New title"


@pytest.mark.parametrize(
    "write",
    [("POST", "/articles", article()), ("PUT", "/articles/by-external-id/wire-32", article())],
    ids=["POST", "PUT"],
)
def test_a_retry_of_a_write_whose_first_attempt_failed_stores_the_article(
    api, monkeypatch: pytest.MonkeyPatch, write
) -> None:
    """The key is claimed before the article is written: a claim without an answer is a request
    that did not finish, and its retry does the work."""
    from archive_search.adapters.s3 import ObjectStore
    from archive_search.errors import StorageUnavailable

    written = ObjectStore.write

    def storage_down_for_articles(self, ref, data, **options):  # type: ignore[no-untyped-def]
        if ref.key.startswith("api/articles/"):
            raise StorageUnavailable("S3 unreachable")
        return written(self, ref, data, **options)

    monkeypatch.setattr(ObjectStore, "write", storage_down_for_articles)
    failed = api.call(*write, headers={"Idempotency-Key": "sync-32"})
    monkeypatch.setattr(ObjectStore, "write", written)

    again = api.call(*write, headers={"Idempotency-Key": "sync-32"})

    assert failed.status == 503 and again.status == 202, again.body
    (item,) = again.body.get("articles", [again.body])
    assert item["unchanged"] is False and list(api.stored()) == [item["key"]]


def test_external_id_makes_post_and_put_replace_one_article(api) -> None:
    first = api.call("POST", "/articles", article(external_id="wire-7"))
    replaced = api.call("PUT", "/articles/by-external-id/wire-7", article("Harbour budget revised"))

    assert replaced.status == 202
    assert (
        replaced.body["key"] == first.body["articles"][0]["key"] == "api/articles/by-external-id/wire-7.json"
    )
    assert replaced.body["id"] == first.body["articles"][0]["id"]
    api.settle()
    (document,) = api.rig.documents().values()
    assert document["title"] == "Harbour budget revised"


def test_put_refuses_a_body_whose_external_id_differs_from_the_path(api) -> None:
    answer = api.call("PUT", "/articles/by-external-id/wire-8", article(external_id="wire-9"))

    assert answer.status == 400
    assert answer.body["error"]["parameter"] == "articles[0].external_id"


def test_delete_removes_the_source_object_and_the_article_leaves_search(api) -> None:
    (item,) = api.call("POST", "/articles", article()).body["articles"]
    api.settle()

    answer = api.call("DELETE", f"/articles/{item['id']}")

    assert answer.status == 202 and answer.body["key"] == item["key"]
    assert item["key"] not in api.rig.bucket_keys()
    api.settle()
    assert api.call("GET", "/ingest/status", query={"key": item["key"]}).body["outcome"] == "deleted"
    assert api.call("GET", f"/articles/{item['id']}").status == 404


@pytest.mark.parametrize("path", ["/articles/0123456789abcdef0123456789abcdef", WIRE_20])
def test_a_delete_with_a_body_is_refused_naming_it_before_anything_is_deleted(api, path: str) -> None:
    api.call("PUT", WIRE_20, article())

    answer = api.call("DELETE", path, raw=b'{"reason": "retracted"}')

    assert answer.status == 400 and answer.body["error"]["parameter"] == "body", answer.body
    assert api.call("DELETE", WIRE_20).status == 202


def test_delete_of_an_unknown_id_is_404(api) -> None:
    answer = api.call("DELETE", "/articles/0123456789abcdef0123456789abcdef")

    assert answer.status == 404
    assert "status_url" in answer.body["error"]["message"]


@pytest.mark.parametrize(
    ("key", "content", "ordinal", "why"),
    [
        (
            "api/articles/batch.json",
            json.dumps([article(), article("Second story")]),
            1,
            "one of the 2 articles",
        ),
        ("inbox/harbour.txt", "Harbour budget approved\n\n" + BODY, 0, "not written through this API"),
    ],
    ids=["multi-article file", "dropped outside the write prefixes"],
)
def test_delete_that_would_remove_more_or_other_than_the_article_is_409_and_keeps_the_file(
    api, key: str, content: str, ordinal: int, why: str
) -> None:
    api.rig.put(key, content)
    api.settle()

    answer = api.call("DELETE", f"/articles/{document_id(ObjectRef(api.rig.archive.bucket, key), ordinal)}")

    assert answer.status == 409
    assert why in answer.body["error"]["message"] and key in answer.body["error"]["message"]
    assert key in api.rig.bucket_keys()


def test_more_articles_than_one_request_may_carry_is_a_400_before_anything_is_stored(api) -> None:
    from archive_search.writes.records import MAX_ARTICLES_PER_REQUEST

    answer = api.call(
        "POST", "/articles", [article(f"Story {i}") for i in range(MAX_ARTICLES_PER_REQUEST + 1)]
    )

    assert answer.status == 400 and answer.body["error"]["parameter"] == "body"
    assert f"at most {MAX_ARTICLES_PER_REQUEST}" in answer.body["error"]["message"]
    assert api.rig.bucket_keys() == set()


def test_delete_by_external_id_removes_its_object_without_an_index_lookup(api) -> None:
    (item,) = api.call("POST", "/articles", article(external_id="wire-10")).body["articles"]

    answer = api.call("DELETE", "/articles/by-external-id/wire-10")
    again = api.call("DELETE", "/articles/by-external-id/wire-10")

    assert answer.status == 202 and answer.body == {
        "id": item["id"],
        "key": item["key"],
        "status_url": item["status_url"],
    }
    assert item["key"] not in api.rig.bucket_keys()
    assert again.status == 404


def test_a_body_longer_than_ingest_accepts_is_a_400_before_anything_is_stored(api) -> None:
    from archive_search.model import MAX_BODY_CHARS  # ingest's bound too

    answer = api.call("POST", "/articles", [article(body="word " * (MAX_BODY_CHARS // 5 + 1))])

    assert answer.status == 400 and answer.body["error"]["parameter"] == "articles[0].body"
    assert api.rig.bucket_keys() == set()


def test_an_article_whose_object_ingest_would_reject_for_size_is_a_400_before_anything_is_stored(
    api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given MAX_OBJECT_BYTES lowered to 2,000, a list whose second article's stored record is
    over it (each field within its own bound) is refused naming that article: answered 202, it
    would only have been rejected as too_large by ingest, after replacing what was stored."""
    from tests.ingest_support import reset_caches

    monkeypatch.setenv("MAX_OBJECT_BYTES", "2000")
    reset_caches()

    answer = api.call("POST", "/articles", [article(), article(body="word " * 500)])

    assert answer.status == 400 and answer.body["error"]["parameter"] == "articles[1]"
    assert "2000" in answer.body["error"]["message"]
    assert api.rig.bucket_keys() == set()


@pytest.mark.parametrize("path", ["/articles", "/articles/by-external-id/wire-40"], ids=["POST", "PUT"])
def test_an_idempotency_key_of_a_request_refused_as_too_large_stays_free_for_the_fixed_one(
    api, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """A 400 for a bad request does nothing under its key: the client fixes the article and
    sends it again with the same key, and is not told the key was used for another request."""
    from tests.ingest_support import reset_caches

    monkeypatch.setenv("MAX_OBJECT_BYTES", "2000")
    reset_caches()
    method = "POST" if path == "/articles" else "PUT"
    headers = {"Idempotency-Key": "sync-40"}

    refused = api.call(method, path, article(body="word " * 500), headers=headers)
    fixed = api.call(method, path, article(), headers=headers)

    assert refused.status == 400, refused.body
    assert fixed.status == 202, fixed.body
    assert len(api.stored()) == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/articles", article()),
        ("PUT", "/articles/by-external-id/ht-415", article()),
        ("POST", "/uploads", {"filename": "a.html"}),
    ],
)
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_json_body_sent_as_another_media_type_is_a_415_naming_json(
    api, method: str, path: str, body: dict, content_type: str
) -> None:
    answer = api.call(method, path, body, headers={"content-type": content_type})

    assert answer.status == 415, answer.body
    assert answer.body["error"]["code"] == "unsupported_media_type"
    assert "application/json" in answer.body["error"]["message"]
    assert api.rig.bucket_keys() == set()


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON"]
)
def test_json_in_any_spelling_of_its_media_type_is_taken(api, content_type: str) -> None:
    assert api.call("POST", "/articles", article(), headers={"content-type": content_type}).status == 202


@pytest.mark.parametrize(
    ("method", "path", "raw", "parameter"),
    [
        ("POST", "/articles", '{"title": "A", "body": "Text.", "title": "B"}', "articles[0].title"),
        (
            "POST",
            "/articles",
            '[{"title": "A", "body": "Text."}, {"body": "x", "tags": ["a"], "body": "y"}]',
            "articles[1].body",
        ),
        ("POST", "/articles", '{"articles": [], "articles": [{"title": "A", "body": "Text."}]}', "articles"),
        (
            "PUT",
            "/articles/by-external-id/ht-dup",
            '{"body": "Text.", "external_id": "a", "external_id": "b"}',
            "articles[0].external_id",
        ),
        ("POST", "/uploads", '{"filename": "a.html", "filename": "b.exe"}', "filename"),
    ],
)
def test_a_field_given_twice_is_a_400_naming_it_and_nothing_is_stored(
    api, method: str, path: str, raw: str, parameter: str
) -> None:
    answer = api.call(method, path, raw=raw)

    assert answer.status == 400, answer.body
    assert answer.body["error"]["parameter"] == parameter
    assert "twice" in answer.body["error"]["message"]
    assert api.rig.bucket_keys() == set()
