"""Puts the workspace, destination and action a page is about into the log context."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.http import HttpRequest, HttpResponse

from monitoring import log_context

# URL keyword arguments -> log context ids.
_URL_IDS = {
    "workspace_id": "workspace",
    "destination_id": "destination",
    "action_id": "action",
    "delivery_id": "delivery",
}


class LogContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Whatever process_view binds is unbound when the response is done.
        with ExitStack() as stack:
            request._log_context = stack  # type: ignore[attr-defined]
            return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        ids = {name: kwargs[key] for key, name in _URL_IDS.items() if key in kwargs}
        stack = getattr(request, "_log_context", None)
        if ids and stack is not None:
            stack.enter_context(log_context.bound(**ids))
