"""bench/ingest.py's S3 stand-in closes each connection, or keeps it alive, as it is told: the
per-GET comparison it prints depends on it."""

from __future__ import annotations

import http.client

import pytest
from bench.ingest import object_server

pytestmark = pytest.mark.unit


def test_object_server_keeps_the_connection_alive_only_when_told() -> None:
    server, close = object_server("bench-bucket", {"html/a b.html": b"<p>one</p>"})
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=5)
        close[0] = False
        sockets = []
        for _ in range(2):  # two requests on one connection
            conn.request("GET", "/bench-bucket/html/a%20b.html")
            sockets.append(conn.sock)
            response = conn.getresponse()
            assert (response.status, response.read()) == (200, b"<p>one</p>")
            assert not response.will_close
            assert response.getheader("ETag") and response.getheader("Last-Modified")
        assert sockets[0] is sockets[1]
        close[0] = True
        conn.request("GET", "/bench-bucket/html/a%20b.html")
        response = conn.getresponse()
        assert response.getheader("Connection") == "close"
        assert response.read() == b"<p>one</p>"
        assert response.will_close
        conn.request("GET", "/bench-bucket/missing.html")  # http.client reconnects
        assert conn.getresponse().status == 404
        conn.close()
    finally:
        server.shutdown()
        server.server_close()
