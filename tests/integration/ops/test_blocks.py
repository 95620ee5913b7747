"""Blocks under the session's Prefect server: saved, loaded, exported into the environment.

`apply_blocks` exports block values into the variables the config classes read and falls back to
the environment when a block is missing, loading is off, or no API answers. The Shiprocket block
can point at the storefront's Secrets Manager secret (moto). Secrets never print: not in a repr,
not in the API's answer, not in the debug log of `apply_blocks`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pydantic import SecretStr, ValidationError

from blocks.credentials import (
    DEFAULT_SHIPROCKET_SECRET_ID,
    JiraCredentialsBlock,
    PseudonymisationKeyBlock,
    SecretsManagerError,
    ShiprocketCredentialsBlock,
    WhatsAppCredentialsBlock,
    parse_shiprocket_secret,
)
from blocks.loading import BLOCK_NAMES, apply_blocks
from blocks.settings import FulfilmentSettingsBlock
from fulfil.jira.config import JiraConfig
from fulfil.redaction import redact
from fulfil.settings import Settings
from fulfil.shiprocket.config import ShiprocketConfig
from fulfil.whatsapp.config import WhatsAppConfig

pytestmark = pytest.mark.usefixtures("prefect_harness")

SR_PASSWORD = "sr-block-pass-5c1e9a"
SM_PASSWORD = "sr-secretsmgr-pass-77b2d4"
JIRA_TOKEN = "ATATT-block-jira-token-0f3e1b"
WA_TOKEN = "EAAG-block-wa-token-9d8c7b"
KEY = "pseudonymisation-block-key-3a6f"
SECRETS = (SR_PASSWORD, SM_PASSWORD, JIRA_TOKEN, WA_TOKEN, KEY)


def _save_all() -> None:
    FulfilmentSettingsBlock(
        table_prefix="blk-", courier_policy="fastest", max_attempts=3, stuck_pickup_hours=12
    ).save("fulfilment-settings", overwrite=True)
    ShiprocketCredentialsBlock(email="api@shop.example", password=SR_PASSWORD).save(
        "shiprocket-credentials", overwrite=True
    )
    JiraCredentialsBlock(
        base_url="https://shop.atlassian.net", email="ops@shop.example", api_token=JIRA_TOKEN
    ).save("jira-credentials", overwrite=True)
    WhatsAppCredentialsBlock(token=WA_TOKEN, phone_number_id="1098765432").save(
        "whatsapp-credentials", overwrite=True
    )
    PseudonymisationKeyBlock(key=KEY).save("pseudonymisation-key", overwrite=True)


@pytest.fixture
def secretsmanager() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="ap-south-1")


def test_blocks_save_load_build_config_and_never_print_secrets() -> None:
    from prefect.client.orchestration import get_client

    _save_all()
    shiprocket = ShiprocketCredentialsBlock.load("shiprocket-credentials")
    assert shiprocket.credentials().password.get_secret_value() == SR_PASSWORD
    jira = JiraCredentialsBlock.load("jira-credentials").config()
    assert isinstance(jira, JiraConfig) and jira.configured and jira.project_key == "OPS"
    whatsapp = WhatsAppCredentialsBlock.load("whatsapp-credentials").config()
    assert isinstance(whatsapp, WhatsAppConfig) and whatsapp.configured
    settings = FulfilmentSettingsBlock.load("fulfilment-settings")
    assert settings.values() == {
        "table_prefix": "blk-",
        "courier_policy": "fastest",
        "max_attempts": 3,
        "stuck_pickup_hours": 12.0,
    }
    loaded = [
        ShiprocketCredentialsBlock.load("shiprocket-credentials"),
        JiraCredentialsBlock.load("jira-credentials"),
        WhatsAppCredentialsBlock.load("whatsapp-credentials"),
        PseudonymisationKeyBlock.load("pseudonymisation-key"),
    ]
    text = " ".join(repr(b) + str(b) for b in loaded)
    assert "SecretStr('**********')" in text
    assert not any(secret in text for secret in SECRETS)
    with get_client(sync_client=True) as client:  # what the UI and the API show
        docs = [
            client.read_block_document_by_name(
                name, cls.get_block_type_slug(), include_secrets=False
            )
            for name, cls in (
                ("shiprocket-credentials", ShiprocketCredentialsBlock),
                ("jira-credentials", JiraCredentialsBlock),
                ("pseudonymisation-key", PseudonymisationKeyBlock),
            )
        ]
    dumped = json.dumps([doc.data for doc in docs], default=str)
    assert "********" in dumped and not any(secret in dumped for secret in SECRETS)


def test_apply_blocks_exports_what_the_config_classes_read(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _save_all()
    exported = (
        "FULFIL_TABLE_PREFIX",
        "FULFIL_COURIER_POLICY",
        "FULFIL_MAX_ATTEMPTS",
        "FULFIL_TRACKING_STUCK_PICKUP_HOURS",
        "SHIPROCKET_EMAIL",
        "SHIPROCKET_PASSWORD",
        "JIRA_BASE_URL",
        "JIRA_API_TOKEN",
        "WHATSAPP_TOKEN",
        "FULFIL_PSEUDONYMISATION_KEY",
    )
    for var in exported:  # recorded, so the test's changes to os.environ are undone
        monkeypatch.setenv(var, "before")
        monkeypatch.delenv(var)
    with caplog.at_level(logging.DEBUG, logger="blocks.loading"):
        applied = apply_blocks()
    assert applied == list(BLOCK_NAMES)
    settings = Settings()
    assert settings.table_prefix == "blk-" and settings.max_attempts == 3
    assert settings.courier_policy.value == "fastest"
    config = ShiprocketConfig()
    assert config.credentials().password.get_secret_value() == SR_PASSWORD
    assert JiraConfig().configured and WhatsAppConfig().configured
    # Registered for redaction, and never in the loader's own log lines.
    assert all(redact(f"value={secret}") == "value=***" for secret in SECRETS[:1] + SECRETS[2:])
    assert "fulfilment-settings applied" in caplog.text
    assert not any(secret in caplog.text for secret in SECRETS)


def test_missing_blocks_leave_the_environment_as_it_is() -> None:
    env = {"FULFIL_TABLE_PREFIX": "env-", "SHIPROCKET_EMAIL": "env@shop.example"}
    assert apply_blocks(environ=env) == []
    assert env == {"FULFIL_TABLE_PREFIX": "env-", "SHIPROCKET_EMAIL": "env@shop.example"}
    ShiprocketCredentialsBlock(email="blk@shop.example", password=SR_PASSWORD).save(
        "shiprocket-credentials", overwrite=True
    )
    assert apply_blocks(environ=env) == ["shiprocket-credentials"]  # the block wins
    assert env["SHIPROCKET_EMAIL"] == "blk@shop.example" and env["FULFIL_TABLE_PREFIX"] == "env-"


def test_loading_can_be_turned_off_and_unknown_names_are_refused() -> None:
    env = {"FULFIL_USE_BLOCKS": "false"}
    assert apply_blocks(environ=env) == [] and env == {"FULFIL_USE_BLOCKS": "false"}
    with pytest.raises(KeyError):
        apply_blocks(["shiprocket"], environ={})


def test_no_reachable_api_falls_back_to_the_environment(caplog: pytest.LogCaptureFixture) -> None:
    import socket

    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"SHIPROCKET_EMAIL": "env@shop.example"}
    updates = {PREFECT_API_URL: f"http://127.0.0.1:{port}/api", PREFECT_CLIENT_MAX_RETRIES: 0}
    with temporary_settings(updates=updates), caplog.at_level(logging.DEBUG, "blocks.loading"):
        assert apply_blocks(environ=env) == []
    assert env == {"SHIPROCKET_EMAIL": "env@shop.example"}
    assert "Prefect API unreachable" in caplog.text


def test_shiprocket_block_can_point_at_the_storefronts_secret(secretsmanager: Any) -> None:
    secretsmanager.create_secret(
        Name=DEFAULT_SHIPROCKET_SECRET_ID,
        SecretString=json.dumps(
            {"shiprocket": {"email": "api@shop.example", "password": SM_PASSWORD}}
        ),
    )
    ShiprocketCredentialsBlock(secrets_manager_secret_id=DEFAULT_SHIPROCKET_SECRET_ID).save(
        "shiprocket-credentials", overwrite=True
    )
    env: dict[str, str] = {}
    assert apply_blocks(["shiprocket-credentials"], environ=env) == ["shiprocket-credentials"]
    assert env == {"SHIPROCKET_EMAIL": "api@shop.example", "SHIPROCKET_PASSWORD": SM_PASSWORD}
    assert redact(SM_PASSWORD) == "***"
    loaded = ShiprocketCredentialsBlock.load("shiprocket-credentials")
    assert loaded.password is None and loaded.secrets_manager_secret_id


def test_secret_pointer_errors_say_what_is_wrong_without_the_secret(secretsmanager: Any) -> None:
    block = ShiprocketCredentialsBlock(secrets_manager_secret_id="no-such-secret")
    with pytest.raises(SecretsManagerError, match="ResourceNotFoundException"):
        block.credentials(client=secretsmanager)
    secretsmanager.create_secret(
        Name="wrong-shape", SecretString=json.dumps({"email": "a@b.c", "password": SM_PASSWORD})
    )
    wrong = ShiprocketCredentialsBlock(secrets_manager_secret_id="wrong-shape")
    with pytest.raises(SecretsManagerError) as info:
        wrong.credentials(client=secretsmanager)
    assert "shiprocket" in str(info.value) and SM_PASSWORD not in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is not None
    with pytest.raises(SecretsManagerError, match="not valid JSON"):
        parse_shiprocket_secret(f"{{'password': '{SM_PASSWORD}'")


def test_block_values_are_validated_when_saved() -> None:
    with pytest.raises(ValidationError, match="set email and password"):
        ShiprocketCredentialsBlock(email="api@shop.example")
    with pytest.raises(ValidationError, match="not both"):
        ShiprocketCredentialsBlock(secrets_manager_secret_id="x", password=SecretStr("p" * 8))
    with pytest.raises(ValidationError, match="max_attempts"):
        FulfilmentSettingsBlock(max_attempts=0)
    with pytest.raises(ValidationError):
        FulfilmentSettingsBlock(courier_policy="slowest")
    with pytest.raises(ValidationError):
        PseudonymisationKeyBlock(key="short")
    env = {"FULFIL_TABLE_PREFIX": "staging-", "FULFIL_LEASE_SECONDS": "120", "UNRELATED": "x"}
    assert FulfilmentSettingsBlock.from_env(env).to_env() == {
        "FULFIL_TABLE_PREFIX": "staging-",
        "FULFIL_LEASE_SECONDS": "120",
    }
