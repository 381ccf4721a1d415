"""The control API: what tests and people use to steer the emulator.

Served only on the control port, never on an org's hosts, and only to
requests that carry the control token from the control port's own address
(see control_guard). JSON in and out (HTML for the records pages). Paths:

    GET    /                                  HTML index: orgs, objects, links
    GET    /status                            urls, client id and secret
    POST   /reset                             everything back to a fresh start
    GET    /config    PATCH /config           knobs ({"name": value, ...})
    GET    /orgs/{org}                        org id, user, urls, usage
    GET    /orgs/{org}/page?object=Lead       HTML records page
    GET    /orgs/{org}/records/{Object}       records (?include_deleted=true)
    POST   /orgs/{org}/records/{Object}       create one record (not counted)
    GET    /orgs/{org}/requests               request log (?since=<id>)
    DELETE /orgs/{org}/requests               clear it
    GET|POST|DELETE /orgs/{org}/faults        list, add, clear; DELETE .../faults/{id}
    GET|DELETE /orgs/{org}/concurrency        data API requests in flight and their peak; reset the peak
    GET|PATCH /orgs/{org}/limits              {"used": n, "max": n}
    POST   /orgs/{org}/tokens                 mint a token pair ({"scopes": [...]})
    POST   /orgs/{org}/tokens/expire          expire every access token
    POST   /orgs/{org}/tokens/revoke          revoke every token
    PATCH  /orgs/{org}/user                   {"active": false}
    PATCH  /orgs/{org}/features               {"person_accounts": true} (in place; reset undoes it)
    POST   /orgs/{org}/refresh-race           {"count": 1}
    GET|POST|DELETE /orgs/{org}/validation-rules
    GET|POST|DELETE /orgs/{org}/duplicate-rules
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from salesforce_emulator import pages, responses
from salesforce_emulator.control_guard import ControlGuard
from salesforce_emulator.errors import RecordFailure
from salesforce_emulator.record_pages import render_records_page
from salesforce_emulator.records import resolve_fields
from salesforce_emulator.values import JsonTypeError, from_json

if TYPE_CHECKING:
    from salesforce_emulator.emulator import Emulator
    from salesforce_emulator.orgs import Org

_FIXED_SETTINGS = {"host", "production_login_port", "production_instance_port", "sandbox_login_port"}
_FIXED_SETTINGS |= {"sandbox_instance_port", "control_port", "control_token"}


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ControlApi:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.guard: ControlGuard | None = None

    def listen_on(self, port: int) -> None:
        """Accept requests addressed to this port only (see control_guard)."""
        self.guard = ControlGuard(self.emulator.control_token, self.emulator.config.host, port)

    def __call__(self, request: Request) -> Response:
        if self.guard is None:
            return responses.json_response({"error": "the control API is not listening yet"}, 503)
        refusal = self.guard.refusal(request)
        if refusal is not None:
            return responses.json_response({"error": refusal[1]}, refusal[0])
        parts = [p for p in request.path.split("/") if p]
        try:
            return self.guard.remember(request, self._route(request, parts))
        except ControlError as exc:
            return responses.json_response({"error": str(exc)}, exc.status)
        except (ValueError, TypeError, KeyError) as exc:
            return responses.json_response({"error": f"bad request: {exc}"}, 400)

    def _route(self, request: Request, parts: list[str]) -> Response:
        method = request.method
        if not parts and method == "GET":
            return self._index()
        if parts == ["status"]:
            return responses.json_response(self._status())
        if parts == ["reset"] and method == "POST":
            self.emulator.reset()
            return responses.empty()
        if parts == ["config"]:
            if method == "PATCH":
                self._update_config(_json(request))
            settings = dataclasses.asdict(self.emulator.config)
            settings.pop("control_token")
            return responses.json_response(settings)
        if len(parts) >= 2 and parts[0] == "orgs":
            org = self.emulator.orgs.get(parts[1])
            if org is None:
                raise ControlError(404, f"no org {parts[1]!r}; use production or sandbox")
            if parts[2:] == ["features"] and method == "PATCH":
                return self._features(org, _json(request))
            return OrgControl(org).handle(request, parts[2:])
        raise ControlError(404, "no such control resource")

    def _features(self, org: Org, changes: dict[str, Any]) -> Response:
        unknown = sorted(set(changes) - {"person_accounts"})
        if unknown:
            raise ControlError(400, f"unknown feature {unknown[0]!r}; the one feature is person_accounts")
        wanted = changes.get("person_accounts", org.person_accounts)
        if not isinstance(wanted, bool):
            raise ControlError(400, "person_accounts takes a bool")
        if wanted:
            self.emulator.enable_person_accounts(org.name)
        elif org.person_accounts:
            # As on Salesforce, the feature cannot be turned off; a reset rebuilds the org.
            raise ControlError(409, "Person Accounts cannot be turned off once enabled; POST /reset")
        return responses.json_response({"person_accounts": org.person_accounts})

    def _index(self) -> Response:
        orgs = self.emulator.orgs
        links = "".join(
            f'<li><a href="/orgs/{name}/page">{name}</a> <span class=muted>{org.instance_url}</span></li>'
            for name, org in orgs.items()
        )
        return responses.html(
            pages.records_page("Salesforce emulator", "/", [], None, [], [], {}).replace(
                "<nav></nav>", f"<ul>{links}</ul>"
            )
        )

    def _status(self) -> dict[str, Any]:
        return {
            **self.emulator.urls,
            "client_id": self.emulator.client_id,
            "client_secret": self.emulator.client_secret,
        }

    def _update_config(self, changes: dict[str, Any]) -> None:
        config = self.emulator.config
        known = {f.name: f for f in dataclasses.fields(config)}
        for name, value in changes.items():
            if name not in known:
                raise ControlError(400, f"unknown setting {name!r}")
            if name in _FIXED_SETTINGS:
                raise ControlError(400, f"{name} cannot change on a running emulator")
            current = getattr(config, name)
            if current is not None and value is not None and not _same_kind(current, value):
                raise ControlError(400, f"{name} takes a {type(current).__name__}")
        for name, value in changes.items():
            setattr(config, name, value)


class OrgControl:
    def __init__(self, org: Org) -> None:
        self.org = org

    def handle(self, request: Request, parts: list[str]) -> Response:
        org = self.org
        method = request.method
        head = parts[0] if parts else ""
        if not parts:
            return responses.json_response(self._summary())
        if head == "page":
            return render_records_page(org, request.args.get("object"), f"/orgs/{org.name}/page")
        if head == "records" and len(parts) == 2:
            if method == "POST":
                return self._create(parts[1], _json(request))
            include_deleted = request.args.get("include_deleted", "").lower() == "true"
            return responses.json_response(
                org.records(_object(org, parts[1]), include_deleted=include_deleted)
            )
        if head == "requests":
            if method == "DELETE":
                org.log.clear()
                return responses.empty()
            since = int(request.args.get("since", "0"))
            return responses.json_response([e.as_dict() for e in org.requests() if e.id > since])
        if head == "faults":
            return self._faults(request, parts)
        if head == "concurrency":
            if method == "DELETE":
                org.in_flight.reset_peak()
            return responses.json_response(org.in_flight.snapshot())
        if head == "limits":
            if method == "PATCH":
                changes = _json(request)
                if "max" in changes:
                    org.limits.max_override = None if changes["max"] is None else int(changes["max"])
                if "used" in changes:
                    org.limits.used = int(changes["used"])
            return responses.json_response(
                {
                    "used": org.limits.used,
                    "max": org.limits.max,
                    "remaining": max(0, org.limits.max - org.limits.used),
                }
            )
        if head == "tokens":
            return self._tokens(request, parts)
        if head == "user" and method == "PATCH":
            org.set_user_active(bool(_json(request)["active"]))
            return responses.json_response(self._summary())
        if head == "refresh-race" and method == "POST":
            org.fail_next_refreshes(int(_json(request).get("count", 1)))
            return responses.empty()
        if head in ("validation-rules", "duplicate-rules"):
            return self._rules(request, head)
        raise ControlError(404, "no such control resource")

    def _summary(self) -> dict[str, Any]:
        org = self.org
        return {
            "name": org.name,
            "org_id": org.org_id,
            "user_id": org.user_id,
            "username": org.username,
            "user_active": org.user_active,
            "person_accounts": org.person_accounts,
            "login_url": org.login_url,
            "instance_url": org.instance_url,
            "api_usage": {"used": org.limits.used, "max": org.limits.max},
        }

    def _create(self, object_name: str, body: dict[str, Any]) -> Response:
        sobject = self.org.schema.get(object_name)
        if sobject is None:
            raise ControlError(404, f"no object {object_name!r}")
        try:
            changes = {
                field.name: from_json(field, value, numeric_strings=True)
                for field, _, value in resolve_fields(sobject, body)
            }
            record_id = self.org.writer.create(sobject, changes)
        except RecordFailure as failure:
            return responses.json_response([e.rest() for e in failure.errors], 400)
        except JsonTypeError as exc:
            raise ControlError(400, f"wrong type: {exc}") from None
        return responses.json_response({"id": record_id}, 201)

    def _faults(self, request: Request, parts: list[str]) -> Response:
        faults = self.org.faults
        if request.method == "POST":
            spec = _json(request)
            fault = faults.add(
                spec["kind"],
                path=spec.get("path", ""),
                method=spec.get("method"),
                host=spec.get("host"),
                count=spec.get("count"),
                seconds=float(spec.get("seconds", 0)),
                starts_in=spec.get("starts_in"),
                duration=spec.get("duration"),
                rows=spec.get("rows"),
                status=spec.get("status"),
            )
            return responses.json_response(fault.as_dict(), 201)
        if request.method == "DELETE":
            if len(parts) == 2:
                if not faults.remove(int(parts[1])):
                    raise ControlError(404, "no such fault")
            else:
                faults.clear()
            return responses.empty()
        return responses.json_response([f.as_dict() for f in faults.all()])

    def _tokens(self, request: Request, parts: list[str]) -> Response:
        org = self.org
        if request.method != "POST":
            raise ControlError(405, "POST only")
        if parts[1:] == ["expire"]:
            org.tokens.expire_all()
            return responses.empty()
        if parts[1:] == ["revoke"]:
            org.tokens.revoke_all()
            return responses.empty()
        body = _json(request) if request.get_data() else {}
        scopes = body.get("scopes") or ["api", "refresh_token"]
        return responses.json_response(org.mint_tokens(scopes), 201)

    def _rules(self, request: Request, kind: str) -> Response:
        org = self.org
        rules: list[Any] = org.validation_rules if kind == "validation-rules" else org.duplicate_rules
        if request.method == "DELETE":
            rules.clear()
            return responses.empty()
        if request.method == "POST":
            spec = _json(request)
            if kind == "validation-rules":
                rule: Any = org.add_validation_rule(
                    spec["object"],
                    spec["message"],
                    error_field=spec.get("errorField"),
                    condition=spec["condition"],
                    name=spec.get("name", ""),
                )
            else:
                rule = org.add_duplicate_rule(
                    spec["object"], spec["fields"], message=spec.get("message", "Use one of these records?")
                )
            return responses.json_response(rule.describe(), 201)
        return responses.json_response([r.describe() for r in rules])


def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.get_data() or b"{}")
    except json.JSONDecodeError as exc:
        raise ControlError(400, f"body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def _object(org: Org, name: str) -> str:
    sobject = org.schema.get(name)
    if sobject is None:
        raise ControlError(404, f"no object {name!r}")
    return sobject.name


def _same_kind(current: Any, value: Any) -> bool:
    if isinstance(current, bool):
        return isinstance(value, bool)
    if isinstance(current, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, type(current))
