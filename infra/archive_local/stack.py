"""``make run`` / ``archive-search-local``: the whole archive on one machine.

Starts, in the foreground:

- a moto server (S3 + SQS) with the bucket, its notifications, the ingest queue and
  its DLQ provisioned as template.yaml provisions them in AWS;
- the search engine: osmem-server (in memory), or the cluster named by OPENSEARCH_URL;
- the ingest worker (queue -> the real ingest handler, deleting only successes);
- the HTTP front (requests -> the real search handler as HTTP API v2 events);
- the inbox watcher (files dropped in the inbox -> uploads to the bucket);
- the bucket mirror (a durable copy of the bucket under the data directory, put back
  into the bucket on the next start, so the archive survives a restart);
- the events republisher (the real ingest handler on a scheduled event, every
  REPUBLISH_INTERVAL seconds, as the template's schedule invokes it).

The sample articles are uploaded on the first start. Ctrl-C or SIGTERM stops it all.
Every setting is an environment variable (``config.LocalConfig``; docs/local-stack.md,
Configuration). This module puts the parts together in order; ``processes`` launches and
stops the children, ``provisioning`` prepares what a deploy would, ``restore`` puts the
archive back and decides when the stack is ready.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from archive_local import logs
from archive_local.config import LocalConfig, StartupError
from archive_local.processes import (
    EngineProcess,
    Periodic,
    port_free,
    serving_engine,
    start_moto,
    terminate,
    wait_for_port,
)
from archive_local.provisioning import (
    SAMPLES_PREFIX,
    Handler,
    archive_settings,
    bootstrap_index,
    configure_environment,
    line_stats_from_samples,
    load_handler,
    sample_files,
    write_cli_env,
)
from archive_local.restore import Readiness, put_back, settle_restored, wait_for_receipts
from archive_local.snapshot import IndexSnapshot

log = logging.getLogger("stack")

SEARCH_HANDLER = "archive_search.handlers.search"
WRITE_HANDLER = "archive_search.handlers.write"
# Warm environments of the write function: writes are rarer than searches.
WRITE_SLOTS = 2
# The routes API Gateway sends to the write function (template.yaml, a template test holds
# the two together); the rest go to search.
WRITE_ROUTES: tuple[tuple[str, str], ...] = (
    ("POST", "/articles"),
    ("PUT", "/articles/by-external-id/[^/]+"),
    ("DELETE", "/articles/by-external-id/[^/]+"),
    ("DELETE", "/articles/[^/]+"),
    ("POST", "/uploads"),
    ("POST", "/alerts"),
    ("DELETE", "/alerts/[^/]+"),
    ("POST", "/alerts/[^/]+/webhook-secret"),
)

__all__ = ["LocalConfig", "Periodic", "StartupError", "main", "run", "sample_files"]


class _Stop(BaseException):
    """Raised in the main thread by SIGINT/SIGTERM while the stack is starting."""


def run(
    config: LocalConfig,
    stop: threading.Event,
    serving: threading.Event | None = None,
    *,
    ingest: Handler | None = None,
    search: Handler | None = None,
    write: Handler | None = None,
) -> None:
    """Start everything, serve until ``stop`` is set, stop everything (also when
    starting fails half-way). ``serving`` is set once the stack is ready. The real
    Lambda handlers are used unless others are passed in."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    # The inbox watcher creates it on every poll: a file in its place failed each second.
    try:
        config.inbox_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StartupError(f"INBOX_DIR {config.inbox_dir} is not a folder: name a folder") from None
    with _data_dir_lock(config.data_dir):
        _run(config, stop, serving, ingest=ingest, search=search, write=write)


@contextlib.contextmanager
def _data_dir_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``DATA_DIR/stack.lock`` while the stack runs: two stacks on one folder (other
    ports, same clone) would write one bucket mirror, journal and snapshot from two processes.
    The kernel drops the lock with the process, so a killed stack leaves none behind."""
    import fcntl

    with open(data_dir / "stack.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "?"
            raise StartupError(
                f"DATA_DIR {data_dir} is used by another stack (pid {holder}): stop it, "
                "or give this one its own DATA_DIR (and ports)"
            ) from None
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        yield


def _run(
    config: LocalConfig,
    stop: threading.Event,
    serving: threading.Event | None,
    *,
    ingest: Handler | None,
    search: Handler | None,
    write: Handler | None,
) -> None:
    from archive_local.aws import REDRIVE_MAX_RECEIVES, clients, provision
    from archive_local.deletes import DeleteMarkerWatcher
    from archive_local.events import provision_webhook_secret, start_events
    from archive_local.http_front import CorsPolicy, HttpFront, Route
    from archive_local.inbox import InboxWatcher, upload
    from archive_local.lambda_events import LambdaContext, scheduled_event
    from archive_local.mirror import BucketMirror
    from archive_local.s3_front import S3Front
    from archive_local.worker import IngestWorker, QuietRestores

    wanted = [("MOTO_PORT", config.moto_port), ("HTTP_PORT", config.http_port)]
    if not config.opensearch_url:
        wanted.append(("SEARCH_PORT", config.search_port))
    for name, port in wanted:
        if not port_free(config.host, port):
            raise StartupError(
                f"{config.host}:{port} is already in use (is another stack running?): set {name} to a free port"
            )

    with contextlib.ExitStack() as cleanup:
        # The engine first: it loads its snapshot while moto, the search environments and
        # the bucket start, and is waited for only where the engine is needed.
        engine: EngineProcess | None = None
        snapshot: IndexSnapshot | None = None
        if config.opensearch_url:
            opensearch_url = config.opensearch_url
            log.info("search engine: %s (OPENSEARCH_URL)", opensearch_url)
        else:
            snapshot = IndexSnapshot(config.data_dir / "engine-snapshot", [])
            engine = EngineProcess(
                config.host, config.search_port, snapshot.root if snapshot.exists() else None
            )
            opensearch_url = engine.url

            @cleanup.callback
            def _stop_engine() -> None:  # the engine in use, also when it was replaced
                assert engine is not None
                engine.close()
                log.info("osmem-server stopped")

        moto_log = config.data_dir / "moto.log"
        log_file = cleanup.enter_context(open(moto_log, "ab"))
        # moto listens on a private port; the public one (MOTO_PORT) is the S3 front,
        # which makes every accepted write durable before answering it.
        moto, moto_port = start_moto(config.host, log_file)
        cleanup.callback(terminate, moto, "moto server")
        wait_for_port(config.host, moto_port, moto, 60)

        children: dict[str, subprocess.Popen[Any]] = {"moto server": moto}

        # Registered after the engine and moto, so it runs before they stop.
        parts: dict[str, Any] = {}
        cleanup.callback(_stop_in_order, parts)

        configure_environment(config, opensearch_url)
        if config.log_format != "json":
            logs.readable_lambda_logs()
        for module in (SEARCH_HANDLER, WRITE_HANDLER):
            if importlib.util.find_spec(module) is None:
                raise StartupError(f"cannot find {module}")
        # The stack's own plumbing talks to moto directly: it keeps working while the S3
        # front is stopping.
        private_s3, private_sqs = clients(f"http://{config.host}:{moto_port}")
        mirror = BucketMirror(private_s3, config.bucket, config.data_dir / "bucket" / config.bucket)
        parts["mirror"] = mirror
        s3_front = S3Front(
            config.host, config.moto_port, f"http://{config.host}:{moto_port}", config.bucket, mirror
        )
        s3_front.start()
        parts["s3 front"] = s3_front
        log.info("moto server (S3 + SQS) on %s (log: %s)", config.aws_endpoint, moto_log)

        s3, sqs = clients(config.aws_endpoint)
        archive = provision(
            s3, sqs, config.bucket, config.queue, visibility_timeout=config.visibility_timeout
        )
        log.info(
            "bucket s3://%s -> notifications -> queue %s (DLQ %s after %s receives)",
            archive.bucket,
            archive.queue_url,
            archive.dlq_url,
            REDRIVE_MAX_RECEIVES,
        )
        write_cli_env(config, opensearch_url, archive.queue_url, archive.dlq_url)
        # As template.yaml gives the search function: /health reports this queue's backlog.
        os.environ["INGEST_QUEUE_URL"] = archive.queue_url
        # As template.yaml gives the write function: the secret webhook alerts' secrets derive from.
        provision_webhook_secret(config.aws_endpoint, os.environ["AWS_REGION"])
        # Started before the archive is restored: its environments import the handler meanwhile.
        readiness = Readiness()
        write_routes = [
            Route(method, path, write or WRITE_HANDLER, "archive-search-write")
            for method, path in WRITE_ROUTES
        ]
        front = HttpFront(
            config.host,
            config.http_port,
            search or SEARCH_HANDLER,
            slots=config.http_concurrency,
            routes=write_routes,
            route_slots=WRITE_SLOTS,
            cors=CorsPolicy.from_setting(config.cors_allow_origins),
            pending=readiness.pending,
            log_level=config.log_level,
            readable_logs=config.log_format != "json",
        )
        front.start()
        parts["http front"] = front
        cleanup.callback(start_events(config.aws_endpoint, sqs)[1].stop)  # the bus ingest publishes to
        ingest = ingest or load_handler("archive_search.handlers.ingest")
        restored, unreadable = put_back(mirror) if mirror.entries else ({}, set())

        if engine is not None:
            engine = serving_engine(engine, config.host, config.search_port)
            children["osmem-server"] = engine.process
        bootstrap_index()
        # The objects that must have a receipt before the stack says it is ready.
        expected: dict[str, str | None] = {}
        quiet = QuietRestores()
        if restored:
            expected.update(
                settle_restored(
                    config, mirror, restored, unreadable, quiet, sqs, archive.queue_url, opensearch_url
                )
            )
        # Started once the quiet restores are known, so it never ingests one of them.
        worker = IngestWorker(
            private_sqs,
            archive.queue_url,
            archive.queue_arn,
            ingest,
            skip=quiet,
            stamp=mirror.sequencers.stamp,
        )
        worker.start()
        parts["worker"] = worker
        if snapshot is not None:
            settings = archive_settings()
            snapshot.aliases = [
                settings.receipts_alias,
                settings.index_alias,
                settings.outbox_alias,
                settings.alerts_alias,
            ]
            parts["snapshot"] = (snapshot, opensearch_url)
        marker = config.data_dir / "samples-loaded"
        if config.load_samples and not marker.exists():
            count = 0
            for name, data in sample_files():
                upload(s3, config.bucket, SAMPLES_PREFIX + name, data)
                expected[SAMPLES_PREFIX + name] = hashlib.sha256(data).hexdigest()
                count += 1
            marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ\n", time.gmtime()))
            log.info("first start: uploaded %d sample article file(s) under %s", count, SAMPLES_PREFIX)
            line_stats_from_samples(s3, config.bucket)
        mirror.sync()
        syncer = Periodic("mirror", config.mirror_interval, mirror.sync)
        syncer.start()
        parts["mirror sync"] = syncer
        if snapshot is not None:
            snapshots = Periodic("snapshot", config.snapshot_interval, lambda: snapshot.write(opensearch_url))
            snapshots.start()
            parts["snapshots"] = snapshots

        # The events republisher, as the template's schedule runs it: the ingest handler on a
        # scheduled event (docs/events.md, Delivery).
        republisher = Periodic(
            "events",
            config.republish_interval,
            lambda: ingest(scheduled_event("archive-search-republish-events"), LambdaContext("ingest", 120)),
        )
        republisher.start()
        parts["events republisher"] = republisher

        deletes = Periodic(
            "s3",
            config.inbox_interval,
            DeleteMarkerWatcher(private_s3, sqs, config.bucket, archive.queue_url).poll,
        )
        deletes.start()
        parts["delete markers"] = deletes

        inbox = InboxWatcher(
            s3,
            config.bucket,
            config.inbox_dir,
            config.data_dir / "inbox-state.json",
            interval=config.inbox_interval,
        )
        inbox.start()
        parts["inbox"] = inbox

        front.wait_warm()
        wait_for_receipts(config.bucket, expected, readiness, stop)
        log.info("inbox: drop files into %s/ to add them to the archive", config.inbox_dir.resolve())
        log.info(
            "ready: %s/search?q=night+vision+goggles (Ctrl-C to stop; data kept in %s)",
            config.http_url,
            config.data_dir.resolve(),
        )
        if serving:
            serving.set()
        while not stop.wait(0.5):
            for name, process in children.items():
                if process.poll() is not None:
                    raise StartupError(f"{name} exited unexpectedly with code {process.returncode}")
        log.info("stopping")


# The order the parts stop in: first nothing new comes in (HTTP, inbox), then the worker
# finishes its batch (reading objects through the S3 front), then the S3 front (a write it
# accepts meanwhile is mirrored, and ingested after the restart), then the last copy of
# the bucket is taken.
_STOP_ORDER = (
    "http front",
    "inbox",
    "delete markers",
    "events republisher",
    "worker",
    "s3 front",
    "mirror sync",
    "snapshots",
)


def _stop_in_order(parts: Mapping[str, Any]) -> None:
    for name in _STOP_ORDER:
        if name in parts:
            try:
                parts[name].stop()
            except Exception:
                log.exception("stopping the %s failed", name)
    if "mirror" in parts:
        try:
            parts["mirror"].sync()
        except Exception:  # moto is gone: every acknowledged write is already on disk
            log.warning("last reconciliation of the bucket copy skipped (moto server not answering)")
    if "snapshot" in parts:
        snapshot, engine_url = parts["snapshot"]
        try:
            log.info("engine snapshot: %d document(s) in %s", snapshot.write(engine_url), snapshot.root)
        except Exception as exc:  # the engine is gone: the previous snapshot stays
            log.warning("engine snapshot not written (%s); the next start re-ingests what it lacks", exc)


def _parser() -> argparse.ArgumentParser:
    """No arguments: ``--help`` says what the stack is and where its settings are, instead of
    starting it (on the default ports, in the working directory)."""
    return argparse.ArgumentParser(
        prog="archive-search-local",
        usage="%(prog)s  (no arguments: settings are environment variables, see --help)",
        description="Run the whole archive on one machine in the foreground: moto (S3 + SQS), "
        "the search engine, the ingest worker, the HTTP API and page, the inbox watcher. "
        "Ctrl-C stops it.",
        epilog="Settings are environment variables, e.g. HTTP_PORT=8080 MOTO_PORT=4567 "
        "SEARCH_PORT=9201 DATA_DIR=~/archive-data INBOX_DIR=~/drop; every one is in "
        "docs/configuration.md (Local stack).",
    )


def main(argv: Sequence[str] | None = None) -> int:
    _parser().parse_args(argv)
    try:
        config = LocalConfig.from_env()
    except StartupError as exc:
        print(f"archive-search-local: {exc}", file=sys.stderr)
        return 2
    logs.configure(config.log_level)
    stop, serving = threading.Event(), threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set():
            return  # already stopping: let the shutdown finish
        stop.set()
        if not serving.is_set():
            raise _Stop

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        run(config, stop, serving)
    except StartupError as exc:
        log.error("%s", exc)
        return 1
    except OSError as exc:  # a port, a folder or a file the stack cannot use
        log.error("cannot start: %s", exc)
        return 1
    except _Stop:
        log.info("stopped while starting")
        return 0
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
