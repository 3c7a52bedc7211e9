"""Line statistics on moto S3 and the real handler: ``archive-search line-stats`` builds them from
the uploaded text dumps and writes them to the bucket; their own upload is not ingested; ingest
and reindex then clean with them and record the "+lines.<digest>" cleaner version."""

from __future__ import annotations

import pytest

from archive_local.aws import queue_depth
from archive_search.cleaning import CLEANER_VERSION
from archive_search.cleaning.lines import MIN_DOCUMENTS, LineStats
from archive_search.cli import main as cli
from archive_search.ingest.batch import default_service
from archive_search.ingest.reindex import reindex
from archive_search.settings import LINE_STATS_KEY

pytestmark = pytest.mark.integration

TOWNS = ["Valmont", "Northfield", "Port Ellis", "Greywater", "Ashby", "Kelso", "Marrow Bay"]
PROSE = " ".join(
    f"The harbour board met again on day {n} and agreed that the new quay would open in the spring."
    for n in range(6)
)
TOPICS = ["harbour", "school", "bridge", "library", "market", "railway", "hospital"]


def text_dump(i: int) -> str:
    """A copied news page of one site: the same menu, widgets and footer on every page."""
    town, topic = TOWNS[i % len(TOWNS)], TOPICS[(i * 3) % len(TOPICS)]
    return "\n".join(
        [
            "The Valmont Post",
            "Home",
            "News",
            "Business",
            "Sport",
            "Culture",
            "Opinion",
            "Subscribe",
            f"{town} council approves the new {topic} plan after months of talks {i}",
            f"By Staff Reporter {i}",
            f"{town}: The council voted on Tuesday to approve the {topic} plan, ending a dispute "
            f"that had divided residents for most of the year and delayed work on the site {i}.",
            f"Supporters said the {topic} would bring jobs and visitors to {town}, while opponents "
            f"warned about the cost and asked for an independent review of the budget {i}.",
            f"The first phase is expected to start next spring, the council said in a statement "
            f"published after the meeting, and should be finished within two years {i}.",
            "Most read",
            "Share this article",
            "Follow us on social media",
            "About us",
            "Contact",
            "Privacy policy",
            "© The Valmont Post",
        ]
    )


def cleaned_documents(ingest) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {key: doc for (key, _), doc in ingest.documents().items()}


def test_line_stats_from_the_bucket_are_used_by_ingest_and_reindex_once_usable(ingest, monkeypatch):
    count = MIN_DOCUMENTS + 2
    for i in range(count):
        ingest.put(f"site/{i:02}.txt", text_dump(i))
    ingest.put(
        "site/page.html",
        f"<html><head><title>A page</title></head><body><h1>A page</h1><p>{PROSE}</p></body></html>",
    )
    ingest.drain()
    before = cleaned_documents(ingest)
    assert {before[f"site/{i:02}.txt"]["cleaner_version"] for i in range(count)} == {CLEANER_VERSION}

    assert cli(["line-stats"]) == 0
    stats = LineStats.from_bytes(
        ingest.s3.get_object(Bucket=ingest.archive.bucket, Key=LINE_STATS_KEY)["Body"].read()
    )
    assert stats.documents == count and stats.usable  # the text dumps only: not the HTML page
    lines_version = f"{CLEANER_VERSION}+lines.{stats.digest}"

    # The statistics' own notification is acknowledged: no receipt, no document, nothing in the DLQ.
    ingest.drain()
    assert ingest.receipt(LINE_STATS_KEY) is None
    assert LINE_STATS_KEY not in cleaned_documents(ingest)
    assert queue_depth(ingest.sqs, ingest.archive.dlq_url) == 0

    # A warm ingest environment picks them up at its next check (here: at once).
    monkeypatch.setattr(default_service(), "line_stats_refresh", 0)
    ingest.put("site/new.txt", text_dump(99))
    ingest.drain()
    new = cleaned_documents(ingest)["site/new.txt"]
    assert new["cleaner_version"] == lines_version
    assert ingest.receipt("site/new.txt")["cleaner_version"] == lines_version
    assert "Subscribe" not in new["body"] and "Privacy policy" not in new["body"]
    assert "approve the" in new["body"]

    # line-stats then reindex: the whole archive is cleaned again with them.
    report = reindex(default_service(), ingest.archive.bucket)
    assert report.swapped and not report.failed
    assert report.cleaner_version == lines_version
    assert report.objects == count + 2  # the uploads; the statistics object is not one
    after = cleaned_documents(ingest)
    assert LINE_STATS_KEY not in after
    assert {after[f"site/{i:02}.txt"]["cleaner_version"] for i in range(count)} == {lines_version}
    # HTML never reads the statistics: it records the plain version, and its identical bytes
    # are not cleaned again when new statistics come.
    assert after["site/page.html"]["cleaner_version"] == CLEANER_VERSION


def test_statistics_of_too_few_documents_leave_the_plain_cleaner_version(ingest, monkeypatch):
    for i in range(3):
        ingest.put(f"site/{i}.txt", text_dump(i))
    ingest.drain()
    assert cli(["line-stats"]) == 0
    monkeypatch.setattr(default_service(), "line_stats_refresh", 0)
    ingest.put("site/new.txt", text_dump(99))
    ingest.drain()
    assert cleaned_documents(ingest)["site/new.txt"]["cleaner_version"] == CLEANER_VERSION


def test_line_stats_of_part_of_the_bucket_never_replace_the_whole_archives(ingest):
    for i in range(MIN_DOCUMENTS + 2):
        ingest.put(f"site/{i:02}.txt", text_dump(i))
    ingest.drain()
    assert cli(["line-stats"]) == 0
    stored = ingest.s3.get_object(Bucket=ingest.archive.bucket, Key=LINE_STATS_KEY)["Body"].read()

    # The statistics are the whole archive's: counting part of the bucket is refused.
    with pytest.raises(SystemExit) as refused:
        cli(["line-stats", "--prefix", "nothing-here/"])

    assert refused.value.code == 2
    assert ingest.s3.get_object(Bucket=ingest.archive.bucket, Key=LINE_STATS_KEY)["Body"].read() == stored


def test_uploads_under_the_reserved_prefix_are_never_ingested(ingest):
    ingest.put(LINE_STATS_KEY, b"not statistics at all")
    ingest.put("_archive-search/notes.txt", text_dump(1))
    ingest.put("inbox/story.txt", text_dump(2))
    ingest.drain()
    ingest.s3.delete_object(Bucket=ingest.archive.bucket, Key="_archive-search/notes.txt")
    ingest.drain()

    assert ingest.receipt(LINE_STATS_KEY) is None and ingest.receipt("_archive-search/notes.txt") is None
    assert set(cleaned_documents(ingest)) == {"inbox/story.txt"}
    # The corrupt statistics object is ignored: the story is cleaned without statistics.
    assert ingest.receipt("inbox/story.txt")["cleaner_version"] == CLEANER_VERSION
    assert queue_depth(ingest.sqs, ingest.archive.queue_url) == 0
    assert queue_depth(ingest.sqs, ingest.archive.dlq_url) == 0
