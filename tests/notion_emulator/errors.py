"""Notion's error shapes: one exception the handlers raise, and the JSON body Notion answers with.

Clients branch on `code` (and on `status` for retries), so the emulator must use exactly Notion's codes; the
messages follow Notion's wording ("body failed validation: body.children.length should be ≤ `100`, ...") so
that a client's error report can be checked for naming the offending path.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

MESSAGES = {
    400: "Invalid request.",
    401: "API token is invalid.",
    404: "Could not find object.",
    409: "Conflict occurred while saving. Please try again.",
    429: "You have been rate limited. Please try again in a few minutes.",
    500: "Unexpected error occurred.",
    502: "Bad gateway.",
    503: "Notion is unavailable, please try again later.",
    504: "Gateway timeout.",
    529: "Notion is overloaded, please try again later.",
}

CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "restricted_resource",
    404: "object_not_found",
    409: "conflict_error",
    429: "rate_limited",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
    529: "service_overload",
}

HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
    "</center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)


class NotionError(Exception):
    """An error answer: raised anywhere in a handler, turned into Notion's error body by the server."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        additional_data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.additional_data = additional_data
        self.headers = headers or {}
        self.html = False  # answer with a proxy's HTML page instead of JSON (a 502 from the edge)

    def body(self, request_id: str) -> bytes:
        payload: dict[str, Any] = {
            "object": "error",
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "request_id": request_id,
        }
        if self.additional_data is not None:
            payload["additional_data"] = self.additional_data
        return json.dumps(payload).encode("utf-8")


def for_status(status: int, **kwargs: Any) -> NotionError:
    """The error Notion answers with for a bare status (faults, rate limits)."""
    return NotionError(
        status, CODES.get(status, "internal_server_error"), MESSAGES.get(status, "Error."), **kwargs
    )


def validation(message: str) -> NotionError:
    return NotionError(400, "validation_error", message)


def body_validation(path: str, expectation: str, actual: Any) -> NotionError:
    """Notion's schema message: `body failed validation: body.x should be ..., instead was `...`.`"""
    return validation(
        f"body failed validation: {path} should be {expectation}, instead was `{shown(actual)}`."
    )


def shown(value: Any) -> str:
    """A value as Notion quotes it in messages (JSON, shortened like Notion's own `[...]`)."""
    if isinstance(value, list):
        return "[...]" if value else "[]"
    if isinstance(value, dict):
        return "{...}" if value else "{}"
    if value is None:
        return "null"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def not_found(object_id: str, kind: str = "block") -> NotionError:
    return NotionError(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. "
        "Make sure the relevant pages and databases are shared with your integration.",
    )


def archived(kind: str = "block") -> NotionError:
    return validation(f"Can't edit {kind} that is archived. You must unarchive the {kind} before editing.")


def new_request_id() -> str:
    return str(uuid.uuid4())
