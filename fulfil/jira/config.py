"""Jira Cloud settings: read from `JIRA_*` variables, or built from a Prefect block.

Auth is Atlassian's basic scheme (account email + API token); the token is a `SecretStr`. Without
a base URL, email or token the pipeline writes tickets to the local JSONL sink instead
(`configured` is False).
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["JiraConfig"]


class JiraConfig(BaseSettings):
    """Where tickets go and who files them."""

    model_config = SettingsConfigDict(env_prefix="JIRA_", extra="ignore")

    base_url: str | None = Field(None, description="Site root, e.g. https://acme.atlassian.net")
    email: str | None = Field(None, description="Atlassian account email for basic auth.")
    api_token: SecretStr | None = Field(None, description="Atlassian API token.")
    project_key: str = Field("OPS", pattern=r"^[A-Z][A-Z0-9_]{1,49}$", description="Project key.")
    issue_type: str = Field("Bug", min_length=1, description="Issue type name for new tickets.")
    timeout_seconds: float = Field(15.0, gt=0, le=120, description="Per-request timeout.")

    @property
    def configured(self) -> bool:
        """True when real Jira calls are possible."""
        token = self.api_token.get_secret_value().strip() if self.api_token else ""
        return bool(token and (self.base_url or "").strip() and (self.email or "").strip())

    @property
    def site_url(self) -> str:
        """Base URL without a trailing slash."""
        return (self.base_url or "").rstrip("/")
