"""Connection settings for Shiprocket, read from `SHIPROCKET_*` environment variables.

There is no sandbox: every call with real credentials changes the real account, so the base URL
is a setting (the simulator and contract tests point it elsewhere). Credentials are optional here
because production reads them from Secrets Manager / a Prefect block and builds
`ShiprocketCredentials` directly; the env path is for local runs.
"""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_URL = "https://apiv2.shiprocket.in/v1/external"


class ShiprocketCredentials(BaseModel):
    """An API user's login (Settings -> API in the panel); the password never prints."""

    model_config = ConfigDict(frozen=True)

    email: str = Field(min_length=3)
    password: SecretStr


class ShiprocketConfig(BaseSettings):
    """Knobs for the Shiprocket client; each field reads the env var named in its alias."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    base_url: str = Field(
        DEFAULT_BASE_URL,
        validation_alias="SHIPROCKET_BASE_URL",
        description="API root; paths such as `orders/create/adhoc` are joined to it.",
    )
    email: str | None = Field(None, validation_alias="SHIPROCKET_EMAIL")
    password: SecretStr | None = Field(None, validation_alias="SHIPROCKET_PASSWORD")
    requests_per_minute: int = Field(
        120,
        ge=0,
        validation_alias="SHIPROCKET_REQUESTS_PER_MINUTE",
        description="Client-side pacing (0 disables it). Shiprocket publishes no limit; "
        "old responses showed X-RateLimit-Limit: 180.",
    )
    burst: int = Field(
        5, ge=1, validation_alias="SHIPROCKET_BURST", description="Calls allowed back to back."
    )
    connect_timeout: float = Field(5.0, gt=0, validation_alias="SHIPROCKET_CONNECT_TIMEOUT")
    read_timeout: float = Field(30.0, gt=0, validation_alias="SHIPROCKET_READ_TIMEOUT")
    write_timeout: float = Field(30.0, gt=0, validation_alias="SHIPROCKET_WRITE_TIMEOUT")
    pool_timeout: float = Field(5.0, gt=0, validation_alias="SHIPROCKET_POOL_TIMEOUT")

    def timeout(self) -> httpx.Timeout:
        """The per-request httpx timeout built from the four settings."""
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )

    def url(self, path: str) -> str:
        """Join a relative API path to `base_url` (exactly one slash between them)."""
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"

    def credentials(self) -> ShiprocketCredentials:
        """Credentials from the environment; ValueError when either half is missing."""
        if not self.email or self.password is None:
            raise ValueError("SHIPROCKET_EMAIL and SHIPROCKET_PASSWORD must both be set")
        return ShiprocketCredentials(email=self.email, password=self.password)
