"""Fixtures for the Shiprocket unit tests: golden JSON samples from tests/fixtures/shiprocket."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "shiprocket"


@pytest.fixture
def sample() -> Callable[[str], Any]:
    """`sample("create_order_200")` -> the parsed JSON of that golden file."""

    def load(name: str) -> Any:
        return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))

    return load
