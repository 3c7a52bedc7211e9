"""Shared fixtures: servers are started here, never assumed to be running.

- ``moto_endpoint``: a moto server (S3 + SQS) on loopback, one per test session.
- ``aws``: pytest-localstack's RunningSession pointed at that moto server, with
  botocore patched so every boto3 client in the test talks to it.
- ``search_url``: an osmem-server instance, or the cluster named by OPENSEARCH_URL.
- ``settings``: archive settings with a fresh index alias per test.
- ``archive``: a fresh bucket + ingest queue + DLQ wired as in template.yaml.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVENTS = Path(__file__).resolve().parent / "events"
# The two seed articles the product was specified from (../shared/seeds), as the project ships
# them among its samples: the suite reads nothing outside the repository.
SAMPLES = ROOT / "infra" / "archive_local" / "samples"
SEEDS = tuple(SAMPLES / name for name in ("000_178441e45c435c79.txt", "003_adb2bf521e5eb72d.txt"))

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_REGION", "us-east-1")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ArchiveSearch")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def localstack_session(moto_endpoint: str):  # type: ignore[no-untyped-def]
    from pytest_localstack.session import RunningSession

    port = int(moto_endpoint.rsplit(":", 1)[1])
    session = RunningSession(
        "127.0.0.1", services={"s3": port, "sqs": port, "events": port}, region_name="us-east-1"
    )
    with session:
        yield session


@pytest.fixture
def aws(localstack_session):  # type: ignore[no-untyped-def]
    """boto3 patched to the moto server for the duration of one test."""
    with localstack_session.botocore.patch_botocore():
        yield localstack_session


@pytest.fixture(scope="session")
def search_url() -> Iterator[str]:
    external = os.environ.get("OPENSEARCH_URL")
    if external:
        yield external.rstrip("/")
        return
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False)
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def settings(search_url: str):  # type: ignore[no-untyped-def]
    from archive_search.settings import Settings

    alias = f"t-{uuid.uuid4().hex[:12]}"
    # The tests' archives are moto's buckets themselves, whose events carry no sequencer (the
    # local stack's S3 front gives them one): the explicit event-time order.
    return Settings.from_env(
        {
            "OPENSEARCH_URL": search_url,
            "INDEX_ALIAS": alias,
            "AWS_REGION": "us-east-1",
            "EVENT_ORDER": "event-time",
        }
    )


@pytest.fixture
def archive(aws):  # type: ignore[no-untyped-def]
    from archive_local.aws import clients, provision

    s3, sqs = clients(None)
    name = f"archive-{uuid.uuid4().hex[:10]}"
    return provision(s3, sqs, bucket=name, queue=f"{name}-ingest", visibility_timeout=2)
