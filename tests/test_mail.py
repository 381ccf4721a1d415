"""Mail configured from EMAIL_URL; without it, nothing is sent or printed and the pages say so."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail

from config.env import ConfigurationError, env_email_url
from config.mail import NOT_SET_UP, startup_warning


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_it_reads_an_smtp_url_with_starttls_and_an_encoded_password():
    config = env_email_url(
        "EMAIL_URL", {"EMAIL_URL": "smtp://mailer%40acme.io:p%2Fss@mail.acme.io:587/?tls=1"}
    )

    assert config is not None
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.acme.io", 587)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer@acme.io", "p/ss")
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (True, False)


def test_it_reads_smtps_with_its_default_port_and_a_sender():
    config = env_email_url("EMAIL_URL", {"EMAIL_URL": "smtps://mail.acme.io/?from=ops@acme.io"})

    assert config is not None
    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["DEFAULT_FROM_EMAIL"]) == (
        465,
        True,
        "ops@acme.io",
    )


def test_it_is_unset_without_a_url():
    assert env_email_url("EMAIL_URL", {}) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.acme.io", "must look like smtp://"),
        ("smtp://", "must look like smtp://"),
        ("smtp://mail.acme.io:port", "port that is not a number"),
        ("smtp://mail.acme.io/?ssl=1", "unknown option 'ssl'"),
        ("smtp://mail.acme.io/?tls=maybe", "tls must be one of"),
        ("smtps://mail.acme.io/?tls=1", "already uses TLS"),
        ("smtp://mail.acme.io/inbox", "must not have a path"),
        ("smtp://mail.acme.io/?tls", "not name=value pairs"),
    ],
)
def test_it_refuses_a_malformed_url_naming_the_variable(url, message):
    with pytest.raises(ConfigurationError, match=message):
        env_email_url("EMAIL_URL", {"EMAIL_URL": url})


def _configure(settings, url):
    config = env_email_url("EMAIL_URL", {"EMAIL_URL": url})
    assert config is not None
    for name, value in config.items():
        setattr(settings, name, value)
    settings.EMAIL_CONFIGURED = True


def test_a_password_reset_mail_reaches_the_smtp_server(settings, team, client, smtp_server):
    controller, inbox = smtp_server
    _configure(settings, f"smtp://127.0.0.1:{controller.port}/?from=ops@acme.io")

    response = client.post("/accounts/password/reset/", {"email": team.owner.email})

    assert response.status_code == 302
    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received["To"] == team.owner.email
    assert received["From"] == "ops@acme.io"
    assert "/accounts/password/reset/key/" in received.get_payload(decode=True).decode()


def test_without_mail_and_debug_off_the_reset_page_says_so_and_sends_nothing(settings, team, client):
    settings.EMAIL_CONFIGURED = False
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    page = client.get("/accounts/password/reset/")
    posted = client.post("/accounts/password/reset/", {"email": team.owner.email})

    for response in (page, posted):
        assert response.status_code == 503
        assert "This server has no mail set up" in response.content.decode()
        assert "<form" not in response.content.decode()
    assert mail.outbox == []
    assert "EMAIL_URL is not set" in (startup_warning() or "")
    assert NOT_SET_UP in posted.content.decode()


def test_with_mail_there_is_no_startup_warning(settings):
    settings.EMAIL_CONFIGURED = True

    assert startup_warning() is None
