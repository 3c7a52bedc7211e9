"""Ingest overhead: the ingest handler's throughput against ``clean()`` plus a plain bulk.

    make bench-ingest
    .venv/bin/python -m bench.ingest --rounds 5 --batch 10

The extraction benchmark's pages (HTML and text dumps, ``BENCH_DATA``) are uploaded to a
bucket on a moto server; the engine is an osmem-server (or ``OPENSEARCH_URL``). Two ways of
indexing the same documents are alternated, round after round, in one process, each into a
fresh index alias:

- ``handler``: SQS batches of ``--batch`` S3 notifications handed to the ingest handler's
  batch function (``handle_sqs_batch``: the S3 reads, receipts, find-copies, bulk writes);
- ``baseline``: the same bytes, already in memory, through ``clean()`` and
  ``article_document``, written with one ``opensearchpy.helpers.bulk`` call per batch.

Prints files/s and CPU seconds of each per round, then the ratios handler/baseline of their
median wall times and of their median CPU times, which a loaded machine disturbs far less than
wall time: this process's (cleaning, the clients) and the engine's, then with the moto
server's too (S3's work, which in AWS is not on the function's CPU), and the first with each
GET's client CPU as on a kept-alive connection (see below): the figure closest to production.
Server CPU is read from /proc (Linux); a remote engine (``OPENSEARCH_URL``) is not counted. The
load average is printed at the start and the end.

Then the client CPU of one S3 GET (``thread_time``, the function's side only), measured against
a loopback server answering the same objects as S3 does, alternately closing every connection
(as the moto server does: Werkzeug's development server always answers ``Connection: close``)
and keeping it alive (as S3 does); the difference is what the handler's CPU above pays per GET
for a new TCP connection that a Lambda would reuse. The last line is always:
    ingest handler N files/s, baseline N files/s, ratio R (handler time / baseline time)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote_plus, unquote

from bench.servers import start_engine, start_moto, stop_moto

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "bench" / "data" / "extraction-bench"


def notification(bucket: str, key: str, size: int, sequencer: int) -> str:
    """An S3 ObjectCreated notification as S3 sends it to SQS."""
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": "2024-05-29T10:15:30.123Z",
        "eventName": "ObjectCreated:Put",
        "s3": {
            "s3SchemaVersion": "1.0",
            "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": quote_plus(key), "size": size, "sequencer": f"{sequencer:016X}"},
        },
    }
    return json.dumps({"Records": [record]})


def cpu_seconds(servers: dict[str, int]) -> dict[str, float]:
    """CPU time (user + system) so far of this process ("self") and of each server process
    (name -> pid); a server whose /proc entry cannot be read (not Linux, gone) counts 0."""
    times = os.times()
    spent = {"self": times.user + times.system}
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for name, pid in servers.items():
        try:
            # Fields 14 and 15 (utime, stime), counted after the ")" that ends the command name.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            spent[name] = (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError):
            spent[name] = 0.0
    return spent


def object_server(bucket: str, pages: Mapping[str, bytes]) -> tuple[ThreadingHTTPServer, list[bool]]:
    """A loopback HTTP/1.1 server answering ``GET /<bucket>/<key>`` with the page and the
    headers a GetObject response carries; it closes each connection while ``close[0]`` is
    true and keeps it alive otherwise."""
    close = [True]
    modified = formatdate(usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the
        # body until the client's delayed ACK of the headers on a kept-alive connection.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            key = unquote(self.path.partition("?")[0].removeprefix(f"/{bucket}/"))
            body = pages.get(key)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "binary/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", '"0123456789abcdef0123456789abcdef"')
            self.send_header("Last-Modified", modified)
            if close[0]:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, close


def get_cpu_ms(read: Callable[[str], object], keys: list[str]) -> float:
    """Client CPU (user + system of this thread) per ``read`` of each key, in milliseconds."""
    started = time.thread_time()
    for key in keys:
        read(key)
    return (time.thread_time() - started) / len(keys) * 1000


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=10, help="messages per SQS batch")
    args = parser.parse_args(argv)
    data_dir = Path(os.environ.get("BENCH_DATA") or DEFAULT_DATA)
    files = sorted((data_dir / "html").glob("*.html")) + sorted((data_dir / "textdump").glob("*.txt"))
    if not files:
        raise SystemExit(f"no pages under {data_dir}: BENCH_DATA must name the benchmark folder")

    moto, endpoint = start_moto()
    server, url = start_engine()
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        OPENSEARCH_URL=url,
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="ERROR",
        LINE_STATS_KEY="",
    )
    logging.getLogger("opensearch").setLevel(logging.ERROR)

    import boto3
    from opensearchpy import helpers

    from archive_local.lambda_events import LambdaContext, sqs_event
    from archive_search.adapters.opensearch import SearchEngine, build_client
    from archive_search.adapters.s3 import ObjectStore
    from archive_search.cleaning import clean, cleaner_version
    from archive_search.documents import article_document
    from archive_search.errors import RejectedInput
    from archive_search.index_schema import receipts_index_body
    from archive_search.ingest.batch import handle_sqs_batch
    from archive_search.ingest.service import IngestService
    from archive_search.model import ObjectRef, document_id
    from archive_search.settings import Settings

    try:
        s3 = boto3.client("s3")
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        s3.create_bucket(Bucket=bucket)
        pages = {f"{f.parent.name}/{f.name}": f.read_bytes() for f in files}
        for key, body in pages.items():
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        keys = sorted(pages)
        batches = [keys[i : i + args.batch] for i in range(0, len(keys), args.batch)]

        def fresh_settings() -> Settings:
            alias = f"bench-{uuid.uuid4().hex[:8]}"
            env = {"OPENSEARCH_URL": url, "INDEX_ALIAS": alias, "LINE_STATS_KEY": ""}
            return Settings.from_env(env)

        def run_handler(todo: list[list[str]] = batches) -> tuple[float, int]:
            settings = fresh_settings()
            engine = SearchEngine(build_client(settings), settings)
            service = IngestService(ObjectStore(), engine, settings)
            service.ensure_indices()
            started = time.perf_counter()
            for n, batch in enumerate(todo):
                messages = [
                    {
                        "MessageId": f"{n}-{i}",
                        "ReceiptHandle": "r",
                        "Body": notification(bucket, k, len(pages[k]), 1),
                    }
                    for i, k in enumerate(batch)
                ]
                event = sqs_event(messages, "arn:aws:sqs:us-east-1:123456789012:q")
                response = handle_sqs_batch(event, LambdaContext("ingest", 120), service)
                if response["batchItemFailures"]:
                    raise SystemExit(f"the handler failed records: {response['batchItemFailures']}")
            elapsed = time.perf_counter() - started
            engine.refresh()
            return elapsed, engine.client.count(index=settings.index_alias)["count"]

        def run_baseline(todo: list[list[str]] = batches) -> tuple[float, int]:
            settings = fresh_settings()
            engine = SearchEngine(build_client(settings), settings)
            engine.ensure_index()
            engine.ensure_index(settings.receipts_alias, receipts_index_body())
            version = cleaner_version(None)
            started = time.perf_counter()
            for batch in todo:
                actions = []
                for key in batch:
                    try:
                        articles = clean(pages[key], key)
                    except RejectedInput:
                        continue
                    ref = ObjectRef(bucket, key)
                    for ordinal, article in enumerate(articles):
                        source = article_document(
                            article,
                            ref,
                            ordinal,
                            content_sha256="",
                            cleaner_version=version,
                            ingested_at="2024-05-29T10:15:30Z",
                        )
                        actions.append(
                            {
                                "_index": settings.index_alias,
                                "_id": document_id(ref, ordinal),
                                "_source": source,
                            }
                        )
                helpers.bulk(engine.client, actions)
            elapsed = time.perf_counter() - started
            engine.refresh()
            return elapsed, engine.client.count(index=settings.index_alias)["count"]

        # Warm-up, an HTML and a text-dump batch each way: imports, tables, the language model,
        # the clients and their connection pools (a warm Lambda has them all).
        run_handler([batches[0], batches[-1]])
        run_baseline([batches[0], batches[-1]])
        servers = {"moto": moto.pid, **({"engine": server.pid} if server is not None else {})}
        times: dict[str, list[float]] = {"handler": [], "baseline": []}
        cpu: dict[str, list[dict[str, float]]] = {"handler": [], "baseline": []}
        print(f"load average at start: {load_average()}")
        for round_ in range(args.rounds):
            order = (("handler", run_handler), ("baseline", run_baseline))
            for name, run in order if round_ % 2 == 0 else order[::-1]:
                before = cpu_seconds(servers)
                elapsed, docs = run()
                spent = {part: used - before[part] for part, used in cpu_seconds(servers).items()}
                cpu[name].append(spent)
                times[name].append(elapsed)
                print(
                    f"round {round_ + 1} {name:8} {docs} articles in {elapsed:.2f} s: "
                    f"{len(keys) / elapsed:.0f} files/s; CPU s: "
                    + ", ".join(f"{part} {used:.2f}" for part, used in spent.items())
                )
        handler_s, baseline_s = statistics.median(times["handler"]), statistics.median(times["baseline"])
        files = len(keys)
        print(f"load average at end: {load_average()}")
        get_server, close = object_server(bucket, pages)
        try:
            s3_get = ObjectStore(
                boto3.client("s3", endpoint_url=f"http://127.0.0.1:{get_server.server_port}")
            ).read
            per_get: dict[bool, list[float]] = {True: [], False: []}
            for round_ in range(2 * args.rounds):
                close[0] = round_ % 2 == 0
                per_get[close[0]].append(
                    get_cpu_ms(lambda key: s3_get(ObjectRef(bucket, key), max_bytes=1 << 30), keys)
                )
        finally:
            get_server.shutdown()
            get_server.server_close()
        closing, alive = statistics.median(per_get[True]), statistics.median(per_get[False])
        print(
            f"S3 GET client CPU per object: {closing:.2f} ms with Connection: close (moto), "
            f"{alive:.2f} ms kept alive (S3); {(closing - alive) * files / 1000:.2f} s "
            f"over the {files} objects"
        )
        medians: dict[str, tuple[float, float]] = {}
        for label, parts in (
            ("self + engine", ("self", "engine")),
            ("self + engine + moto", ("self", "engine", "moto")),
        ):
            handler_cpu, baseline_cpu = (
                statistics.median(sum(spent.get(part, 0.0) for part in parts) for spent in cpu[side])
                for side in ("handler", "baseline")
            )
            medians[label] = handler_cpu, baseline_cpu
            print(
                f"CPU ({label}) handler {handler_cpu:.2f} s, baseline {baseline_cpu:.2f} s, "
                f"ratio {handler_cpu / baseline_cpu:.2f}"
            )
        # What the handler's CPU would be with S3's kept-alive connections: the production figure.
        handler_cpu, baseline_cpu = medians["self + engine"]
        kept_alive = handler_cpu - (closing - alive) * files / 1000
        print(
            f"CPU (self + engine, GETs kept alive) handler {kept_alive:.2f} s, "
            f"baseline {baseline_cpu:.2f} s, ratio {kept_alive / baseline_cpu:.2f}"
        )
        print(
            f"ingest handler {files / handler_s:.0f} files/s, baseline {files / baseline_s:.0f} files/s, "
            f"ratio {handler_s / baseline_s:.2f} (handler time / baseline time)"
        )
    finally:
        if server is not None:
            server.close()
        stop_moto(moto)
    return 0


if __name__ == "__main__":
    sys.exit(main())
