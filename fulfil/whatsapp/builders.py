"""Pure request building for the Cloud API: no I/O, no configuration lookups."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fulfil.whatsapp.schemas import (
    BodyComponent,
    TemplateLanguage,
    TemplateMessageRequest,
    TemplatePayload,
    TextParameter,
)

__all__ = ["build_template_message", "to_wire_number"]

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def to_wire_number(e164: str) -> str:
    """Meta's `to` is the number in international form without the `+`."""
    if not _E164.fullmatch(e164):
        raise ValueError("recipient is not an E.164 number")
    return e164[1:]


def build_template_message(
    to_e164: str, name: str, language: str, params: Sequence[str]
) -> TemplateMessageRequest:
    """A template message with positional body parameters (`{{1}}`, `{{2}}`, ...).

    A template without placeholders gets no `components` at all: sending an empty body
    component is itself a parameter-count mismatch (132000).
    """
    components = (
        [BodyComponent(parameters=[TextParameter(text=p) for p in params])] if params else []
    )
    return TemplateMessageRequest(
        to=to_wire_number(to_e164),
        template=TemplatePayload(
            name=name, language=TemplateLanguage(code=language), components=components
        ),
    )
