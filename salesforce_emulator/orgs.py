"""An emulated org: its user, records, tokens, limits, faults and request log.

The production org and the sandbox org are two ``Org`` objects sharing
nothing but the emulator's configuration. One re-entrant lock per org
serialises every read and write of its records.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from typing import Any

from salesforce_emulator import clock
from salesforce_emulator.bulk import BulkJobs
from salesforce_emulator.config import EmulatorConfig
from salesforce_emulator.faults import FaultSet
from salesforce_emulator.ids import IdMinter, to_18
from salesforce_emulator.in_flight import InFlight
from salesforce_emulator.limits import ApiLimits
from salesforce_emulator.query_api import QueryCursors
from salesforce_emulator.records import RecordWriter
from salesforce_emulator.request_log import LoggedRequest, RequestLog
from salesforce_emulator.rules import DuplicateRule, ValidationRule
from salesforce_emulator.schema import Schema
from salesforce_emulator.store import RecordStore
from salesforce_emulator.tokens import TokenStore

# Different pod codes keep the two orgs' ids apart, as real orgs' ids are.
_PODS = {"production": "5g0", "sandbox": "8c1"}
DEFAULT_SCOPES = ("api", "refresh_token")


class Org:
    def __init__(self, name: str, config: EmulatorConfig, schema: Schema) -> None:
        if name not in _PODS:
            raise ValueError("an org is 'production' or 'sandbox'")
        self.name = name
        self.config = config
        self.lock = threading.RLock()
        # Set by the emulator once its servers listen.
        self.login_url = ""
        self.instance_url = ""
        self.faults = FaultSet()
        self.log = RequestLog(config.request_log_size)
        # Data API requests being answered now, and the most at once.
        self.in_flight = InFlight()
        self.reset(schema)

    def reset(self, schema: Schema) -> None:
        """Back to a fresh org: no records but the seed, no tokens, no faults, no usage."""
        with self.lock:
            old_bulk = getattr(self, "bulk", None)
            if old_bulk is not None:
                old_bulk.cancel_all()
            self.schema = schema
            # Whole seconds, as If-Modified-Since compares them.
            self.schema_loaded_at = int(time.time())
            self.minter = IdMinter(_PODS[self.name])
            self.org_id = self.minter.mint("00D")
            self.user_id = self.minter.mint("005")
            self.store = RecordStore(schema)
            self.writer = RecordWriter(self)
            self.tokens = TokenStore(self.org_id, self.config)
            self.limits = ApiLimits(self.config)
            self.bulk = BulkJobs(self)
            self.cursors = QueryCursors()
            self.validation_rules: list[ValidationRule] = []
            self.duplicate_rules: list[DuplicateRule] = []
            self.auto_numbers: dict[str, int] = {}
            self.user_active = True
            self.faults.clear()
            self.log.clear()
            self.in_flight.reset_peak()
            self._seed()

    @property
    def username(self) -> str:
        if self.name == "sandbox":
            return f"{self.config.username}.{self.config.sandbox_name}"
        return self.config.username

    def _seed(self) -> None:
        audit = self._audit()
        if self.schema.get("User") is not None:
            user = {
                "Id": self.user_id,
                "Username": self.username,
                "FirstName": "Demo",
                "LastName": "User",
                "Name": "Demo User",
                "Email": self.config.username,
                "Alias": "demo",
                "IsActive": True,
                **audit,
            }
            self.store.insert("User", user)
        self._seed_record_types(audit)

    def _audit(self) -> dict[str, Any]:
        now = clock.stamp()
        return {
            "IsDeleted": False,
            "CreatedDate": now,
            "CreatedById": self.user_id,
            "LastModifiedDate": now,
            "LastModifiedById": self.user_id,
            "SystemModstamp": now,
        }

    def _seed_record_types(self, audit: dict[str, Any]) -> None:
        if self.schema.get("RecordType") is None:
            return
        for sobject in self.schema.objects:
            for record_type in sobject.record_types:
                if self.store.get("RecordType", record_type.record_type_id) is not None:
                    continue
                row = {
                    "Id": record_type.record_type_id,
                    "Name": record_type.name,
                    "DeveloperName": record_type.developer_name,
                    "SobjectType": sobject.name,
                    "IsActive": True,
                    "IsPersonType": record_type.is_person_type,
                    **audit,
                }
                self.store.insert("RecordType", row)

    @property
    def person_accounts(self) -> bool:
        """Whether the org has Person Accounts: its Account has ``IsPersonAccount``."""
        account = self.schema.get("Account")
        return account is not None and account.field("IsPersonAccount") is not None

    def enable_person_accounts(self, schema: Schema) -> None:
        """Switch to ``schema`` (this org's with Person Accounts on), keeping records and tokens.

        As on Salesforce, enabling the feature changes an org in place: what
        was there stays, Account gains the person fields and record types.
        """
        with self.lock:
            self.schema = schema
            self.store.use_schema(schema)
            self.schema_loaded_at = int(time.time())
            self._seed_record_types(self._audit())

    # --- Reading what arrived -------------------------------------------------

    def records(self, object_name: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Copies of an object's records, oldest first."""
        with self.lock:
            return [dict(r) for r in self.store.all(object_name) if include_deleted or not r.get("IsDeleted")]

    def record(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """A copy of one record (deleted or not), by 15- or 18-character id."""
        with self.lock:
            found = self.store.get(object_name, to_18(record_id))
            return dict(found) if found is not None else None

    def requests(self) -> list[LoggedRequest]:
        return self.log.entries()

    # --- Tokens ------------------------------------------------------------------

    def mint_tokens(self, scopes: tuple[str, ...] | list[str] = DEFAULT_SCOPES) -> dict[str, str]:
        """A token pair for the org's user, as the token endpoint would answer an approval."""
        access, refresh = self.tokens.approve(self.user_id, list(scopes))
        return self.token_response(access, refresh, list(scopes))

    def token_response(self, access: str, refresh: str | None, scopes: list[str]) -> dict[str, str]:
        issued_at = str(clock.now_ms())
        identity = self.identity_url()
        signature = hmac.new(
            self.config.client_secret.encode(), (identity + issued_at).encode(), hashlib.sha256
        ).digest()
        response = {"access_token": access}
        if refresh:
            response["refresh_token"] = refresh
        response.update(
            signature=base64.b64encode(signature).decode(),
            scope=" ".join(scopes),
            instance_url=self.instance_url,
            id=identity,
            token_type="Bearer",  # noqa: S106 - the scheme name
            issued_at=issued_at,
        )
        return response

    def identity_url(self) -> str:
        return f"{self.login_url}/id/{self.org_id}/{self.user_id}"

    def set_user_active(self, active: bool) -> None:
        """Deactivate (or reactivate) the org's user: refreshes then fail with ``authentication failure``."""
        self.user_active = active
        with self.lock:
            self.store.update("User", self.user_id, {"IsActive": active})

    def fail_next_refreshes(self, count: int = 1) -> None:
        """The next ``count`` refreshes answer ``token request is already being processed``."""
        self.tokens.racing_refreshes = count

    # --- Org customisations ----------------------------------------------------------

    def add_validation_rule(
        self,
        object_name: str,
        message: str,
        *,
        error_field: str | None = None,
        condition: dict[str, Any] | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        name: str = "",
    ) -> ValidationRule:
        """A rule that blocks saves for which ``condition`` (or ``predicate``) holds."""
        if (condition is None) == (predicate is None):
            raise ValueError("give exactly one of condition and predicate")
        rule = ValidationRule(object_name, message, error_field, condition, predicate, name)
        self.validation_rules.append(rule)
        return rule

    def add_duplicate_rule(
        self,
        object_name: str,
        fields: list[str],
        *,
        message: str = "Use one of these records?",
        name: str = "",
    ) -> DuplicateRule:
        """A rule that blocks saving a record whose ``fields`` all equal another live record's."""
        rule = DuplicateRule(object_name, list(fields), message, name)
        self.duplicate_rules.append(rule)
        return rule
