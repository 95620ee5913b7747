"""Config from SHIPROCKET_* variables; credentials never print."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from fulfil.shiprocket.config import DEFAULT_BASE_URL, ShiprocketConfig, ShiprocketCredentials

ENV = [
    "SHIPROCKET_BASE_URL",
    "SHIPROCKET_EMAIL",
    "SHIPROCKET_PASSWORD",
    "SHIPROCKET_REQUESTS_PER_MINUTE",
    "SHIPROCKET_READ_TIMEOUT",
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    config = ShiprocketConfig()
    assert config.base_url == DEFAULT_BASE_URL == "https://apiv2.shiprocket.in/v1/external"
    assert config.requests_per_minute == 120
    assert config.email is None and config.password is None
    with pytest.raises(ValueError, match="SHIPROCKET_EMAIL"):
        config.credentials()


def test_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPROCKET_BASE_URL", "http://simulator:8080/v1/external/")
    monkeypatch.setenv("SHIPROCKET_EMAIL", "api@example.in")
    monkeypatch.setenv("SHIPROCKET_PASSWORD", "pw-s3cret")
    monkeypatch.setenv("SHIPROCKET_REQUESTS_PER_MINUTE", "30")
    monkeypatch.setenv("SHIPROCKET_READ_TIMEOUT", "12.5")
    monkeypatch.setenv("BASE_URL", "http://not-ours")
    config = ShiprocketConfig()
    assert (
        config.url("/orders/create/adhoc")
        == "http://simulator:8080/v1/external/orders/create/adhoc"
    )
    assert config.requests_per_minute == 30
    timeout = config.timeout()
    assert isinstance(timeout, httpx.Timeout) and timeout.read == 12.5
    creds = config.credentials()
    assert creds.password.get_secret_value() == "pw-s3cret"
    assert "pw-s3cret" not in repr(config) + str(config) + repr(creds) + str(creds)


def test_field_names_work_as_keyword_arguments() -> None:
    config = ShiprocketConfig(base_url="http://x", requests_per_minute=0)
    assert (config.base_url, config.requests_per_minute) == ("http://x", 0)


def test_credentials_model() -> None:
    creds = ShiprocketCredentials(email="a@b.in", password=SecretStr("pw"))
    with pytest.raises(ValueError):
        ShiprocketCredentials(email="", password=SecretStr("pw"))
    assert creds.email == "a@b.in"
