"""Dynamic pages are never kept by a browser or a shared cache.

The dashboard shows event data (Data Out, delivery detail, event pickers,
preview answers, the CSV export): personal data of our customers' users. A
page kept in a browser's cache outlives the session that was allowed to see
it, so every answer of the app says ``no-store`` unless its view chose its own
caching. Static files never reach this middleware (WhiteNoise answers them
first, with their own long-lived caching).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers


class NoStore:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
