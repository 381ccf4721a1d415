"""Throughput of the emulator: ``python -m salesforce_emulator.bench``.

Starts an emulator in a child process (so that the clients do not share its
interpreter lock), then runs client threads, each on its own keep-alive
connection, that alternate creating a Lead and reading ``/limits`` for a few
seconds, and prints requests per second. ``--client http`` uses the
standard library's ``http.client`` instead of ``requests`` to show what the
server sustains when the client is not the bottleneck.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import threading
import time
from multiprocessing.synchronize import Event
from typing import Any
from urllib.parse import urlsplit

import requests


def _serve(ready: Any, stop: Event) -> None:
    from salesforce_emulator import Emulator, EmulatorConfig

    emulator = Emulator(EmulatorConfig(daily_api_limit=10**9, request_log_size=1000)).start()
    tokens = emulator.org("production").mint_tokens()
    ready.put({"instance": emulator.urls["production_instance"], "token": tokens["access_token"]})
    stop.wait()
    emulator.stop()


def _requests_worker(base: str, token: str, until: float, counts: list[int], slot: int) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    body = {"LastName": "Bench", "Company": "Acme"}
    while time.monotonic() < until:
        created = session.post(f"{base}/sobjects/Lead", json=body, timeout=10)
        limits = session.get(f"{base}/limits", timeout=10)
        assert created.status_code == 201 and limits.status_code == 200
        counts[slot] += 2


def _http_worker(base: str, token: str, until: float, counts: list[int], slot: int) -> None:
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"LastName": "Bench", "Company": "Acme"})
    while time.monotonic() < until:
        connection.request("POST", f"{url.path}/sobjects/Lead", body, headers)
        created = connection.getresponse()
        created.read()
        connection.request("GET", f"{url.path}/limits", headers=headers)
        limits = connection.getresponse()
        limits.read()
        assert created.status == 201 and limits.status == 200
        counts[slot] += 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--client", choices=("requests", "http"), default="requests")
    options = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    stop = context.Event()
    server = context.Process(target=_serve, args=(ready, stop), daemon=True)
    server.start()
    info = ready.get(timeout=30)
    base = f"{info['instance']}/services/data/v60.0"
    worker = _requests_worker if options.client == "requests" else _http_worker
    counts = [0] * options.threads
    until = time.monotonic() + options.seconds
    threads = [
        threading.Thread(target=worker, args=(base, info["token"], until, counts, slot))
        for slot in range(options.threads)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    stop.set()
    server.join(timeout=10)
    total = sum(counts)
    print(
        f"{total} requests in {elapsed:.1f} s with {options.threads} {options.client} threads: "
        f"{total / elapsed:.0f} requests/second (half creates, half /limits)"
    )


if __name__ == "__main__":
    main()
