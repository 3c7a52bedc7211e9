"""What the local stack sets up before it serves, as a deploy does in AWS: the functions'
environment, the index behind its alias, the CLI's environment file, the sample articles
and their line statistics."""

from __future__ import annotations

import importlib
import logging
import os
import secrets
import shlex
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

from archive_local.config import LocalConfig, StartupError

log = logging.getLogger("stack")

SAMPLES_PREFIX = "samples/"

Handler = Callable[[dict[str, Any], Any], Any]


def sample_files() -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every sample article shipped with the package."""
    root = resources.files("archive_local") / "samples"

    def walk(node: Any, prefix: str) -> Iterator[tuple[str, bytes]]:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name.startswith((".", "_")):
                continue
            if child.is_dir():
                yield from walk(child, f"{prefix}{child.name}/")
            else:
                yield f"{prefix}{child.name}", child.read_bytes()

    yield from walk(root, "")


def configure_environment(config: LocalConfig, opensearch_url: str) -> None:
    """The environment of the two in-process "Lambdas": what template.yaml gives the
    functions in AWS, with every AWS client pointed at the moto server."""
    env = os.environ
    env["AWS_ENDPOINT_URL"] = config.aws_endpoint
    env.setdefault("AWS_ACCESS_KEY_ID", "local")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = env.get("AWS_REGION") or "us-east-1"
    env["OPENSEARCH_URL"] = opensearch_url
    env["INDEX_ALIAS"] = config.index_alias
    env["ARCHIVE_BUCKET"] = config.bucket
    env.setdefault("POWERTOOLS_SERVICE_NAME", "archive-search")
    env.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ArchiveSearch")
    # Locally there is no CloudWatch to receive metrics or X-Ray to receive traces.
    env.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    env.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    env.setdefault("POWERTOOLS_LOG_LEVEL", config.log_level)
    # The search cursors' HMAC key: one per stack run unless given (cursors expire on restart).
    env.setdefault("CURSOR_SECRET", secrets.token_urlsafe(32))


def write_cli_env(config: LocalConfig, opensearch_url: str, queue_url: str, dlq_url: str) -> None:
    """``DATA_DIR/env.sh``: what the ``archive-search`` CLI (status, reindex, redrive,
    republish-events) and the AWS CLI need to reach this stack (``source .local/env.sh``)."""
    from archive_local.events import DEFAULT_BUS

    names = {
        "AWS_ENDPOINT_URL": config.aws_endpoint,
        # moto accepts any key; never write real credentials from the environment to disk.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": os.environ["AWS_REGION"],
        "AWS_DEFAULT_REGION": os.environ["AWS_REGION"],
        "OPENSEARCH_URL": opensearch_url,
        "INDEX_ALIAS": config.index_alias,
        "ARCHIVE_BUCKET": config.bucket,
        "INGEST_QUEUE_URL": queue_url,
        "INGEST_DLQ_URL": dlq_url,
        "EVENT_BUS_NAME": os.environ.get("EVENT_BUS", "").strip() or DEFAULT_BUS,
    }
    lines = [f"export {name}={shlex.quote(value)}" for name, value in names.items()]
    (config.data_dir / "env.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_handler(module: str) -> Handler:
    try:
        return importlib.import_module(module).handler  # type: ignore[no-any-return]
    except (ImportError, AttributeError) as exc:
        raise StartupError(f"cannot load {module}.handler: {exc}") from exc


def bootstrap_index() -> None:
    """Create the index behind its alias if missing (what a deploy does in AWS)."""
    from archive_search.adapters.opensearch import cached_engine
    from archive_search.errors import ArchiveSearchError
    from archive_search.index_schema import outbox_index_body

    try:
        settings = archive_settings()
        name = cached_engine(settings).ensure_index()
        # The events outbox too: the engine snapshot keeps it across restarts, so it must exist.
        cached_engine(settings).ensure_index(settings.outbox_alias, outbox_index_body())
        log.info("index ready: %s", name)
    except ArchiveSearchError as exc:
        log.warning("could not prepare the index yet (%s); ingest will retry", exc)


def line_stats_from_samples(s3: Any, bucket: str) -> None:
    """The archive's line statistics, once, from the samples (what ``archive-search line-stats``
    does). There are fewer samples than the cleaner needs to use them, so this only sets up
    the object; rerun ``archive-search line-stats`` (then ``reindex``) as the archive grows."""
    from archive_search.adapters.s3 import ObjectStore
    from archive_search.cleaning.lines import MIN_DOCUMENTS
    from archive_search.errors import ArchiveSearchError
    from archive_search.ingest.linestats_job import build_line_stats

    settings = archive_settings()
    if not settings.line_stats_key:
        return
    try:
        report = build_line_stats(
            ObjectStore(s3),
            bucket,
            key=settings.line_stats_key,
            max_object_bytes=settings.max_object_bytes,
            max_decompressed_bytes=settings.max_decompressed_bytes,
        )
    except ArchiveSearchError as exc:
        log.warning("line statistics not built (%s); archive-search line-stats builds them", exc)
        return
    log.info(
        "line statistics: %d text dump(s) counted into %s (%s)",
        report.documents,
        report.key,
        "used by the cleaner" if report.usable else f"the cleaner uses them from {MIN_DOCUMENTS} text dumps",
    )


def archive_settings() -> Any:
    from archive_search.settings import get_settings

    return get_settings()
