import socket
import threading

import requests

from salesforce_emulator import Emulator, EmulatorConfig
from salesforce_emulator.control_guard import TOKEN_HEADER


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_it_names_a_url_for_each_host(salesforce_emulator: Emulator):
    assert set(salesforce_emulator.urls) == {
        "production_login",
        "production_instance",
        "sandbox_login",
        "sandbox_instance",
        "control",
    }
    assert len(set(salesforce_emulator.urls.values())) == 5


def test_it_listens_on_the_ports_it_is_given():
    port = _free_port()
    with Emulator(EmulatorConfig(control_port=port)) as emulator:
        assert emulator.urls["control"] == f"http://127.0.0.1:{port}"
        status = requests.get(
            emulator.urls["control"] + "/status", headers={TOKEN_HEADER: emulator.control_token}, timeout=5
        )
        assert status.status_code == 200


def test_it_stops_listening_when_stopped():
    emulator = Emulator().start()
    url = emulator.urls["production_instance"] + "/services/data"
    assert requests.get(url, timeout=5).status_code == 200
    emulator.stop()
    try:
        requests.get(url, timeout=2)
    except requests.ConnectionError:
        return
    raise AssertionError("still answering after stop()")


def test_it_gives_up_promptly_when_a_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        emulator = Emulator(EmulatorConfig(sandbox_instance_port=taken.getsockname()[1]))
        done = threading.Event()

        def start() -> None:
            try:
                emulator.start()
            except OSError:
                done.set()

        threading.Thread(target=start, daemon=True).start()

        assert done.wait(timeout=10), "start() hung instead of raising"


def test_it_gives_each_org_its_own_user_and_ids(salesforce_emulator: Emulator):
    production, sandbox = salesforce_emulator.org("production"), salesforce_emulator.org("sandbox")
    assert (production.username, sandbox.username) == ("demo@example.com", "demo@example.com.test")
    assert production.org_id.startswith("00D") and production.user_id.startswith("005")
    assert production.org_id != sandbox.org_id


def test_it_puts_the_knobs_back_to_their_starting_values(salesforce_emulator: Emulator):
    salesforce_emulator.config.latency = 3.0
    salesforce_emulator.config.redirect_uris.append("http://example.com/cb")
    salesforce_emulator.restore_config()
    assert salesforce_emulator.config.latency == 0.0
    assert "http://example.com/cb" not in salesforce_emulator.config.redirect_uris
