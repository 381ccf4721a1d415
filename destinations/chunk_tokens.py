"""A token source for one chunk: the token read and decrypted once, refreshed once.

A chunk's calls run at once on several threads. Reading the destination's
row and decrypting its token for every call would cost a query and a
decryption each; instead the token is read once, when the chunk's client is
made (on the sender's own thread). When Salesforce rejects it, the first
thread to notice refreshes (single-flight across processes, as
``DestinationTokens`` does) and the others, waiting on the lock, take the
token it got.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from destinations.salesforce.connection import TokenSource

# Runs a refresh where it must run (the thread whose database connection the
# chunk uses) and returns its token.
RefreshVia = Callable[[Callable[[], str]], str]


class ChunkTokens:
    def __init__(self, source: TokenSource, refresh_via: RefreshVia | None = None) -> None:
        self._source = source
        self._refresh_via = refresh_via
        self._lock = threading.Lock()
        self._token = source.access_token()

    def access_token(self) -> str:
        with self._lock:
            return self._token

    def refresh(self, rejected: str) -> str:
        with self._lock:
            if self._token == rejected:
                if self._refresh_via is None:
                    self._token = self._source.refresh(rejected)
                else:
                    self._token = self._refresh_via(lambda: self._source.refresh(rejected))
            return self._token
