"""GET /ingest/status without key: counts by outcome, queued objects, the latest receipts
with filters and a cursor (newest first, or oldest first to follow them); with a key missing
its prefix, a 404 naming the key meant."""

from __future__ import annotations

import unicodedata

import pytest

pytestmark = pytest.mark.integration

GOOD = "Harbour budget approved\n\nThe council approved the new harbour budget on Monday after a long debate."
OTHER = (
    "Ferry timetable changes\n\nThe summer ferries will leave the old quay an hour earlier from June onwards."
)


def drop_files(api) -> None:  # type: ignore[no-untyped-def]
    api.rig.put("inbox/a.txt", GOOD)
    api.rig.put("inbox/b.txt", OTHER)
    api.rig.put("inbox/empty.txt", "")
    api.rig.put("elsewhere/c.txt", GOOD + " Elsewhere.")


def test_counts_show_queued_until_ingest_settles_then_outcomes(api) -> None:
    drop_files(api)  # before ingest's first run: no receipts index yet

    before = api.call("GET", "/ingest/status", query={"prefix": "inbox/"})
    api.settle()
    after = api.call("GET", "/ingest/status", query={"prefix": "inbox/"})
    overall = api.call("GET", "/ingest/status")

    assert before.status == 200
    assert before.body["counts"]["queued"] == 3 and before.body["settled"] is False
    assert after.body["counts"] == {"queued": 0, "indexed": 2, "duplicate": 0, "rejected": 1, "deleted": 0}
    assert after.body["settled"] is True and after.body["listed_objects"] == 3
    assert overall.body["counts"]["indexed"] == 3 and overall.body["prefix"] == ""


def test_receipts_are_filtered_by_outcome_and_paged_with_a_cursor(api) -> None:
    drop_files(api)
    api.settle()

    rejected = api.call("GET", "/ingest/status", query={"prefix": "inbox/", "outcome": "rejected"})
    keys, cursor = [], None
    for _ in range(5):
        query = {"prefix": "inbox/", "size": 1, **({"cursor": cursor} if cursor else {})}
        page = api.call("GET", "/ingest/status", query=query).body
        keys += [receipt["key"] for receipt in page["receipts"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert [r["key"] for r in rejected.body["receipts"]] == ["inbox/empty.txt"]
    assert sorted(keys) == ["inbox/a.txt", "inbox/b.txt", "inbox/empty.txt"]


def test_since_keeps_only_receipts_updated_at_or_after_it(api) -> None:
    drop_files(api)
    api.settle()

    future = api.call("GET", "/ingest/status", query={"since": "2999-01-01T00:00:00Z"})
    past = api.call("GET", "/ingest/status", query={"since": "2000-01-01"})

    assert future.body["receipts"] == [] and len(past.body["receipts"]) == 4
    assert (
        api.call("GET", "/ingest/status", query={"since": "yesterday"}).body["error"]["parameter"] == "since"
    )


@pytest.mark.parametrize(
    ("since", "listed"),
    [
        ("2000-01-01T00:00:00+23:59", 4),  # ISO 8601 offsets go to ±23:59, the engine's to ±18:00
        ("2000-01-01T00:00:00-19:30", 4),
        ("2999-01-01T00:00:00+20:00", 0),
    ],
)
def test_since_with_any_offset_iso_8601_allows_filters_as_that_instant(api, since: str, listed: int) -> None:
    drop_files(api)
    api.settle()

    answer = api.call("GET", "/ingest/status", query={"since": since})

    assert answer.status == 200, answer.body
    assert len(answer.body["receipts"]) == listed


@pytest.mark.parametrize("since", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+00:01"])
def test_since_past_the_calendar_in_utc_is_a_400_naming_since(api, since: str) -> None:
    answer = api.call("GET", "/ingest/status", query={"since": since})

    assert answer.status == 400, answer.body
    assert answer.body["error"]["parameter"] == "since"
    assert since in answer.body["error"]["message"]


def test_a_key_without_its_prefix_is_a_404_naming_the_key_meant(api) -> None:
    drop_files(api)
    api.settle()

    answer = api.call("GET", "/ingest/status", query={"key": "a.txt"})

    assert answer.status == 404
    assert "key=inbox/a.txt" in answer.body["error"]["message"]
    assert api.call("GET", "/ingest/status", query={"key": "nothing.txt"}).status == 404


@pytest.mark.parametrize("stored_form", ["NFD", "NFC"])
def test_a_key_in_another_unicode_normal_form_finds_the_receipt(api, stored_form: str) -> None:
    # macOS writes file names decomposed (NFD); a typed or pasted key is usually composed (NFC).
    stored = unicodedata.normalize(stored_form, "inbox/Café Zürich.txt")
    asked = unicodedata.normalize("NFC" if stored_form == "NFD" else "NFD", stored)
    api.rig.put(stored, GOOD)
    api.settle()

    found = api.call("GET", "/ingest/status", query={"key": asked})
    hinted = api.call("GET", "/ingest/status", query={"key": asked.removeprefix("inbox/")})

    assert found.status == 200 and found.body["key"] == stored and found.body["outcome"] == "indexed"
    assert found.body["event_pending"] is False  # no bus in this rig: no outbox, nothing waits
    assert hinted.status == 404 and f"key={stored}" in hinted.body["error"]["message"]


def test_a_key_whose_plus_signs_a_url_turned_into_spaces_is_a_404_saying_how_to_write_them(api) -> None:
    # "?key=inbox/Q+A.txt" typed into a browser or curl asks for "inbox/Q A.txt".
    api.rig.put("inbox/Q+A harbour.txt", GOOD)
    api.settle()

    answer = api.call("GET", "/ingest/status", query={"key": "inbox/Q A harbour.txt"})

    assert answer.status == 404
    assert "key=inbox/Q%2BA%20harbour.txt" in answer.body["error"]["message"]
    assert "write it %2B" in answer.body["error"]["message"]


@pytest.mark.parametrize(
    ("key", "says"),
    [
        (
            "_archive-search/notes.txt",
            "keys under _archive-search/ are the service's own objects, not uploads",
        ),
        ("inbox/drafts/", "a key ending in / is a folder, not an uploaded file"),
    ],
)
def test_a_key_ingest_never_reads_is_a_404_saying_why(api, key: str, says: str) -> None:
    # ingest acknowledges these without a receipt: "no ingest receipt" alone left the uploader
    # waiting for one
    drop_files(api)
    api.rig.put(key, "" if key.endswith("/") else GOOD)
    api.settle()

    answer = api.call("GET", "/ingest/status", query={"key": key})

    assert answer.status == 404
    assert (
        answer.body["error"]["message"]
        == f"no ingest receipt for s3://{api.rig.archive.bucket}/{key}: {says}"
    )


def test_an_upload_not_yet_ingested_is_a_404_saying_it_is_queued(api) -> None:
    # a poller of a status_url heard the same 404 for "still queued" as for a wrong key
    drop_files(api)
    api.settle()
    api.rig.put("inbox/later.txt", GOOD)

    queued = api.call("GET", "/ingest/status", query={"key": "inbox/later.txt"})
    missing = api.call("GET", "/ingest/status", query={"key": "inbox/never.txt"})

    assert queued.status == 404
    assert queued.body["error"]["message"].endswith(
        ": the object is in the bucket and waits for ingest (queued); ask again in a few seconds"
    )
    assert missing.status == 404 and "queued" not in missing.body["error"]["message"]


def test_unknown_or_conflicting_parameters_are_400s_with_the_common_headers(api) -> None:
    unknown = api.call("GET", "/ingest/status", query={"prefx": "inbox/"})
    both = api.call("GET", "/ingest/status", query={"key": "inbox/a.txt", "prefix": "inbox/"})

    assert unknown.status == 400 and unknown.body["error"]["parameter"] == "prefx"
    assert both.status == 400 and both.body["error"]["parameter"] == "prefix"
    headers = {name.lower(): value for name, value in unknown.headers.items()}
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"


def test_a_cursor_of_another_filter_is_refused(api) -> None:
    drop_files(api)
    api.settle()
    cursor = api.call("GET", "/ingest/status", query={"prefix": "inbox/", "size": 1}).body["next_cursor"]

    answer = api.call("GET", "/ingest/status", query={"prefix": "elsewhere/", "size": 1, "cursor": cursor})

    assert answer.status == 400 and answer.body["error"]["parameter"] == "cursor"


def test_the_listing_stops_at_its_bound_and_says_so(api) -> None:
    from archive_search.ingest.receipts import queued_keys

    drop_files(api)
    api.settle()
    listing = [("inbox/a.txt", "x"), ("inbox/b.txt", "y"), ("inbox/empty.txt", "z")]

    queued, listed, complete = queued_keys(
        api.rig.engine, api.rig.settings.receipts_alias, iter(listing), api.rig.archive.bucket, max_keys=2
    )

    assert (listed, complete) == (2, False)
    assert queued == ["inbox/a.txt", "inbox/b.txt"]  # their ETags are not the receipted ones


def test_a_folder_made_in_the_s3_console_is_neither_an_upload_nor_counted(api) -> None:
    """The S3 console's "Create folder" stores an empty object whose key ends in "/": it is a
    folder, not a file someone uploaded, so it gets no `rejected` (empty) receipt and no
    Upload Rejected event, and a prefix holding one still settles."""
    api.rig.put("inbox/2024 imports/", "")
    api.rig.put("inbox/2024 imports/a.txt", GOOD)
    api.settle()

    status = api.call("GET", "/ingest/status", query={"prefix": "inbox/"})

    assert api.rig.receipt("inbox/2024 imports/") is None
    assert status.body["counts"] == {"queued": 0, "indexed": 1, "duplicate": 0, "rejected": 0, "deleted": 0}
    assert status.body["settled"] is True and status.body["listed_objects"] == 1


def follow(api, **query) -> tuple[list[str], str | None]:  # type: ignore[no-untyped-def]
    """One oldest-first page of one receipt: its keys and the cursor to resume after."""
    answer = api.call("GET", "/ingest/status", query={"order": "oldest", "size": 1, **query})
    assert answer.status == 200, answer.body
    return [receipt["key"] for receipt in answer.body["receipts"]], answer.body["next_cursor"]


def set_updated_at(api, keys: list[str], when: str) -> None:  # type: ignore[no-untyped-def]
    from archive_search.model import ObjectRef, receipt_id

    alias = api.rig.settings.receipts_alias
    for key in keys:
        doc_id = receipt_id(ObjectRef(api.rig.archive.bucket, key))
        api.rig.engine.client.update(index=alias, id=doc_id, body={"doc": {"updated_at": when}})
    api.rig.engine.refresh(alias)


def test_oldest_first_pages_of_one_resume_after_the_last_receipt_even_on_shared_timestamps(api) -> None:
    # Given three receipts written in the same millisecond and one a second later
    drop_files(api)
    api.settle()
    set_updated_at(api, ["inbox/a.txt", "inbox/b.txt", "inbox/empty.txt"], "2026-01-01T00:00:00.000Z")
    set_updated_at(api, ["elsewhere/c.txt"], "2026-01-01T00:00:01.000Z")

    # When a poller follows them a page of one at a time, to the end and once more
    keys, cursor = [], None
    for _ in range(6):
        page, cursor = follow(api, **({"cursor": cursor} if cursor else {}))
        keys += page

    # Then each receipt comes once, oldest first and by key within a timestamp, and the
    # cursor of the empty pages still resumes there
    assert keys == ["inbox/a.txt", "inbox/b.txt", "inbox/empty.txt", "elsewhere/c.txt"]
    assert cursor is not None

    # And a receipt re-written later (a new upload on its key) comes once more, after the rest
    set_updated_at(api, ["inbox/a.txt"], "2026-01-01T00:00:02.000Z")
    again, after = follow(api, cursor=cursor)
    assert again == ["inbox/a.txt"]
    assert follow(api, cursor=after)[0] == []


def test_a_follower_whose_cursor_expired_resumes_with_since_and_misses_nothing(api) -> None:
    # Given a follower that handled two receipts of one instant, then lost its cursor (a new
    # CURSOR_SECRET: the cursor is refused as expired)
    drop_files(api)
    api.settle()
    set_updated_at(api, ["inbox/a.txt", "inbox/b.txt", "inbox/empty.txt"], "2026-01-01T00:00:00.000Z")
    set_updated_at(api, ["elsewhere/c.txt"], "2026-01-01T00:00:01.000Z")
    handled, cursor = follow(api)
    page, cursor = follow(api, cursor=cursor)
    handled += page
    forged = api.call("GET", "/ingest/status", query={"order": "oldest", "cursor": cursor[:-2] + "AA"})
    assert forged.status == 400 and forged.body["error"]["parameter"] == "cursor"

    # When it starts again with since= the updated_at of the last receipt it handled
    resumed, cursor = [], None
    for _ in range(5):
        page, cursor = follow(api, since="2026-01-01T00:00:00.000Z", **({"cursor": cursor} if cursor else {}))
        resumed += page

    # Then the receipts of that instant come again, and nothing after it is missed
    assert handled == ["inbox/a.txt", "inbox/b.txt"]
    assert resumed == ["inbox/a.txt", "inbox/b.txt", "inbox/empty.txt", "elsewhere/c.txt"]


def test_oldest_first_holds_back_receipts_younger_than_the_follow_margin(api) -> None:
    # Given one receipt just written (it may still have concurrent ones on their way) and one older
    drop_files(api)
    api.settle()
    set_updated_at(api, ["inbox/b.txt", "inbox/empty.txt", "elsewhere/c.txt"], "2026-01-01T00:00:00.000Z")

    # When a poller reads them oldest first
    keys, cursor = [], None
    for _ in range(5):
        page, cursor = follow(api, **({"cursor": cursor} if cursor else {}))
        keys += page

    # Then the fresh one is not listed yet (a later poll past the margin lists it)
    assert keys == ["elsewhere/c.txt", "inbox/b.txt", "inbox/empty.txt"]


def test_a_newest_first_cursor_is_refused_by_an_oldest_first_request(api) -> None:
    drop_files(api)
    api.settle()
    cursor = api.call("GET", "/ingest/status", query={"size": 1}).body["next_cursor"]

    answer = api.call("GET", "/ingest/status", query={"order": "oldest", "cursor": cursor})
    wrong = api.call("GET", "/ingest/status", query={"order": "sideways"})

    assert answer.status == 400 and answer.body["error"]["parameter"] == "cursor"
    assert wrong.status == 400 and wrong.body["error"]["parameter"] == "order"
