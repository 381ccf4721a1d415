"""Settings of an emulator: ports, the OAuth app, and every behaviour knob.

Most knobs are read at the moment they matter, so changing one on a running
emulator takes effect with the next request. Schema settings (``schema_file``,
``person_accounts``) take effect at the next ``Emulator.reset()``.

Where the API contract marks Salesforce's behaviour as unverified, the
emulator's behaviour there is a setting, and its default follows the
contract's best guess. Those settings are grouped at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_CLIENT_ID = "3MVG9EmulatorDemoConsumerKey0000000000000000000000000000000000000000000000"
# A published demo value, not a secret: the emulator holds no real data.
DEFAULT_CLIENT_SECRET = "EMULATOR0DEMO0CONSUMER0SECRET0000000000000000000000000000000000000"  # noqa: S105
DEFAULT_REDIRECT_URIS = (
    "http://127.0.0.1:8000/oauth/salesforce/callback/",
    "http://localhost:8000/oauth/salesforce/callback/",
)


@dataclass
class EmulatorConfig:
    # Where to listen. Port 0 asks the operating system for a free port.
    host: str = "127.0.0.1"
    production_login_port: int = 0
    production_instance_port: int = 0
    sandbox_login_port: int = 0
    sandbox_instance_port: int = 0
    control_port: int = 0
    # The control API's token; empty: a random one for each emulator.
    control_token: str = ""

    # The one registered OAuth app (Connected App / External Client App).
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    redirect_uris: list[str] = field(default_factory=lambda: list(DEFAULT_REDIRECT_URIS))
    # Scopes the app is allowed to grant. ``openid`` is left out on purpose:
    # the emulator does not sign id tokens.
    app_scopes: list[str] = field(
        default_factory=lambda: ["api", "refresh_token", "offline_access", "id", "web", "full"]
    )

    # Users: sandbox usernames are the production name plus ".<sandbox name>".
    username: str = "demo@example.com"
    sandbox_name: str = "test"

    # Tokens.
    refresh_token_rotation: bool = False
    access_token_lifetime: float | None = 7200.0  # seconds; None = never expires
    auth_code_ttl: float = 900.0  # seconds
    max_token_pairs_per_user: int = 5

    # API.
    latest_api_version: str = "66.0"
    daily_api_limit: int = 15000
    latency: float = 0.0  # seconds added to every API call (benchmarks)
    query_page_size: int = 2000

    # Bulk API 2.0: seconds a job stays in UploadComplete and then in InProgress.
    bulk_processing_delay: float = 0.5
    bulk_shuffle_results: bool = False

    # Schema.
    schema_file: str | None = None
    person_accounts: bool = False

    request_log_size: int = 10000

    # --- Behaviours the contract marks unverified ---------------------------
    # Whether REST accepts a numeric string ("42") for a number field.
    rest_numeric_strings: bool = True
    # Refreshing (or exchanging a code) at the other org kind's login host fails.
    enforce_login_host_kind: bool = True
    # Salesforce only documents S256; when True the method parameter is ignored
    # and every challenge is treated as S256. When False, ``plain`` is honoured.
    ignore_code_challenge_method: bool = True
    # The ``error`` for a PKCE verifier that does not match its challenge.
    pkce_mismatch_error: str = "invalid_request"
    # Unknown object in a ``/sobjects/{Object}`` URL: "NOT_FOUND" (404) or "INVALID_TYPE" (404).
    unknown_sobject_error: str = "NOT_FOUND"
    # errorCode for a lookup set to an id of another object.
    wrong_object_reference_error: str = "FIELD_INTEGRITY_EXCEPTION"
    # Whether DUPLICATE_VALUE lists the duplicated field in ``fields``.
    duplicate_value_lists_field: bool = False
    # External-id matching ignores case unless the field is case-sensitive.
    external_id_case_insensitive: bool = True
    # Status of an ``updateOnly=true`` upsert that matches nothing.
    update_only_miss_status: int = 404
    # Status of a successful Bulk API 2.0 job creation.
    bulk_create_job_status: int = 200
    # A second upload to one job: "upload" rejects the second PUT; "close"
    # accepts it and fails the UploadComplete PATCH.
    bulk_second_upload_rejected_at: str = "upload"
    # Closing a job that has no data: "fail" marks the job Failed; "reject" answers 400.
    bulk_close_without_data: str = "fail"
    # With Person Accounts on, whether a Lead may leave Company empty.
    lead_company_optional_with_person_accounts: bool = False

    def login_port(self, org: str) -> int:
        return self.production_login_port if org == "production" else self.sandbox_login_port

    def instance_port(self, org: str) -> int:
        return self.production_instance_port if org == "production" else self.sandbox_instance_port
