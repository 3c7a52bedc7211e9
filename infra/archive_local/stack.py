"""``make run`` / ``archive-search-local``: the whole archive on one machine.

Starts, in the foreground:

- a moto server (S3 + SQS) with the bucket, its notifications, the ingest queue and
  its DLQ provisioned as template.yaml provisions them in AWS;
- the search engine: osmem-server (in memory), or the cluster named by OPENSEARCH_URL;
- the ingest worker (queue -> the real ingest handler, deleting only successes);
- the HTTP front (requests -> the real search handler as HTTP API v2 events);
- the inbox watcher (files dropped in the inbox -> uploads to the bucket);
- the bucket mirror (a durable copy of the bucket under the data directory, put back
  into the bucket on the next start, so the archive survives a restart).

The sample articles are uploaded on the first start. Ctrl-C or SIGTERM stops it all.
Every setting is an environment variable (see ``LocalConfig`` and README,
Configuration).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import logging
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from archive_local import logs
from archive_local.snapshot import IndexSnapshot

log = logging.getLogger("stack")

SAMPLES_PREFIX = "samples/"
SEARCH_HANDLER = "archive_search.handlers.search"
WRITE_HANDLER = "archive_search.handlers.write"
# Warm environments of the write function: writes are rarer than searches.
WRITE_SLOTS = 2

Handler = Callable[[dict[str, Any], Any], Any]


class StartupError(Exception):
    """The stack cannot start; the message says why and what to change."""


class _Stop(BaseException):
    """Raised in the main thread by SIGINT/SIGTERM while the stack is starting."""


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off", "")


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def cast(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("not a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"not between {low} and {high}")
        return number

    return cast


_port = _bounded_int(1, 65535)


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("not a number of seconds") from None
    if not 0.05 <= number <= 3600:
        raise ValueError("not between 0.05 and 3600")
    return number


@dataclass(frozen=True)
class LocalConfig:
    host: str = "127.0.0.1"
    moto_port: int = 4566
    search_port: int = 9200
    opensearch_url: str | None = None
    http_port: int = 8000
    http_concurrency: int = 4
    cors_allow_origins: str = ""
    inbox_dir: Path = Path("inbox")
    data_dir: Path = Path(".local")
    bucket: str = "archive"
    queue: str = "archive-ingest"
    index_alias: str = "articles"
    load_samples: bool = True
    inbox_interval: float = 1.0
    mirror_interval: float = 2.0
    snapshot_interval: float = 60.0
    visibility_timeout: int = 30
    log_level: str = "INFO"
    log_format: str = "text"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LocalConfig:
        env = os.environ if env is None else env

        def get(name: str, default: Any, cast: Callable[[str], Any] = str) -> Any:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                return cast(raw)
            except ValueError as exc:
                raise StartupError(f"{name}={raw!r} is not valid: {exc} (default: {default})") from None

        return cls(
            host=get("LOCAL_HOST", cls.host),
            moto_port=get("MOTO_PORT", cls.moto_port, _port),
            search_port=get("SEARCH_PORT", cls.search_port, _port),
            opensearch_url=get("OPENSEARCH_URL", None, lambda v: v.rstrip("/")),
            http_port=get("HTTP_PORT", cls.http_port, _port),
            http_concurrency=get("HTTP_CONCURRENCY", cls.http_concurrency, _bounded_int(1, 64)),
            cors_allow_origins=get("CORS_ALLOW_ORIGINS", cls.cors_allow_origins),
            inbox_dir=get("INBOX_DIR", cls.inbox_dir, Path),
            data_dir=get("DATA_DIR", cls.data_dir, Path),
            bucket=get("BUCKET", cls.bucket),
            queue=get("QUEUE", cls.queue),
            index_alias=get("INDEX_ALIAS", cls.index_alias),
            load_samples=get("LOAD_SAMPLES", cls.load_samples, _flag),
            inbox_interval=get("INBOX_INTERVAL", cls.inbox_interval, _seconds),
            mirror_interval=get("MIRROR_INTERVAL", cls.mirror_interval, _seconds),
            snapshot_interval=get("SNAPSHOT_INTERVAL", cls.snapshot_interval, _seconds),
            visibility_timeout=get("VISIBILITY_TIMEOUT", cls.visibility_timeout, _bounded_int(0, 43200)),
            log_level=get("LOG_LEVEL", cls.log_level, str.upper),
            log_format=get("LOG_FORMAT", cls.log_format, str.lower),
        )

    @property
    def aws_endpoint(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"


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


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _wait_for_port(host: str, port: int, process: subprocess.Popen[Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"the process for port {port} exited with code {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise StartupError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def _die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM when the stack dies, even by SIGKILL,
    so a killed stack never leaves a moto server holding its port (Linux only)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """Processes started inside inherit an ignored SIGINT, so Ctrl-C in the terminal
    (sent to the whole process group) reaches the stack only, which stops them in order."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Periodic:
    """Runs ``action`` every ``interval`` seconds in a thread until stopped."""

    def __init__(self, name: str, interval: float, action: Callable[[], Any]) -> None:
        self.name = name
        self.interval = interval
        self.action = action
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.action()
            except Exception:
                logging.getLogger(self.name).exception("%s failed; retrying", self.name)


def _configure_environment(config: LocalConfig, opensearch_url: str) -> None:
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


def _write_cli_env(config: LocalConfig, opensearch_url: str, queue_url: str, dlq_url: str) -> None:
    """``DATA_DIR/env.sh``: what the ``archive-search`` CLI (status, reindex, redrive) and
    the AWS CLI need to reach this stack (``source .local/env.sh``)."""
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
    }
    lines = [f"export {name}={shlex.quote(value)}" for name, value in names.items()]
    (config.data_dir / "env.sh").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _load_handler(module: str) -> Handler:
    try:
        return importlib.import_module(module).handler  # type: ignore[no-any-return]
    except (ImportError, AttributeError) as exc:
        raise StartupError(f"cannot load {module}.handler: {exc}") from exc


def _bootstrap_index() -> None:
    """Create the index behind its alias if missing (what a deploy does in AWS)."""
    from archive_search.adapters.opensearch import cached_engine
    from archive_search.errors import ArchiveSearchError
    from archive_search.settings import get_settings

    try:
        name = cached_engine(get_settings()).ensure_index()
        log.info("index ready: %s", name)
    except ArchiveSearchError as exc:
        log.warning("could not prepare the index yet (%s); ingest will retry", exc)


def _build_line_stats(s3: Any, bucket: str) -> None:
    """The archive's line statistics, once, from the samples (what ``archive-search line-stats``
    does). There are fewer samples than the cleaner needs to use them, so this only sets up
    the object; rerun ``archive-search line-stats`` (then ``reindex``) as the archive grows."""
    from archive_search.adapters.s3 import ObjectStore
    from archive_search.cleaning.lines import MIN_DOCUMENTS
    from archive_search.errors import ArchiveSearchError
    from archive_search.ingest.linestats_job import build_line_stats
    from archive_search.settings import get_settings

    settings = get_settings()
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
    from archive_local.aws import REDRIVE_MAX_RECEIVES, clients, provision
    from archive_local.deletes import DeleteMarkerWatcher
    from archive_local.events import start_events
    from archive_local.http_front import CorsPolicy, HttpFront, Route
    from archive_local.inbox import InboxWatcher, upload
    from archive_local.mirror import BucketMirror
    from archive_local.s3_front import S3Front
    from archive_local.worker import IngestWorker, QuietRestores

    config.data_dir.mkdir(parents=True, exist_ok=True)
    wanted = [("MOTO_PORT", config.moto_port), ("HTTP_PORT", config.http_port)]
    if not config.opensearch_url:
        wanted.append(("SEARCH_PORT", config.search_port))
    for name, port in wanted:
        if not _port_free(config.host, port):
            raise StartupError(
                f"{config.host}:{port} is already in use (is another stack running?): set {name} to a free port"
            )

    with contextlib.ExitStack() as cleanup:
        moto_log = config.data_dir / "moto.log"
        log_file = cleanup.enter_context(open(moto_log, "ab"))
        # moto listens on a private port; the public one (MOTO_PORT) is the S3 front,
        # which makes every accepted write durable before answering it.
        moto_port = _free_port(config.host)
        moto = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", config.host, "-p", str(moto_port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # A session of its own: Ctrl-C in the terminal reaches the stack only, which
            # stops the moto server last, after taking the last copy of the bucket.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        cleanup.callback(_terminate, moto, "moto server")
        _wait_for_port(config.host, moto_port, moto, 60)

        children: dict[str, subprocess.Popen[Any]] = {"moto server": moto}
        snapshot: IndexSnapshot | None = None
        if config.opensearch_url:
            opensearch_url = config.opensearch_url
            log.info("search engine: %s (OPENSEARCH_URL)", opensearch_url)
        else:
            snapshot = IndexSnapshot(config.data_dir / "engine-snapshot", [])
            server = _start_osmem(config, snapshot)
            cleanup.callback(server.close)
            children["osmem-server"] = server.process
            opensearch_url = server.url

        # Registered after the engine and moto, so it runs before they stop.
        parts: dict[str, Any] = {}
        cleanup.callback(_stop_in_order, parts)

        _configure_environment(config, opensearch_url)
        if config.log_format != "json":
            logs.readable_lambda_logs()
        for module in (SEARCH_HANDLER, WRITE_HANDLER):
            if importlib.util.find_spec(module) is None:
                raise StartupError(f"cannot find {module}")
        # Started early: its environments import the handler while the archive is restored.
        readiness = Readiness()
        # The routes API Gateway sends to the write function (template.yaml); the rest go to search.
        write_routes = [
            Route(method, path, write or WRITE_HANDLER, "archive-search-write")
            for method, path in (
                ("POST", "/articles"),
                ("PUT", "/articles/by-external-id/[^/]+"),
                ("DELETE", "/articles/by-external-id/[^/]+"),
                ("DELETE", "/articles/[^/]+"),
                ("POST", "/uploads"),
                ("POST", "/alerts"),
                ("DELETE", "/alerts/[^/]+"),
            )
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
        _write_cli_env(config, opensearch_url, archive.queue_url, archive.dlq_url)
        cleanup.callback(start_events(config.aws_endpoint, sqs)[1].stop)  # the bus ingest publishes to
        _bootstrap_index()
        ingest = ingest or _load_handler("archive_search.handlers.ingest")

        quiet = QuietRestores()
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

        # The objects that must have a receipt before the stack says it is ready.
        expected: dict[str, str | None] = {}
        if mirror.entries:
            expected.update(_restore(config, mirror, quiet, sqs, archive.queue_url, opensearch_url))
        if snapshot is not None:
            settings = _settings()
            snapshot.aliases = [settings.receipts_alias, settings.index_alias]
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
            _build_line_stats(s3, config.bucket)
        mirror.sync()
        syncer = Periodic("mirror", config.mirror_interval, mirror.sync)
        syncer.start()
        parts["mirror sync"] = syncer
        if snapshot is not None:
            snapshots = Periodic("snapshot", config.snapshot_interval, lambda: snapshot.write(opensearch_url))
            snapshots.start()
            parts["snapshots"] = snapshots

        deletes = Periodic(
            "s3", config.inbox_interval, DeleteMarkerWatcher(s3, sqs, config.bucket, archive.queue_url).poll
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
        _wait_for_receipts(config.bucket, expected, readiness, stop)
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
_STOP_ORDER = ("http front", "inbox", "delete markers", "worker", "s3 front", "mirror sync", "snapshots")


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


def _settings() -> Any:
    from archive_search.settings import get_settings

    return get_settings()


def _start_osmem(config: LocalConfig, snapshot: IndexSnapshot) -> Any:
    """osmem-server on SEARCH_PORT, seeded from the last snapshot when there is one (and
    without it when the snapshot cannot be loaded: everything is then ingested again)."""
    from osmem_server import OsmemServer

    addr = f"{config.host}:{config.search_port}"
    if snapshot.exists():
        started = time.monotonic()
        try:
            with _sigint_ignored_by_children():
                server = OsmemServer.start(addr=addr, japanese=False, seed=[str(snapshot.root)])
            log.info(
                "search engine: osmem-server %s on %s, loaded from %s in %.1f s",
                server.version,
                server.url,
                snapshot.root,
                time.monotonic() - started,
            )
            return server
        except Exception as exc:
            log.warning(
                "the engine snapshot in %s could not be loaded (%s); starting empty", snapshot.root, exc
            )
    with _sigint_ignored_by_children():
        server = OsmemServer.start(addr=addr, japanese=False)
    log.info("search engine: osmem-server %s on %s (in memory)", server.version, server.url)
    return server


def _restore(
    config: LocalConfig, mirror: Any, quiet: Any, sqs: Any, queue_url: str, engine_url: str
) -> dict[str, str]:
    """Put the mirrored bucket back. Objects whose receipt in the engine (from the
    snapshot, or a cluster's own) settled the same bytes are put back quietly (the worker
    drops their notifications); the others go through ingest; objects the engine holds but
    the bucket no longer does get the removal notification. Returns the keys ingest must
    settle before the stack is ready, with their sha256."""
    from archive_local.deletes import delete_marker_notification
    from archive_local.snapshot import engine_receipts, plan_restore
    from archive_search.settings import RESERVED_PREFIX

    started = time.monotonic()
    mirrored = {k: e["sha256"] for k, e in mirror.entries.items() if not k.startswith(RESERVED_PREFIX)}
    receipts = engine_receipts(engine_url, _settings().receipts_alias, config.bucket)
    plan = plan_restore(mirrored, receipts)
    reserved = [k for k in mirror.entries if k.startswith(RESERVED_PREFIX)]
    quiet.add(mirror.restore(plan.unchanged + reserved))
    mirror.restore(plan.changed)
    now = datetime.now(UTC)
    for key in plan.vanished:
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=delete_marker_notification(
                config.bucket, key, now, None, sequencer=mirror.sequencers.removed(key)
            ),
        )
    log.info(
        "restored %d object(s) from %s in %.1f s: %d already indexed, %d to ingest, %d removed",
        len(mirrored) + len(reserved),
        mirror.root,
        time.monotonic() - started,
        len(plan.unchanged),
        len(plan.changed),
        len(plan.vanished),
    )
    return {key: mirrored[key] for key in plan.changed}


class Readiness:
    """How many expected objects still lack a receipt while the stack starts (None once ready)."""

    def __init__(self) -> None:
        self.waiting: int | None = 0

    def pending(self) -> int | None:
        return self.waiting


def _wait_for_receipts(
    bucket: str,
    keys: Mapping[str, str | None],
    readiness: Readiness,
    stop: threading.Event,
    timeout: float = 1800.0,
) -> None:
    """Wait (bounded) until every key has an ingest receipt (indexed, duplicate or
    rejected) of its content (sha256; a receipt without one counts), so that ``ready`` means the samples or the restored archive are
    searchable; then make the writes visible to searches (a refresh)."""
    from archive_search.adapters.opensearch import cached_engine
    from archive_search.errors import ArchiveSearchError
    from archive_search.ingest.receipts import read_receipts
    from archive_search.model import ObjectRef
    from archive_search.settings import get_settings

    settings = get_settings()
    engine = cached_engine(settings)
    started = time.monotonic()
    left = set(keys)
    readiness.waiting = len(left)
    while left and not stop.is_set() and time.monotonic() - started < timeout:
        for chunk in _chunks(sorted(left), 500):
            try:
                found = read_receipts(engine, settings.receipts_alias, [ObjectRef(bucket, k) for k in chunk])
            except ArchiveSearchError:
                break  # the receipts index does not exist yet
            left.difference_update(
                ref.key
                for ref, (_, receipt) in found.items()
                if receipt.get("content_sha256") in (None, keys[ref.key])
            )
        readiness.waiting = len(left)
        if left:
            stop.wait(0.5)
    if left and not stop.is_set():
        log.warning("%d object(s) still have no receipt after %.0f s; serving anyway", len(left), timeout)
    elif keys:
        log.info("archive indexed in %.1f s (%d object(s))", time.monotonic() - started, len(keys))
    for alias in (settings.index_alias, settings.receipts_alias) if keys else ():
        try:
            engine.refresh(alias)
        except ArchiveSearchError as exc:
            log.warning("could not refresh %s (%s)", alias, exc)
    readiness.waiting = None


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _terminate(process: subprocess.Popen[Any], name: str) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log.info("%s stopped", name)


def main() -> int:
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
