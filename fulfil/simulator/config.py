"""Configuration of the Shiprocket simulator.

Everything that makes a run behave differently (credentials, clock start, which PINs are not
serviceable, the scenario mix, latency, rate limit and injected faults) is one pydantic model, so
the same object can be passed to `create_app`, dumped by `GET /__sim/config` and patched at run
time by `PATCH /__sim/config`. Where the fact sheet says a vendor behaviour is not confirmed, a
field here picks which plausible variant the simulator produces, so clients can be tested against
each of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

IST = timezone(timedelta(hours=5, minutes=30), name="Asia/Kolkata")

FaultKind = Literal["http_500", "http_502", "http_503", "http_429", "timeout", "drop_after_apply"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "http_500",
    "http_502",
    "http_503",
    "http_429",
    "timeout",
    "drop_after_apply",
)
ScenarioName = Literal["happy", "noisy", "ndr", "rto", "lost"]
SCENARIOS: tuple[ScenarioName, ...] = ("happy", "noisy", "ndr", "rto", "lost")
DuplicatePolicy = Literal["return_existing", "reject_cancelled", "reject_all", "create_new"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LatencyConfig(_Model):
    """Delay added before every Shiprocket call (never before control calls)."""

    fixed_ms: float = Field(0.0, ge=0, description="Constant delay in milliseconds.")
    jitter_ms: float = Field(0.0, ge=0, description="Extra uniform random delay in [0, jitter_ms].")


class RateLimitConfig(_Model):
    """Account-wide limit of Shiprocket calls per rolling minute."""

    calls_per_minute: int | None = Field(
        None, ge=1, description="Calls allowed per rolling 60 s; None disables the limit."
    )
    send_retry_after: bool = Field(True, description="Send a Retry-After header with 429s.")
    send_headers: bool = Field(
        True, description="Send X-RateLimit-Limit/Remaining headers when the limit is on."
    )


class FaultConfig(_Model):
    """Random fault injection: each call draws once from a seeded RNG.

    Probabilities are per call and are tried in the order of `FAULT_KINDS`; their sum must stay
    at most 1. `timeout` never applies the call; `drop_after_apply` applies it and loses the
    response.
    """

    seed: int | None = Field(None, description="RNG seed; None means the simulator seed.")
    http_500: float = Field(0.0, ge=0, le=1)
    http_502: float = Field(0.0, ge=0, le=1)
    http_503: float = Field(0.0, ge=0, le=1)
    http_429: float = Field(0.0, ge=0, le=1)
    timeout: float = Field(0.0, ge=0, le=1)
    drop_after_apply: float = Field(0.0, ge=0, le=1)
    operations: list[str] | None = Field(
        None, description="Operation names faults may hit (see `operations.py`); None = all."
    )

    def probability(self, kind: FaultKind) -> float:
        value: float = getattr(self, kind)
        return value


def _default_mix() -> dict[ScenarioName, float]:
    return {"happy": 0.6, "noisy": 0.15, "ndr": 0.1, "rto": 0.1, "lost": 0.05}


class SimulatorConfig(_Model):
    """All knobs of one simulator instance."""

    seed: int = Field(0, description="Seed for ids, AWBs, rates, scenarios and faults.")
    api_email: str = Field("api@example.test", description="Email of the API user.")
    api_password: str = Field("sandbox-password", description="Password of the API user.")
    api_user_id: int = Field(5481237, description="`id` returned by auth/login.")
    company_id: int = Field(25149, description="`company_id` returned by auth/login.")
    token_ttl_seconds: float = Field(
        10 * 24 * 3600.0, gt=0, description="Token validity on the simulator clock (10 days)."
    )
    start_time: datetime = Field(
        datetime(2025, 1, 6, 9, 0, tzinfo=IST), description="Simulator clock at start/reset."
    )
    clock_speed: float = Field(
        0.0,
        ge=0,
        description="Simulated seconds per wall second; 0 = the clock moves only when advanced.",
    )
    custom_channel_id: int = Field(
        3422553, description="Channel used when a create omits channel_id."
    )
    channel_ids: list[int] = Field(
        default_factory=list, description="Other channel ids that exist on the account."
    )
    pickup_locations: list[str] = Field(
        default_factory=lambda: ["Primary"], description="Registered pickup nicknames."
    )
    strict_pickups: bool = Field(
        False, description="Reject pickup_location nicknames not in `pickup_locations`."
    )
    pickup_postcode: str = Field("110020", description="PIN of the registered pickup location.")
    pickup_city: str = Field("New Delhi", description="City of the pickup location (scan origin).")
    require_contact_fields: bool = Field(
        True,
        description=(
            "Require phone and PIN at create. When False, such orders are created and "
            "AWB assignment refuses them (the live behaviour [JYT] saw)."
        ),
    )
    duplicate_policy: DuplicatePolicy = Field(
        "return_existing",
        description=(
            "Create with an existing channel order_id: return_existing (live behaviour, even if "
            "cancelled), reject_cancelled (422 for cancelled, existing otherwise), reject_all "
            "(422 always) or create_new (makes a duplicate)."
        ),
    )
    non_serviceable_pin_prefixes: list[str] = Field(
        default_factory=lambda: ["744", "194"],
        description="Delivery PIN prefixes no courier serves (Andaman, Ladakh by default).",
    )
    unserviceable_style: Literal["empty_list", "status_404"] = Field(
        "empty_list",
        description="Serviceability answer when no courier serves the route.",
    )
    scenario_mix: dict[ScenarioName, float] = Field(
        default_factory=_default_mix, description="Relative weights of tracking scenarios."
    )
    latency: LatencyConfig = Field(default_factory=LatencyConfig)
    rate_limit: RateLimitConfig = Field(default_factory=RateLimitConfig)
    faults: FaultConfig = Field(default_factory=FaultConfig)
    retry_after_seconds: int = Field(30, ge=0, description="Retry-After sent with injected 429s.")
    timeout_fault_seconds: float = Field(
        15.0, ge=0, description="Over a socket, how long a timeout fault stalls before a 504."
    )

    def public_dump(self) -> dict[str, Any]:
        """The config as JSON, with the password masked (it is a secret even in a sandbox)."""
        data = self.model_dump(mode="json")
        data["api_password"] = "***"
        return data

    def merged(self, patch: dict[str, Any]) -> SimulatorConfig:
        """A new config with `patch` deep-merged over this one (nested models merge too)."""
        base = self.model_dump()
        if patch.get("api_password") == "***":
            patch = {k: v for k, v in patch.items() if k != "api_password"}
        return SimulatorConfig.model_validate(_deep_merge(base, patch))


def _deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in patch.items():
        current = out.get(key)
        if isinstance(current, dict) and isinstance(value, dict) and key != "scenario_mix":
            out[key] = _deep_merge(current, value)
        else:
            out[key] = value
    return out
