"""The emulator: two orgs, their four hosts, and the control port.

emu = Emulator(EmulatorConfig())
emu.start()
emu.urls["production_instance"]   # http://127.0.0.1:PORT
emu.org("production").mint_tokens()
emu.reset()
emu.stop()
"""

from __future__ import annotations

import copy
import dataclasses
import secrets
from types import TracebackType

from salesforce_emulator.config import EmulatorConfig
from salesforce_emulator.control import ControlApi
from salesforce_emulator.gateway import Gateway
from salesforce_emulator.orgs import Org
from salesforce_emulator.schema import Schema
from salesforce_emulator.schema_loader import load_schema
from salesforce_emulator.server import HttpServer

ORG_NAMES = ("production", "sandbox")


class Emulator:
    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self._initial_config = copy.deepcopy(self.config)
        schema = self._load_schema()
        self.orgs: dict[str, Org] = {name: Org(name, self.config, schema) for name in ORG_NAMES}
        self.urls: dict[str, str] = {}
        self._servers: list[HttpServer] = []
        # Made fresh for every emulator unless the config names one.
        self._control_token = self.config.control_token or secrets.token_urlsafe(32)

    @property
    def control_token(self) -> str:
        """The secret every control API request must carry (X-Emulator-Token)."""
        return self._control_token

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        return self.config.client_secret

    def org(self, name: str) -> Org:
        """The ``production`` or ``sandbox`` org."""
        return self.orgs[name]

    def enable_person_accounts(self, name: str) -> None:
        """Turn Person Accounts on in one org, in place (records and tokens stay).

        ``reset()`` brings the org back to what the configuration says.
        """
        org = self.orgs[name]
        if not org.person_accounts:
            org.enable_person_accounts(self._load_schema(person_accounts=True))

    def _load_schema(self, *, person_accounts: bool | None = None) -> Schema:
        return load_schema(
            person_accounts=self.config.person_accounts if person_accounts is None else person_accounts,
            schema_file=self.config.schema_file,
            lead_company_optional=self.config.lead_company_optional_with_person_accounts,
        )

    def start(self) -> Emulator:
        """Listen on every port (free ones where the config says 0) in background threads."""
        if self._servers:
            return self
        host = self.config.host
        try:
            for name, org in self.orgs.items():
                login = HttpServer(host, self.config.login_port(name), Gateway(org, "login", self.orgs))
                instance = HttpServer(
                    host, self.config.instance_port(name), Gateway(org, "instance", self.orgs)
                )
                self._servers += [login, instance]
                org.login_url = self.urls[f"{name}_login"] = f"http://{host}:{login.port}"
                org.instance_url = self.urls[f"{name}_instance"] = f"http://{host}:{instance.port}"
            control_api = ControlApi(self)
            control = HttpServer(host, self.config.control_port, control_api)
            control_api.listen_on(control.port)
            self._servers.append(control)
            self.urls["control"] = f"http://{host}:{control.port}"
        except OSError:
            self.stop()
            raise
        for position, server in enumerate(self._servers):
            server.start(f"salesforce-emulator-{position}")
        return self

    def stop(self) -> None:
        """Stop listening and close every open connection."""
        for org in self.orgs.values():
            org.bulk.cancel_all()
        servers, self._servers = self._servers, []
        for server in servers:
            server.stop()

    def reset(self) -> None:
        """Data, tokens, request log, faults and limits back to a fresh start.

        The schema is reloaded, so schema settings changed since take effect.
        """
        schema = self._load_schema()
        for org in self.orgs.values():
            org.reset(schema)

    def restore_config(self) -> None:
        """Every knob back to its value when the emulator was made (the ports stay)."""
        for setting in dataclasses.fields(self.config):
            if setting.name != "host" and not setting.name.endswith("_port"):
                value = copy.deepcopy(getattr(self._initial_config, setting.name))
                setattr(self.config, setting.name, value)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
