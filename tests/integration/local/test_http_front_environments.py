"""The HTTP front runs like several warm Lambda environments, answers framing errors and
CORS as API Gateway does, and tells a starting stack from a ready one."""

from __future__ import annotations

import os
import signal
import socket
import struct
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from archive_local.http_front import CorsPolicy, HttpFront

pytestmark = pytest.mark.integration

MODULE = "tests.integration.local.slow_handler"


@pytest.fixture(scope="module")
def front() -> Iterator[HttpFront]:
    server = HttpFront("127.0.0.1", 0, MODULE, slots=3)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_concurrent_requests_are_served_by_several_environments(front: HttpFront) -> None:
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: requests.get(f"{front.url}/x?sleep=1", timeout=60), range(3)))
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.json()["pid"] for a in answers}) == 3


def test_an_environment_keeps_its_process_between_requests(front: HttpFront) -> None:
    pids = {requests.get(f"{front.url}/x", timeout=30).json()["pid"] for _ in range(9)}
    assert len(pids) <= 3


def raw_request(front: HttpFront, head: bytes) -> bytes:
    host, port = front.server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(head)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("value", [b"abc", b"-5", b"1e3"])
def test_a_malformed_content_length_is_a_400_json_error(front: HttpFront, value: bytes) -> None:
    answer = raw_request(front, b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + b"\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"Content-Length" in body


def test_a_body_over_the_lambda_payload_limit_is_a_413(front: HttpFront) -> None:
    answer = raw_request(front, b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 7000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413")


def test_small_responses_are_sent_without_waiting_for_nagle(front: HttpFront) -> None:
    # StreamRequestHandler sets TCP_NODELAY on each accepted socket when this is true.
    assert front.server.RequestHandlerClass.disable_nagle_algorithm is True


@pytest.fixture
def cors_front() -> Iterator[HttpFront]:
    server = HttpFront(
        "127.0.0.1",
        0,
        lambda event, context: {"statusCode": 200, "body": "{}"},
        cors=CorsPolicy.from_setting("http://127.0.0.1:*,https://app.example"),
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_preflight_from_an_allowed_origin_is_answered(cors_front: HttpFront) -> None:
    answer = requests.options(
        f"{cors_front.url}/search",
        headers={"Origin": "http://127.0.0.1:5173", "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5173"
    assert "GET" in answer.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in answer.headers["Access-Control-Allow-Headers"]
    get = requests.get(f"{cors_front.url}/search", headers={"Origin": "https://app.example"}, timeout=10)
    assert get.headers["Access-Control-Allow-Origin"] == "https://app.example"


@pytest.mark.parametrize("origin", ["http://evil.example", "https://127.0.0.1:8000", "http://localhost:3000"])
def test_other_origins_get_no_cors_headers(cors_front: HttpFront, origin: str) -> None:
    preflight = requests.options(
        f"{cors_front.url}/search",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    get = requests.get(f"{cors_front.url}/search", headers={"Origin": origin}, timeout=10)
    for answer in (preflight, get):
        assert not [h for h in answer.headers if h.lower().startswith("access-control-")]


def test_the_default_origins_are_loopback_on_any_port() -> None:
    policy = CorsPolicy.from_setting("")
    assert policy.allows("http://127.0.0.1:8080") and policy.allows("http://localhost:3000")
    assert not policy.allows("http://example.com") and not policy.allows(None)


def test_health_is_503_starting_until_nothing_is_pending() -> None:
    pending = [3]
    server = HttpFront(
        "127.0.0.1",
        0,
        lambda event, context: {"statusCode": 200, "body": '{"status": "ok"}'},
        pending=lambda: pending[0] or None,
    )
    server.start()
    try:
        starting = requests.get(f"{server.url}/health", timeout=10)
        assert starting.status_code == 503
        assert starting.json() == {"status": "starting", "pending": 3}
        pending[0] = 0
        assert requests.get(f"{server.url}/health", timeout=10).status_code == 200
    finally:
        server.stop()


def test_ctrl_c_leaves_the_environments_to_the_stack_s_ordered_stop(capfd) -> None:
    # Ctrl-C reaches every process of the terminal's group; an environment that took it
    # printed a KeyboardInterrupt traceback and died before the stack stopped it in order.
    server = HttpFront("127.0.0.1", 0, MODULE, slots=1)
    server.start()
    try:
        pid = requests.get(f"{server.url}/x", timeout=60).json()["pid"]
        os.kill(pid, signal.SIGINT)
        time.sleep(1)
        answer = requests.get(f"{server.url}/x", timeout=60)
        assert (answer.status_code, answer.json()["pid"]) == (200, pid)
    finally:
        server.stop()
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def test_ctrl_c_while_an_environment_starts_leaves_it_starting() -> None:
    # Pressed in the first seconds of make run, it reached environments still importing
    # Python itself ("Fatal Python error: init_import_site", tracebacks); they died.
    server = HttpFront("127.0.0.1", 0, MODULE, slots=1)
    server.start()
    try:
        environment = server.default._free.queue[0]
        os.kill(environment.process.pid, signal.SIGINT)  # at once: it is still bootstrapping
        server.wait_warm(60)
        answer = requests.get(f"{server.url}/x", timeout=60)
        assert (answer.status_code, answer.json()["pid"]) == (200, environment.process.pid)
    finally:
        server.stop()


def test_a_stop_while_environments_start_prints_no_traceback(capfd) -> None:
    # Ctrl-C early in make run: the front closes its pipes while the environments import
    # the handler; each then died of BrokenPipeError on its "ready", with a traceback.
    server = HttpFront("127.0.0.1", 0, "tests.integration.local.slow_import_handler", slots=2)
    server.start()
    environments = list(server.default._free.queue)
    server.stop()
    for environment in environments:
        environment.process.join(30)
    assert [e.process.exitcode for e in environments] == [0, 0]
    assert "Traceback" not in capfd.readouterr().err


def test_a_client_gone_before_its_answer_prints_no_traceback(front: HttpFront, capfd) -> None:
    # A browser tab closed while a search runs: writing the answer failed with
    # BrokenPipeError, and socketserver printed its traceback into make run's output.
    host, port = front.server.server_address[:2]
    for _ in range(3):
        conn = socket.create_connection((host, port), timeout=10)
        conn.sendall(b"GET /x?sleep=0.5 HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
        conn.close()
    time.sleep(1.5)
    assert requests.get(f"{front.url}/x", timeout=30).status_code == 200
    assert "Traceback" not in capfd.readouterr().err
