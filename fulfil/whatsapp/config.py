"""WhatsApp Cloud API settings: read from `WHATSAPP_*` variables, or built from a Prefect block.

The token is a `SecretStr` so it never prints in a repr, a traceback's locals or a Prefect
parameter view. With no token or no phone number id the pipeline falls back to the local file
sink (`configured` is False), which is what the demo and the tests use.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["WhatsAppConfig"]


class WhatsAppConfig(BaseSettings):
    """Credentials and endpoint of one WhatsApp Business phone number."""

    model_config = SettingsConfigDict(env_prefix="WHATSAPP_", extra="ignore")

    token: SecretStr | None = Field(None, description="System-user access token (Bearer).")
    phone_number_id: str | None = Field(None, description="Sender's phone number id (not E.164).")
    api_version: str = Field("v21.0", pattern=r"^v\d+\.\d+$", description="Graph API version.")
    base_url: str = Field("https://graph.facebook.com", description="Graph API root.")
    timeout_seconds: float = Field(10.0, gt=0, le=120, description="Per-request timeout.")

    @property
    def configured(self) -> bool:
        """True when real sends are possible (token and phone number id both set)."""
        token = self.token.get_secret_value().strip() if self.token else ""
        return bool(token and (self.phone_number_id or "").strip())

    @property
    def messages_url(self) -> str:
        """`POST` target for outbound messages."""
        return f"{self.base_url.rstrip('/')}/{self.api_version}/{self.phone_number_id}/messages"
