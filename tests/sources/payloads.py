"""Building intake requests from the JSON fixture files in ``fixtures/``."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def _fill_key(value: Any, key: str) -> Any:
    if isinstance(value, str):
        return value.replace("{{writeKey}}", key)
    if isinstance(value, list):
        return [_fill_key(v, key) for v in value]
    if isinstance(value, dict):
        return {k: _fill_key(v, key) for k, v in value.items()}
    return value


def request_body(spec: dict[str, Any], key: str) -> bytes:
    if "raw_body" in spec:
        data = spec["raw_body"].encode()
    else:
        body = _fill_key(spec.get("body"), key)
        if "repeat" in spec:
            body = {"batch": [spec["repeat"]["item"]] * spec["repeat"]["count"]}
        if "pad_bytes" in spec:
            body["batch"][0]["properties"]["pad"] = "x" * spec["pad_bytes"]
        data = json.dumps(body).encode()
    return gzip.compress(data) if spec.get("gzip") else data


def auth_headers(spec: dict[str, Any], key: str) -> dict[str, str]:
    mode = spec.get("auth", "basic")
    headers = dict(spec.get("headers", {}))
    if mode == "basic":
        headers["Authorization"] = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    elif mode == "basic-no-colon":
        headers["Authorization"] = "Basic " + base64.b64encode(key.encode()).decode()
    elif mode == "bearer":
        headers["Authorization"] = f"Bearer {key}"
    elif mode == "wrong":
        headers["Authorization"] = "Basic " + base64.b64encode(b"wk_not-a-key:").decode()
    elif mode == "garbled":
        headers["Authorization"] = "Basic !!!not-base64!!!"
    if spec.get("gzip"):
        headers["Content-Encoding"] = "gzip"
    return headers


def contains(actual: Any, expected: Any) -> bool:
    """Whether ``expected`` is a part of ``actual`` (dicts by key, lists item by item)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and contains(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(contains(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)
