"""A running product seen from outside: its processes, its ports, and a browser's part in signing in."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shown(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in ``text``, which must be there."""
    found = re.search(pattern, text)
    assert found, text
    return found.group(1)


def descendants(pid: int) -> set[int]:
    """Every process started by ``pid``, its children's children included."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def process_group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def running(pid: int) -> bool:
    """Whether ``pid`` still runs (an unreaped zombie runs nothing and holds no port)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def port_is_free(port: int) -> bool:
    """Whether a new server could listen on ``port`` (as gunicorn does, past closed connections' TIME_WAIT)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def sign_in(base: str, banner: str) -> tuple[requests.Session, requests.Response]:
    """Sign in as the demo owner with the password the banner printed, once the web app answers."""
    password = shown(r"as demo@example.com with password (\S+)", banner)
    session = requests.Session()
    # Generous: the first requests wait for gunicorn's workers to boot, slower on a busy machine.
    deadline = time.monotonic() + 60
    while True:
        try:
            login_page = session.get(f"{base}/accounts/login/", timeout=10)
            break
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert login_page.status_code == 200
    signed_in = session.post(
        f"{base}/accounts/login/",
        {
            "login": "demo@example.com",
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=20,
    )
    return session, signed_in


def post_form(
    session: requests.Session, url: str, page_url: str, data: dict[str, str] | None = None
) -> requests.Response:
    """Submit a form of ``page_url`` as a browser would, without following the answer's redirect."""
    return session.post(
        url,
        {**(data or {}), "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": page_url},
        allow_redirects=False,
        timeout=20,
    )
