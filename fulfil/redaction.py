"""Keep credentials and phone numbers out of logs, whatever code path produced the log line.

Prefect scrubs only its own API key; a token that slips into an f-string, an exception message
or a library's debug line would otherwise be shipped to the Prefect API in clear. So every client
that holds a secret registers it here when it is built, and `install_redaction()` puts one
filter on the handlers that matter (root, `prefect*`): the filter rewrites each record's message,
arguments and formatted traceback, replacing registered values and anything that looks like an
`Authorization` header value with `***`.

Redaction is a safety net, not the design: clients still never log headers or tokens.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from pydantic import SecretStr

__all__ = [
    "REDACTED",
    "SecretRedactingFilter",
    "clear_registered_secrets",
    "install_redaction",
    "mask_phone",
    "redact",
    "register_secret",
    "uninstall_redaction",
]

REDACTED = "***"

# Shorter values are not secrets worth hunting for, and replacing them would mangle ordinary text.
_MIN_SECRET_LENGTH = 6

_HEADER_VALUE = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=:-]{8,}")
_AUTH_HEADER = re.compile(
    r"(?i)(\bauthorization\b['\"]?\s*[:=]\s*['\"]?)((?:bearer|basic|token)\s+)?[^'\",\s}]+"
)

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()


def register_secret(value: str | SecretStr | None) -> None:
    """Remember a credential so that every later log record is scrubbed of it.

    Empty and very short values are ignored. Registering the same value twice is harmless.
    """
    global _secrets
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    if raw is None or len(raw.strip()) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        _secrets = _secrets | {raw, raw.strip()}


def clear_registered_secrets() -> None:
    """Forget every registered value (tests only: production never un-registers)."""
    global _secrets
    with _lock:
        _secrets = frozenset()


def redact(text: str) -> str:
    """Return `text` with registered secrets and auth header values replaced by `***`."""
    # Longest first, so a secret that contains another one is replaced whole.
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _HEADER_VALUE.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}{REDACTED}", text)


def mask_phone(e164: str | None) -> str:
    """Show a phone number the way it may appear in logs and files: `+91******3210`.

    The country code and the last four digits stay (enough to tell numbers apart when helping
    a customer); anything too short to mask meaningfully becomes `***`.
    """
    if not e164:
        return "<none>"
    compact = re.sub(r"[\s()-]", "", e164)
    if len(compact) < 9:
        return REDACTED
    return compact[:3] + "*" * (len(compact) - 7) + compact[-4:]


class SecretRedactingFilter(logging.Filter):
    """Rewrite a record so that its message, arguments and traceback carry no secret.

    The record is changed in place (and so for every handler after this one); records are never
    dropped. A record whose message cannot be formatted is left to the handler's own error path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters reuse `exc_text` when it is set, so a scrubbed copy wins.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = SecretRedactingFilter()
_DEFAULT_LOGGERS = ("prefect", "httpx", "httpcore", "fulfil")


def install_redaction(extra_loggers: Iterable[str] = ()) -> SecretRedactingFilter:
    """Attach the shared filter to the root handlers and to the `prefect*` loggers' handlers.

    Handler filters see records propagated from any child logger (httpx, our modules); logger
    filters on `prefect`, `httpx`, `fulfil` catch records before a non-propagating handler.
    Call it again after logging is reconfigured (Prefect sets up its handlers on first use);
    the call is idempotent.
    """
    names = set(_DEFAULT_LOGGERS) | set(extra_loggers)
    names |= {n for n in logging.Logger.manager.loggerDict if n.split(".")[0] == "prefect"}
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in sorted(names))]
    for logger in loggers:
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    return _FILTER


def uninstall_redaction() -> None:
    """Remove the shared filter from every logger and handler it was attached to (tests)."""
    loggers = [logging.getLogger()]
    for obj in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(obj, logging.Logger):
            loggers.append(obj)
    for logger in loggers:
        logger.removeFilter(_FILTER)
        for handler in logger.handlers:
            handler.removeFilter(_FILTER)
