"""``archive-search``: operate the archive from a shell (same settings as the Lambdas).

    archive-search bootstrap                 create the article and receipt indices
    archive-search status KEY [--bucket B]   the ingest receipt of one upload
    archive-search status [--prefix P] [--watch]
                                             counts by outcome and queued uploads (under P);
                                             --watch draws a progress bar until P settles
    archive-search reindex [--bucket B]      rebuild the index from the bucket, swap the alias
    archive-search line-stats [--bucket B]
                                             count the lines the archive's text dumps share and
                                             write them to LINE_STATS_KEY in the bucket; then
                                             `reindex` re-cleans the archive with them
    archive-search redrive --dlq-url URL --queue-url URL [--limit N]
                                             replay DLQ messages into the ingest queue
    archive-search redrive-relay --dlq-url URL --queue-url URL [--limit N]
                                             replay the webhook relay's dead letters into its queue
    archive-search republish-events [--after-seconds S] [--max-events N] [--time-limit S]
                                             publish again the events still in the outbox
                                             (what the ingest schedule runs)

Configuration comes from the environment (OPENSEARCH_URL, INDEX_ALIAS, ARCHIVE_BUCKET,
INGEST_QUEUE_URL, INGEST_DLQ_URL, RELAY_DLQ_URL, RELAY_QUEUE_URL, ...). Results are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from archive_search.errors import ArchiveSearchError


def main(argv: Sequence[str] | None = None) -> int:
    _log_to_stderr()
    args = _parser().parse_args(argv)
    try:
        result = args.run(args)
    except ArchiveSearchError as exc:
        print(json.dumps({"error": {"code": exc.code, "message": str(exc)}}), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, sort_keys=True, default=str))
    return 1 if isinstance(result, dict) and result.get("failed") else 0


def _log_to_stderr() -> None:
    """stdout carries the JSON result alone (``archive-search reindex | jq``): logs go to stderr."""
    import logging

    from archive_search.observability import logger

    for handler in logger.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(_Stderr())


class _Stderr:
    """Whatever ``sys.stderr`` is when a line is written (tests and shells may replace it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive-search", description="Operate the archive from a shell (same settings as the Lambdas)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    bootstrap = commands.add_parser(
        "bootstrap", help="create the article and receipt indices, add new receipt fields (idempotent)"
    )
    bootstrap.set_defaults(run=_bootstrap)

    status = commands.add_parser(
        "status",
        help="the ingest receipt of one upload, or the progress of a prefix (--watch: until it settles)",
    )
    status.add_argument(
        "key", nargs="?", type=_key, metavar="KEY", help="one upload's key; leave out for counts"
    )
    status.add_argument("--bucket", type=_bucket_name, help="defaults to ARCHIVE_BUCKET")
    status.add_argument("--prefix", default="", help="only keys under this prefix (without KEY)")
    status.add_argument("--watch", action="store_true", help="redraw a progress bar until nothing is queued")
    status.add_argument(
        "--interval", type=_seconds, default=1.0, help="seconds between checks with --watch (at least 0.1)"
    )
    status.set_defaults(run=_status)

    reindex = commands.add_parser("reindex", help="rebuild the index from the bucket and swap the alias")
    reindex.add_argument("--bucket", type=_bucket_name, help="defaults to ARCHIVE_BUCKET")
    reindex.set_defaults(run=_reindex)

    line_stats = commands.add_parser(
        "line-stats",
        help="count the lines repeated across the archive's text dumps and write them to the bucket "
        "(then reindex to re-clean the archive with them)",
    )
    line_stats.add_argument("--bucket", type=_bucket_name, help="defaults to ARCHIVE_BUCKET")
    line_stats.set_defaults(run=_line_stats)

    redrive = commands.add_parser("redrive", help="replay the DLQ into the ingest queue")
    redrive.add_argument("--dlq-url", default=os.environ.get("INGEST_DLQ_URL"))
    redrive.add_argument("--queue-url", default=os.environ.get("INGEST_QUEUE_URL"))
    redrive.add_argument("--limit", type=_count, default=None, help="move at most this many messages")
    redrive.set_defaults(run=_redrive)

    redrive_relay = commands.add_parser(
        "redrive-relay", help="replay the webhook relay's dead-letter queue into the relay's queue"
    )
    redrive_relay.add_argument("--dlq-url", default=os.environ.get("RELAY_DLQ_URL"))
    redrive_relay.add_argument("--queue-url", default=os.environ.get("RELAY_QUEUE_URL"))
    redrive_relay.add_argument("--limit", type=_count, default=None, help="replay at most this many messages")
    redrive_relay.set_defaults(run=_redrive_relay)

    republish = commands.add_parser(
        "republish-events",
        help="publish again the events the bus has not accepted yet (what the ingest schedule runs)",
    )
    republish.add_argument(
        "--after-seconds",
        type=_seconds,
        default=None,
        help="only events stored at least this long ago (default EVENTS_REPUBLISH_AFTER_SECONDS; 0: all)",
    )
    republish.add_argument("--max-events", type=_count, default=None, help="publish at most this many")
    republish.add_argument(
        "--time-limit", type=_seconds, default=600.0, help="start no page after this many seconds"
    )
    republish.set_defaults(run=_republish_events)
    return parser


def _seconds(text: str) -> float:
    """A number of seconds ``time.sleep`` can take: ``nan`` and ``inf`` parse as floats and
    then crash the sleep, a negative value is a typo."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def _count(text: str) -> int:
    """A number of messages or events to move: below 1 would quietly move none."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive count: {text!r}")
    return value


def _key(text: str) -> str:
    """An upload's key: an empty one (an unset shell variable) looked up ``s3://<bucket>/``."""
    if not text:
        raise argparse.ArgumentTypeError("empty: name an upload's key, or leave out KEY for counts")
    return text


def _bucket_name(text: str) -> str:
    """A bucket given on the command line: an empty one is a slip, not the default bucket."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty: name a bucket, or leave out --bucket for ARCHIVE_BUCKET")
    # The characters botocore accepts in a name: anything else (an s3:// URL, a key) came
    # back from its validation as a multi-line "S3 unreachable" error.
    if not re.fullmatch(r"[a-zA-Z0-9._-]{1,255}", text):
        raise argparse.ArgumentTypeError(
            f"not a bucket name: {text!r} (letters, digits, '.', '-', '_'; no s3:// and no key)"
        )
    return text


def _service() -> Any:
    from archive_search.ingest.batch import default_service

    return default_service()


def _bucket(args: argparse.Namespace) -> str:
    from archive_search.errors import InvalidRequest
    from archive_search.settings import get_settings

    bucket = args.bucket or get_settings().archive_bucket
    if not bucket:
        raise InvalidRequest("name the bucket with --bucket or ARCHIVE_BUCKET", parameter="bucket")
    return bucket


def _bootstrap(args: argparse.Namespace) -> dict[str, Any]:
    from archive_search.index_schema import (
        ALERT_MAPPINGS,
        RECEIPT_MAPPINGS,
        alerts_index_body,
        receipts_index_body,
    )

    service = _service()
    articles = service.engine.ensure_index()
    receipts = service.engine.ensure_index(service.settings.receipts_alias, receipts_index_body())
    # Receipts are never rebuilt: fields a new version records are added to the live index.
    service.engine.add_fields(service.settings.receipts_alias, RECEIPT_MAPPINGS)
    alerts = service.engine.ensure_index(service.settings.alerts_alias, alerts_index_body())
    # Likewise the alerts' (by the concrete index: the maintenance role's grant names versions).
    service.engine.add_fields(alerts, ALERT_MAPPINGS)
    return {"articles": articles, "receipts": receipts, "alerts": alerts}


def _status(args: argparse.Namespace) -> dict[str, Any]:
    from archive_search.errors import InvalidRequest, NotFound
    from archive_search.ingest.receipts import get_receipt
    from archive_search.ingest.status_api import event_pending
    from archive_search.model import ObjectRef

    if args.key is None:
        return _progress(args)
    if args.prefix or args.watch:
        raise InvalidRequest("--prefix and --watch follow many uploads: leave out KEY", parameter="key")
    service, bucket = _service(), _bucket(args)
    try:
        receipt = get_receipt(service.engine, service.settings.receipts_alias, ObjectRef(bucket, args.key))
    except NotFound:
        # A misspelt --bucket holds no receipt either: say which of the two is missing.
        from archive_search.adapters.s3 import ObjectStore

        if not ObjectStore().bucket_exists(bucket):
            raise NotFound(f"no bucket named {bucket}") from None
        raise
    # As GET /ingest/status?key= answers it: whether the upload's event still waits in the outbox.
    return {**receipt, "event_pending": event_pending(service.engine, service.settings.outbox_alias, receipt)}


def _progress(args: argparse.Namespace) -> dict[str, Any]:
    """Counts under ``--prefix``; with ``--watch``, a bar on stderr redrawn every
    ``--interval`` seconds until nothing is queued (then the final counts on stdout)."""
    import time

    from archive_search.adapters.s3 import ObjectStore
    from archive_search.ingest.status_api import progress_counts
    from archive_search.settings import get_settings

    settings, store, bucket = get_settings(), ObjectStore(), _bucket(args)
    while True:
        # An operator's shell lists the whole prefix (the HTTP API stops at MAX_LISTED_KEYS).
        report = progress_counts(settings, bucket, args.prefix, store=store, max_listed=None)
        report.pop("started")
        if not args.watch:
            return report
        print("\r" + progress_line(report), end="", file=sys.stderr, flush=True)
        if report["settled"]:
            print(file=sys.stderr)
            return report
        time.sleep(max(args.interval, 0.1))


def progress_line(report: dict[str, Any], width: int = 30) -> str:
    """``[#####-----] 170/181 settled · queued 11 · indexed 160 · rejected 10``."""
    counts = report["counts"]
    listed = report["listed_objects"]
    done = max(listed - counts["queued"], 0)
    filled = width * done // listed if listed else width
    parts = [f"queued {counts['queued']}", f"indexed {counts['indexed'] + counts['duplicate']}"]
    parts.append(f"rejected {counts['rejected']}")
    return f"[{'#' * filled}{'-' * (width - filled)}] {done}/{listed} settled · " + " · ".join(parts)


def _reindex(args: argparse.Namespace) -> dict[str, Any]:
    from archive_search.ingest.reindex import reindex

    return asdict(reindex(_service(), _bucket(args)))


def _line_stats(args: argparse.Namespace) -> dict[str, Any]:
    from archive_search.adapters.s3 import ObjectStore
    from archive_search.errors import InvalidRequest
    from archive_search.ingest.linestats_job import build_line_stats
    from archive_search.settings import get_settings

    settings = get_settings()
    if not settings.line_stats_key:
        raise InvalidRequest(
            "LINE_STATS_KEY is empty: line statistics are turned off", parameter="LINE_STATS_KEY"
        )
    report = build_line_stats(
        ObjectStore(),
        _bucket(args),
        key=settings.line_stats_key,
        max_object_bytes=settings.max_object_bytes,
        max_decompressed_bytes=settings.max_decompressed_bytes,
    )
    return asdict(report)


def _redrive(args: argparse.Namespace) -> dict[str, Any]:
    from archive_search.adapters.sqs import redrive

    _two_queues(args, "INGEST_DLQ_URL/INGEST_QUEUE_URL")
    return {"moved": redrive(args.dlq_url, args.queue_url, limit=args.limit)}


def _redrive_relay(args: argparse.Namespace) -> dict[str, Any]:
    from archive_search.alerts.redrive import redrive_relay

    _two_queues(args, "RELAY_DLQ_URL/RELAY_QUEUE_URL")
    return {"replayed": redrive_relay(args.dlq_url, args.queue_url, limit=args.limit)}


def _two_queues(args: argparse.Namespace, variables: str) -> None:
    """A redrive names a DLQ and another queue to send its messages to."""
    from archive_search.errors import InvalidRequest

    if not args.dlq_url or not args.queue_url:
        raise InvalidRequest(f"name both queues: --dlq-url/--queue-url or {variables}")
    if _queue_path(args.dlq_url) == _queue_path(args.queue_url):
        # Every message sent back would be received again at once: the redrive would never end.
        raise InvalidRequest(
            f"--dlq-url and --queue-url name the same queue ({args.queue_url}): name the DLQ to read"
        )


def _queue_path(url: str) -> str:
    """A queue URL's account and name (``/123456789012/name``): the same queue has URLs on
    several hosts (regional, legacy), with or without a trailing slash."""
    from urllib.parse import urlparse

    return urlparse(url).path.rstrip("/")


def _republish_events(args: argparse.Namespace) -> dict[str, Any]:
    import time

    from archive_search.errors import InvalidRequest
    from archive_search.ingest.batch import default_events
    from archive_search.ingest.outbox import MAX_EVENTS_PER_RUN, republish
    from archive_search.settings import get_settings

    events = default_events()
    if events is None:
        raise InvalidRequest("EVENT_BUS_NAME is not set: no events to republish", parameter="EVENT_BUS_NAME")
    publisher, outbox = events
    deadline = time.monotonic() + args.time_limit
    grace_s = get_settings().events_republish_after_s if args.after_seconds is None else args.after_seconds
    report = republish(
        outbox,
        publisher,
        lambda: int((deadline - time.monotonic()) * 1000),
        grace_s=grace_s,
        max_events=args.max_events or MAX_EVENTS_PER_RUN,
        time_reserve_ms=0,
    )
    return report.as_dict()


if __name__ == "__main__":
    sys.exit(main())
