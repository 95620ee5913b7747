"""`apply_blocks()`: the one line at the top of each flow that brings the blocks' values in.

Each flow already reads its configuration from environment variables (`Settings`,
`ShiprocketConfig`, `JiraConfig`, `WhatsAppConfig`, the pseudonymisation key). So instead of
threading block objects through every call, the blocks are loaded by their documented names and
their values exported into the process environment, where those classes find them: nothing
downstream changes, and a machine without blocks (a laptop, the demo, the tests) simply keeps
its environment.

Precedence: a block that exists wins over the environment for the variables it sets; a missing
block, or no reachable Prefect API, leaves the environment as it is (logged at DEBUG only, as it
is the normal case off-server). A block that exists but cannot be used (e.g. its Secrets Manager
secret is unreadable) is an error: silently falling back there would hide a broken production
configuration. `FULFIL_USE_BLOCKS=false` turns loading off (the embedded `fulfil serve` stack does
this so that stored credentials never reach a local run).

Secret values are registered with `fulfil.redaction` before they enter the environment, so a log
line that happens to contain one is scrubbed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, MutableMapping

import httpx
from prefect.blocks.core import Block
from prefect.exceptions import PrefectHTTPStatusError

from blocks.credentials import (
    JiraCredentialsBlock,
    PseudonymisationKeyBlock,
    ShiprocketCredentialsBlock,
    WhatsAppCredentialsBlock,
)
from blocks.settings import FulfilmentSettingsBlock
from fulfil.redaction import register_secret

__all__ = [
    "BLOCK_NAMES",
    "BLOCK_TYPES",
    "SECRET_ENV_VARS",
    "USE_BLOCKS_ENV",
    "apply_blocks",
    "blocks_enabled",
]

log = logging.getLogger(__name__)

USE_BLOCKS_ENV = "FULFIL_USE_BLOCKS"

# Documented block document names -> their block classes (load order: settings first).
BLOCK_TYPES: dict[str, type[Block]] = {
    "fulfilment-settings": FulfilmentSettingsBlock,
    "shiprocket-credentials": ShiprocketCredentialsBlock,
    "jira-credentials": JiraCredentialsBlock,
    "whatsapp-credentials": WhatsAppCredentialsBlock,
    "pseudonymisation-key": PseudonymisationKeyBlock,
}
BLOCK_NAMES: tuple[str, ...] = tuple(BLOCK_TYPES)

# Variables whose values are secrets (registered for redaction when exported).
SECRET_ENV_VARS = frozenset(
    {"SHIPROCKET_PASSWORD", "JIRA_API_TOKEN", "WHATSAPP_TOKEN", "FULFIL_PSEUDONYMISATION_KEY"}
)

# Failures that mean "no API to ask": fall back to the environment.
_UNREACHABLE: tuple[type[BaseException], ...] = (httpx.HTTPError, OSError, TimeoutError)


def blocks_enabled(environ: MutableMapping[str, str] | None = None) -> bool:
    """False when `FULFIL_USE_BLOCKS` is 0/false/no/off."""
    env = os.environ if environ is None else environ
    return env.get(USE_BLOCKS_ENV, "true").strip().lower() not in {"0", "false", "no", "off"}


def apply_blocks(
    names: Iterable[str] | None = None,
    *,
    environ: MutableMapping[str, str] | None = None,
) -> list[str]:
    """Load the named blocks (default: all five) and export their values; returns those applied.

    `environ` defaults to `os.environ` (tests pass a dict). Unknown names raise `KeyError`.
    """
    env = os.environ if environ is None else environ
    wanted = list(BLOCK_NAMES if names is None else names)
    unknown = [n for n in wanted if n not in BLOCK_TYPES]
    if unknown:
        raise KeyError(f"unknown block name(s): {', '.join(unknown)}; known: {BLOCK_NAMES}")
    if not blocks_enabled(env):
        log.debug("blocks: %s is off; using the environment only", USE_BLOCKS_ENV)
        return []
    applied: list[str] = []
    for name in wanted:
        try:
            block = _load(BLOCK_TYPES[name], name)
        except _UNREACHABLE as exc:
            log.debug("blocks: Prefect API unreachable (%s); using the environment", _kind(exc))
            break  # the remaining blocks cannot load either
        if block is None:
            continue
        values: dict[str, str] = block.to_env()  # type: ignore[attr-defined]
        for var, value in values.items():
            if var in SECRET_ENV_VARS:
                register_secret(value)
        env.update(values)
        applied.append(name)
        log.debug("blocks: %s applied (%s)", name, ", ".join(sorted(values)))
    return applied


def _kind(exc: BaseException) -> str:
    return type(exc).__name__


def _load(cls: type[Block], name: str) -> Block | None:
    """The block, or None when it does not exist; API connection errors propagate."""
    try:
        block: Block = cls.load(name, _sync=True)  # type: ignore[call-arg,assignment]
    except ValueError as exc:
        if "Unable to find block document" not in str(exc):
            raise
        log.debug("blocks: no %s block named %r; using the environment", cls.__name__, name)
        return None
    except PrefectHTTPStatusError as exc:
        if exc.response.status_code == 404:  # block type never registered on this server
            log.debug("blocks: %s type not registered; using the environment", cls.__name__)
            return None
        raise
    return block
