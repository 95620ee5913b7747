"""Prefect blocks of the fulfilment flows: credentials and settings, no logic.

Importing the package exposes every block class, so `prefect block register -m blocks` registers
them all (`fulfil setup` does the same and also creates the documents). Documented document
names, loaded by `blocks.loading.apply_blocks` at the start of each flow run:
`fulfilment-settings`, `shiprocket-credentials`, `jira-credentials`, `whatsapp-credentials`,
`pseudonymisation-key`.
"""

from __future__ import annotations

from blocks.credentials import (
    JiraCredentialsBlock,
    PseudonymisationKeyBlock,
    ShiprocketCredentialsBlock,
    WhatsAppCredentialsBlock,
)
from blocks.settings import FulfilmentSettingsBlock

__all__ = [
    "FulfilmentSettingsBlock",
    "JiraCredentialsBlock",
    "PseudonymisationKeyBlock",
    "ShiprocketCredentialsBlock",
    "WhatsAppCredentialsBlock",
]
