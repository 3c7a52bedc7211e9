"""The line-statistics job over an in-memory store: which objects count, what is written."""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass

import pytest

from archive_search.cleaning import text_dump_lines
from archive_search.cleaning.lines import MIN_DOCUMENTS, LineStats
from archive_search.errors import EngineUnavailable, NotFound, RejectedInput
from archive_search.ingest.linestats_job import _ordered_map, build_line_stats
from archive_search.model import ObjectRef
from archive_search.settings import LINE_STATS_KEY

pytestmark = pytest.mark.unit

MENU = "Home\nWorld\nBusiness\nSport\nOpinion\nSubscribe to our newsletter\n"
FOOTER = "\nAbout us\nContact\nPrivacy policy\n© The Example Times\n"


def dump(i: int) -> bytes:
    story = (
        f"Harbour story number {i} makes the news\n\n"
        f"The council met on day {i} and agreed on a plan for the harbour after a long debate.\n"
        f"Residents said the plan number {i} would change the waterfront for years to come.\n"
    )
    return (MENU + story + FOOTER).encode()


@dataclass
class Stored:
    data: bytes
    content_type: str | None = None


class Store:
    def __init__(
        self, objects: dict[str, bytes], *, gone: tuple[str, ...] = (), failing: str | None = None
    ) -> None:
        self.objects, self.gone, self.failing = dict(objects), set(gone), failing
        self.written: dict[ObjectRef, bytes] = {}
        self.read_keys: list[str] = []
        self._lock = threading.Lock()

    def list_keys(self, bucket: str, prefix: str = ""):  # type: ignore[no-untyped-def]
        assert bucket == "archive"
        return [(k, "etag") for k in sorted(self.objects) if k.startswith(prefix)]

    def read(self, ref: ObjectRef, *, max_bytes: int) -> Stored:
        with self._lock:
            self.read_keys.append(ref.key)
        if ref.key == self.failing:
            raise EngineUnavailable("S3 error SlowDown")
        if ref.key in self.gone:
            raise NotFound(ref.key)
        data = self.objects[ref.key]
        if len(data) > max_bytes:
            raise RejectedInput("too_large", "too large")
        return Stored(data, "text/html" if ref.key.endswith(".html") else None)

    def write(self, ref: ObjectRef, data: bytes, *, content_type: str = "application/octet-stream") -> str:
        self.written[ref] = data
        return "etag"


def run(store: Store, **kwargs):  # type: ignore[no-untyped-def]
    return build_line_stats(store, "archive", key=LINE_STATS_KEY, max_object_bytes=10_000, **kwargs)


def test_the_text_dumps_of_the_bucket_are_counted_and_written_to_the_statistics_key():
    objects = {f"inbox/{i:02}.txt": dump(i) for i in range(MIN_DOCUMENTS)}
    objects["inbox/zipped.txt.gz"] = gzip.compress(dump(99))
    objects["inbox/page.html"] = b"<html><body><p>Home</p><p>World</p></body></html>"
    objects["inbox/record.json"] = b'{"title": "Home", "body": "World"}'
    objects["inbox/empty.txt"] = b"  \n"
    objects[LINE_STATS_KEY] = b"the previous statistics"
    objects["_archive-search/anything-else"] = MENU.encode()
    store = Store(objects)

    report = run(store)

    assert LINE_STATS_KEY not in store.read_keys and "_archive-search/anything-else" not in store.read_keys
    assert list(store.written) == [ObjectRef("archive", LINE_STATS_KEY)]
    written = LineStats.from_bytes(store.written[ObjectRef("archive", LINE_STATS_KEY)])
    expected = LineStats.build(
        text_dump_lines(objects[k], k)
        for k in sorted(objects)
        if k.endswith((".txt", ".txt.gz")) and objects[k].strip()
    )
    assert written.digest == expected.digest == report.digest
    assert report.documents == written.documents == MIN_DOCUMENTS + 1  # the .txt files and the .txt.gz
    assert report.usable is True and report.key == LINE_STATS_KEY
    assert report.objects == len(objects) - 2  # everything but the reserved keys was read
    assert report.lines == len(written.keys) >= len(MENU.splitlines()) + len(FOOTER.strip().splitlines())
    # Menu lines are held by every dump; story lines by one (and so not kept).
    from archive_search.cleaning.lines import line_keys

    assert written.others(line_keys(["Home", "Privacy policy"])).tolist() == [MIN_DOCUMENTS, MIN_DOCUMENTS]
    assert written.others(line_keys(["Harbour story number 3 makes the news"])).tolist() == [0]


def test_too_few_documents_are_reported_unusable():
    report = run(Store({f"a/{i}.txt": dump(i) for i in range(5)}))
    assert report.documents == 5 and report.objects == 5 and report.usable is False


def test_objects_gone_since_the_listing_or_too_large_are_skipped():
    objects = {f"{i}.txt": dump(i) for i in range(4)}
    objects["huge.txt"] = dump(0) * 200
    report = run(Store(objects, gone=("1.txt",)))
    assert report.documents == 3 and report.objects == 5  # 0, 2 and 3.txt


def test_an_s3_failure_stops_the_job_before_anything_is_written():
    store = Store({f"{i}.txt": dump(i) for i in range(30)}, failing="17.txt")
    with pytest.raises(EngineUnavailable):
        run(store)
    assert store.written == {}


def test_an_empty_bucket_writes_empty_statistics():
    store = Store({})
    report = run(store)
    assert (report.documents, report.lines, report.usable) == (0, 0, False)
    assert LineStats.from_bytes(store.written[ObjectRef("archive", LINE_STATS_KEY)]).documents == 0


def test_the_parallel_reads_keep_the_order_and_do_not_submit_the_whole_listing_at_once():
    assert list(_ordered_map(lambda i: i * i, range(50), 4)) == [i * i for i in range(50)]
    submitted: list[int] = []

    def record(i: int) -> int:
        submitted.append(i)
        return i

    results = _ordered_map(record, range(100), 3)
    assert next(results) == 0
    assert len(submitted) == 2 * 3  # a window of twice the readers, not the 100 items
    results.close()
