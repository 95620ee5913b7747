"""Wire models of the Cloud API's template-send request, its 200 response and its error envelope.

Requests are built exactly (no unknown keys); responses ignore fields Meta adds later (for
example `message_status` appeared on newer versions).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BodyComponent",
    "GraphError",
    "GraphErrorData",
    "GraphErrorEnvelope",
    "SendMessageResponse",
    "SentContact",
    "SentMessage",
    "TemplateLanguage",
    "TemplateMessageRequest",
    "TemplatePayload",
    "TextParameter",
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextParameter(_Request):
    type: Literal["text"] = "text"
    text: str


class BodyComponent(_Request):
    type: Literal["body"] = "body"
    parameters: list[TextParameter]


class TemplateLanguage(_Request):
    code: str
    policy: Literal["deterministic"] = "deterministic"


class TemplatePayload(_Request):
    name: str
    language: TemplateLanguage
    components: list[BodyComponent] = Field(default_factory=list)


class TemplateMessageRequest(_Request):
    messaging_product: Literal["whatsapp"] = "whatsapp"
    recipient_type: Literal["individual"] = "individual"
    to: str
    type: Literal["template"] = "template"
    template: TemplatePayload


class SentContact(_Response):
    input: str | None = None
    wa_id: str | None = None


class SentMessage(_Response):
    id: str
    message_status: str | None = None


class SendMessageResponse(_Response):
    messaging_product: str | None = None
    contacts: list[SentContact] = Field(default_factory=list)
    messages: list[SentMessage]


class GraphErrorData(_Response):
    messaging_product: str | None = None
    details: str | None = None


class GraphError(_Response):
    message: str | None = None
    type: str | None = None
    code: int | None = None
    error_subcode: int | None = None
    error_data: GraphErrorData | None = None
    fbtrace_id: str | None = None


class GraphErrorEnvelope(_Response):
    error: GraphError
