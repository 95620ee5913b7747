"""Credential blocks: Shiprocket, Jira, WhatsApp and the pseudonymisation key.

Blocks hold configuration and credentials, not logic. Each one can build the config object the
code already uses (`config()` / `credentials()`) and name the environment variables those config
classes read (`to_env()`), which is how `blocks.loading.apply_blocks` hands the values to the
flows without changing them. Every secret is a `SecretStr`: Prefect encrypts it at rest, masks it
in the UI and the API, and it prints as `**********`.

The Shiprocket block can hold the API user's login itself or point at the AWS Secrets Manager
secret the storefront's Lambdas already read (`shipRocket-delivery-credentials`, JSON
`{"shiprocket": {"email": ..., "password": ...}}`), so the password lives in one place only.
"""

from __future__ import annotations

import json
import os
from typing import Any, ClassVar

from prefect.blocks.core import Block
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from fulfil.jira.config import JiraConfig
from fulfil.shiprocket.config import ShiprocketCredentials
from fulfil.whatsapp.config import WhatsAppConfig

__all__ = [
    "DEFAULT_SHIPROCKET_SECRET_ID",
    "JiraCredentialsBlock",
    "PseudonymisationKeyBlock",
    "SecretsManagerError",
    "ShiprocketCredentialsBlock",
    "WhatsAppCredentialsBlock",
    "parse_shiprocket_secret",
]

DEFAULT_SHIPROCKET_SECRET_ID = "shipRocket-delivery-credentials"


class SecretsManagerError(RuntimeError):
    """The secret could not be read or has the wrong shape (the message never holds its value)."""


class _ShiprocketLogin(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: str = Field(min_length=3)
    password: SecretStr = Field(min_length=1)


class _ShiprocketSecret(BaseModel):
    model_config = ConfigDict(extra="ignore")

    shiprocket: _ShiprocketLogin


def parse_shiprocket_secret(secret_string: str) -> ShiprocketCredentials:
    """Read the storefront's secret JSON; errors name the bad field, never the secret's text."""
    try:
        parsed = _ShiprocketSecret.model_validate(json.loads(secret_string))
    except json.JSONDecodeError:
        raise SecretsManagerError("the Shiprocket secret is not valid JSON") from None
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
        raise SecretsManagerError(
            'the Shiprocket secret must look like {"shiprocket": {"email": ..., "password": ...}}'
            f"; bad or missing: {', '.join(fields)}"
        ) from None
    return ShiprocketCredentials(email=parsed.shiprocket.email, password=parsed.shiprocket.password)


def _default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-south-1"


class ShiprocketCredentialsBlock(Block):
    """The Shiprocket API user's login, or a pointer to the AWS Secrets Manager secret holding it.

    Set either `password` (with `email`) or `secrets_manager_secret_id`; the pointer is read at
    the start of every flow run, so a rotated password is picked up without touching the block.
    """

    _block_type_name: ClassVar[str] = "Fulfil Shiprocket Credentials"
    _block_type_slug: ClassVar[str] = "fulfil-shiprocket-credentials"
    _description: ClassVar[str] = (
        "Shiprocket API user (Settings -> API in the panel) for the fulfilment flows, or the "
        "name of the AWS Secrets Manager secret that holds it."
    )

    email: str | None = Field(None, description="The API user's email (not the panel owner's).")
    password: SecretStr | None = Field(None, description="The API user's password.")
    secrets_manager_secret_id: str | None = Field(
        None,
        description="Read the login from this AWS Secrets Manager secret instead (JSON "
        '{"shiprocket": {"email": ..., "password": ...}}), e.g. '
        f"{DEFAULT_SHIPROCKET_SECRET_ID}.",
    )
    secrets_manager_region: str | None = Field(
        None, description="Region of the secret (default: AWS_REGION, else ap-south-1)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> ShiprocketCredentialsBlock:
        if self.secrets_manager_secret_id:
            if self.password is not None:
                raise ValueError("set either password or secrets_manager_secret_id, not both")
            return self
        if not self.email or self.password is None:
            raise ValueError("set email and password, or secrets_manager_secret_id")
        return self

    def credentials(self, *, client: Any | None = None) -> ShiprocketCredentials:
        """The login, read from Secrets Manager when the block points there.

        `client` is a boto3 `secretsmanager` client (tests inject one; default: a new one).
        """
        if not self.secrets_manager_secret_id:
            assert self.email is not None and self.password is not None  # validated above
            return ShiprocketCredentials(email=self.email, password=self.password)
        if client is None:
            import boto3

            client = boto3.client(
                "secretsmanager", region_name=self.secrets_manager_region or _default_region()
            )
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = client.get_secret_value(SecretId=self.secrets_manager_secret_id)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            raise SecretsManagerError(
                f"cannot read secret {self.secrets_manager_secret_id!r}: {code}"
            ) from None
        except BotoCoreError as exc:
            raise SecretsManagerError(
                f"cannot read secret {self.secrets_manager_secret_id!r}: {type(exc).__name__}"
            ) from None
        secret_string = response.get("SecretString")
        if not isinstance(secret_string, str):
            raise SecretsManagerError(
                f"secret {self.secrets_manager_secret_id!r} has no SecretString (binary secret?)"
            )
        return parse_shiprocket_secret(secret_string)

    def to_env(self, *, client: Any | None = None) -> dict[str, str]:
        """`SHIPROCKET_EMAIL` and `SHIPROCKET_PASSWORD`, as `ShiprocketConfig` reads them."""
        creds = self.credentials(client=client)
        return {
            "SHIPROCKET_EMAIL": creds.email,
            "SHIPROCKET_PASSWORD": creds.password.get_secret_value(),
        }


class JiraCredentialsBlock(Block):
    """Where escalation tickets go: a Jira Cloud site, the filing account and its API token."""

    _block_type_name: ClassVar[str] = "Fulfil Jira Credentials"
    _block_type_slug: ClassVar[str] = "fulfil-jira-credentials"
    _description: ClassVar[str] = "Jira Cloud site, account email and API token for escalations."

    base_url: str = Field(description="Site root, e.g. https://acme.atlassian.net")
    email: str = Field(description="Atlassian account email (basic auth user).")
    api_token: SecretStr = Field(description="API token of that account.")
    project_key: str = Field("OPS", description="Project that receives the tickets.")
    issue_type: str = Field("Bug", description="Issue type name for new tickets.")

    def config(self) -> JiraConfig:
        return JiraConfig(
            base_url=self.base_url,
            email=self.email,
            api_token=self.api_token,
            project_key=self.project_key,
            issue_type=self.issue_type,
        )

    def to_env(self) -> dict[str, str]:
        return {
            "JIRA_BASE_URL": self.base_url,
            "JIRA_EMAIL": self.email,
            "JIRA_API_TOKEN": self.api_token.get_secret_value(),
            "JIRA_PROJECT_KEY": self.project_key,
            "JIRA_ISSUE_TYPE": self.issue_type,
        }


class WhatsAppCredentialsBlock(Block):
    """The WhatsApp Business number customers hear from: its id and a system-user token."""

    _block_type_name: ClassVar[str] = "Fulfil WhatsApp Credentials"
    _block_type_slug: ClassVar[str] = "fulfil-whatsapp-credentials"
    _description: ClassVar[str] = "WhatsApp Cloud API phone number id and system-user token."

    token: SecretStr = Field(description="System-user access token (permanent, not a 24 h one).")
    phone_number_id: str = Field(description="The sender's phone number id (not the number).")
    api_version: str = Field("v21.0", description="Graph API version.")

    def config(self) -> WhatsAppConfig:
        return WhatsAppConfig(
            token=self.token, phone_number_id=self.phone_number_id, api_version=self.api_version
        )

    def to_env(self) -> dict[str, str]:
        return {
            "WHATSAPP_TOKEN": self.token.get_secret_value(),
            "WHATSAPP_PHONE_NUMBER_ID": self.phone_number_id,
            "WHATSAPP_API_VERSION": self.api_version,
        }


class PseudonymisationKeyBlock(Block):
    """The key that turns customer identifiers into stable pseudonyms in the analysts' snapshot.

    Changing it changes every pseudonym (analysts lose continuity), so rotate it deliberately.
    """

    _block_type_name: ClassVar[str] = "Fulfil Pseudonymisation Key"
    _block_type_slug: ClassVar[str] = "fulfil-pseudonymisation-key"
    _description: ClassVar[str] = "Key for the keyed pseudonyms in the DuckDB snapshot."

    key: SecretStr = Field(description="At least 16 random characters.", min_length=16)

    def to_env(self) -> dict[str, str]:
        return {"FULFIL_PSEUDONYMISATION_KEY": self.key.get_secret_value()}
