"""A `Transfer-Encoding: chunked` body is read, on gunicorn as `manage.py serve` runs it."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_intake import free_port, wait_until_serving  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[int, str]]:
    """gunicorn on a throwaway SQLite database: (port, write key)."""
    var_dir = tmp_path_factory.mktemp("chunked")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"VAR_DIR": str(var_dir), "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    key = subprocess.run(
        [*manage, "create_source", "Chunked", "site"], env=env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "2", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        wait_until_serving(f"http://127.0.0.1:{port}")
        yield port, key
    finally:
        server.terminate()
        server.wait(timeout=30)


def _batch(*message_ids):
    return json.dumps(
        {"batch": [{"type": "track", "userId": "u", "event": "E", "messageId": m} for m in message_ids]}
    ).encode()


def _authorization(key):
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def test_it_reads_a_chunked_body_sent_by_http_client(served):
    port, key = served
    body = _batch("c-1", "c-2", "c-3")
    pieces = [body[i : i + 17] for i in range(0, len(body), 17)]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    connection.request(
        "POST",
        "/v1/batch",
        body=iter(pieces),
        headers={"Content-Type": "application/json", "Authorization": _authorization(key)},
        encode_chunked=True,
    )
    response = connection.getresponse()

    assert response.status == 200
    assert json.loads(response.read())["accepted"] == 3


def test_it_reads_a_gzipped_chunked_body_from_a_raw_socket(served):
    port, key = served
    body = gzip.compress(_batch("g-1"))
    half = len(body) // 2
    chunks = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:half], body[half:]))
    request = (
        b"POST /v1/batch HTTP/1.1\r\n"
        + f"Host: 127.0.0.1:{port}\r\n".encode()
        + f"Authorization: {_authorization(key)}\r\n".encode()
        + b"Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + chunks
        + b"0\r\n\r\n"
    )

    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        raw.sendall(request)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 200")
    assert b'"accepted": 1' in answer


def test_it_refuses_a_chunked_body_past_the_size_limit(served):
    port, key = served
    filler = iter([b'{"batch": [', *([b" " * 65536] * 9), b"]}"])

    response = requests.post(
        f"http://127.0.0.1:{port}/v1/batch",
        data=filler,
        headers={"Content-Type": "application/json", "Authorization": _authorization(key)},
        timeout=30,
    )

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
