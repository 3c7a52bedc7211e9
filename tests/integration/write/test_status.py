"""GET /ingest/status without key: counts by outcome, queued objects, the latest receipts
with filters and a cursor; with a key missing its prefix, a 404 naming the key meant."""

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
