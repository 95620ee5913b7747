"""`fulfil setup` against the session's Prefect server: one command, and idempotent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from prefect.client.orchestration import get_client

from blocks.credentials import ShiprocketCredentialsBlock
from blocks.settings import FulfilmentSettingsBlock
from fulfil.commands.automations import FAILURE_AUTOMATION, ZOMBIE_AUTOMATION
from fulfil.commands.setup import (
    blocks_from_env,
    ensure_global_limit,
    rate_limit_numbers,
    run_setup,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")

PASSWORD = "setup-test-pass-4e8d2c"


@pytest.fixture
def limit_name() -> Iterator[str]:
    name = f"shiprocket-api-{uuid.uuid4().hex[:8]}"
    yield name
    with get_client(sync_client=True) as client:
        client.delete_global_concurrency_limit_by_name(name)


@pytest.fixture
def alert_block() -> Iterator[str]:
    """A notification block aimed at a closed loopback port; automations removed afterwards."""
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    name = f"ops-alerts-{uuid.uuid4().hex[:6]}"
    CustomWebhookNotificationBlock(name="ops", url="http://127.0.0.1:9/hook").save(name)
    yield f"custom-webhook/{name}"
    with get_client(sync_client=True) as client:
        for automation in client.read_automations():
            if automation.name in (FAILURE_AUTOMATION, ZOMBIE_AUTOMATION):
                client.delete_automation(automation.id)


def test_setup_creates_everything_once_and_then_reconciles(
    limit_name: str, alert_block: str
) -> None:
    env = {
        "FULFIL_RUN_ALERT_BLOCK": alert_block,
        "FULFIL_TABLE_PREFIX": "prod-",
        "FULFIL_SHIPROCKET_GLOBAL_LIMIT": limit_name,
        "SHIPROCKET_REQUESTS_PER_MINUTE": "90",
        "SHIPROCKET_BURST": "3",
        "SHIPROCKET_EMAIL": "api@shop.example",
        "SHIPROCKET_PASSWORD": PASSWORD,
    }
    lines: list[str] = []
    first = run_setup(environ=env, out=lines.append)
    assert first.items["block fulfilment-settings"].startswith("created")
    assert first.items["block shiprocket-credentials"].startswith("created")
    assert first.items["block jira-credentials"].startswith("skipped")
    assert first.items[f"global rate limit {limit_name}"].startswith("created")
    assert first.items[f"automation '{FAILURE_AUTOMATION}'"].startswith("created")
    assert first.items[f"automation '{ZOMBIE_AUTOMATION}'"] == "created"
    assert not any(PASSWORD in line for line in lines)

    second = run_setup(environ=env, out=lines.append)
    assert second.items["block fulfilment-settings"].startswith("updated")
    assert second.items["work pool fulfilment-process"].startswith("exists")
    assert second.items[f"global rate limit {limit_name}"].startswith("exists")
    assert second.items[f"automation '{ZOMBIE_AUTOMATION}'"] == "updated"

    env["SHIPROCKET_REQUESTS_PER_MINUTE"] = "60"  # the budget changed: the limit follows
    assert ensure_global_limit(env, out=lines.append) == "updated"

    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(limit_name)
        pool = client.read_work_pool("fulfilment-process")
    assert (limit.limit, limit.slot_decay_per_second) == (3, 1.0)
    assert pool.type == "process"
    assert FulfilmentSettingsBlock.load("fulfilment-settings").to_env() == {
        "FULFIL_TABLE_PREFIX": "prod-",
        "FULFIL_SHIPROCKET_GLOBAL_LIMIT": limit_name,
        "SHIPROCKET_REQUESTS_PER_MINUTE": "90",
    }
    shiprocket = ShiprocketCredentialsBlock.load("shiprocket-credentials")
    assert shiprocket.credentials().password.get_secret_value() == PASSWORD
    with get_client(sync_client=True) as client:
        [failure] = client.read_automations_by_name(FAILURE_AUTOMATION)
        [zombie] = client.read_automations_by_name(ZOMBIE_AUTOMATION)
    assert "prefect.flow-run.Crashed" in failure.trigger.expect  # type: ignore[union-attr]
    assert failure.actions[0].type == "send-notification"
    assert zombie.actions[0].type == "change-flow-run-state"


def test_a_secret_id_makes_the_shiprocket_block_a_pointer() -> None:
    env = {"SHIPROCKET_SECRET_ID": "shipRocket-delivery-credentials", "AWS_REGION": "ap-south-1"}
    block, source = blocks_from_env({**env, "SHIPROCKET_PASSWORD": PASSWORD})[
        "shiprocket-credentials"
    ]
    assert isinstance(block, ShiprocketCredentialsBlock) and block.password is None
    assert block.secrets_manager_secret_id == env["SHIPROCKET_SECRET_ID"]
    assert "Secrets Manager" in source


def test_setup_refuses_an_ephemeral_api() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: None}), pytest.raises(RuntimeError):
        run_setup(environ={}, out=lambda line: None)


def test_rate_limit_numbers_follow_the_account_budget() -> None:
    assert rate_limit_numbers({}) == (5, 2.0)
    assert rate_limit_numbers({"SHIPROCKET_REQUESTS_PER_MINUTE": "0"}) == (5, 2.0)
    assert rate_limit_numbers(
        {"SHIPROCKET_REQUESTS_PER_MINUTE": "30", "SHIPROCKET_BURST": "2"}
    ) == (
        2,
        0.5,
    )
