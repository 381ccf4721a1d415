"""Whether this install can send mail, and what a page that needs it does without.

A password reset (and an invitation) is only as safe as the mailbox it goes
to; with no mail server configured the link must not go anywhere else, so
those pages say that mail is not set up instead of pretending to send.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

NOT_SET_UP = (
    "This server has no mail set up, so it cannot send you a link. "
    "Ask whoever runs it to set EMAIL_URL, or to reset your password for you."
)


def mail_is_set_up() -> bool:
    """True when mail leaves this server: an SMTP server is configured, or DEBUG prints mail."""
    return bool(settings.EMAIL_CONFIGURED or settings.DEBUG)


def startup_warning() -> str | None:
    """The one warning to log at start-up, when mail cannot be sent."""
    if mail_is_set_up():
        return None
    return (
        "EMAIL_URL is not set: no mail is sent; password reset and invitations say that mail is not set up."
    )


@checks.register(checks.Tags.security, deploy=True)
def check_mail_is_set_up(**kwargs: Any) -> list[checks.CheckMessage]:
    """``check --deploy`` warns when a production install cannot send mail."""
    warning = startup_warning()
    return [checks.Warning(warning, id="config.W001")] if warning else []


def needs_mail(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view that sends mail; without mail it answers a page saying so and sends nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if mail_is_set_up():
            return view(request, *args, **kwargs)
        response: HttpResponse = render(request, "mail_not_set_up.html", {"message": NOT_SET_UP}, status=503)
        return response

    return wrapper
