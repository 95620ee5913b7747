"""Pure builders for Atlassian Document Format (ADF), the rich text of Jira's v3 API.

v3 rejects plain strings in `description` and comment `body` ("Operation value must be an
Atlassian Document"), so every text goes through these helpers. They enforce the two rules
that most often produce a 400: text nodes must not be empty, and code blocks take plain text
(no marks).
"""

from __future__ import annotations

from typing import Any

__all__ = ["AdfNode", "code_block", "doc", "heading", "link", "paragraph", "text"]

AdfNode = dict[str, Any]


def text(value: str, *, strong: bool = False) -> AdfNode:
    """An inline text node (optionally bold). Empty text is not allowed by ADF."""
    if not value:
        raise ValueError("ADF text nodes cannot be empty")
    node: AdfNode = {"type": "text", "text": value}
    if strong:
        node["marks"] = [{"type": "strong"}]
    return node


def link(label: str, href: str) -> AdfNode:
    """A text node carrying a link mark."""
    node = text(label or href)
    node["marks"] = [{"type": "link", "attrs": {"href": href}}]
    return node


def paragraph(*inline: AdfNode | str) -> AdfNode:
    """A paragraph of inline nodes; plain strings become text nodes, empty ones are dropped."""
    content = [text(i) if isinstance(i, str) else i for i in inline if i != ""]
    return {"type": "paragraph", "content": content}


def heading(value: str, level: int = 3) -> AdfNode:
    if not 1 <= level <= 6:
        raise ValueError("heading level must be 1..6")
    return {"type": "heading", "attrs": {"level": level}, "content": [text(value)]}


def code_block(value: str, language: str = "text") -> AdfNode:
    """Preformatted text (stack traces, vendor responses); an empty block has no content."""
    content = [{"type": "text", "text": value}] if value else []
    return {"type": "codeBlock", "attrs": {"language": language}, "content": content}


def doc(*blocks: AdfNode) -> AdfNode:
    """The root node; `version` must be 1."""
    return {"type": "doc", "version": 1, "content": list(blocks)}
