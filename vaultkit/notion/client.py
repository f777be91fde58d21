"""The one door to Notion's API: paced, retried, counted and redacted. The only module that imports
`notion_client`.

The SDK's own retries are switched off: it retries 500 and 503 on GET and DELETE only, and nothing for 529,
502, 504, timeouts or dropped connections, and it cannot know which of our writes are safe to repeat. Here
every request goes through `Notion.call`, which

* paces requests with a token bucket (Notion's documented average is 3 requests per second, short bursts
  allowed), and after a 429 holds every request until `Retry-After` has passed;
* retries what is worth retrying (429, 529, 409, 5xx, timeouts, dropped connections) with capped
  exponential back-off;
* never repeats a write whose outcome is unknown before asking: a write that may have landed (a 5xx,
  a timeout or a dropped connection after the request went out) is repeated only when it is idempotent
  (setting properties, updating or deleting a block) or when its `confirm` callback, which reads Notion
  back, finds that it did not land. "Saved, then 503" therefore never creates a second page or doubles
  appended blocks;
* counts reads, writes and retries for the sync report;
* keeps the token out of every message and log record.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from notion_client import APIResponseError, Client
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from vaultkit.errors import VaultkitError

__all__ = ["NOTION_VERSION", "Notion", "NotionError", "Pacing", "RequestCounts", "redact"]

NOTION_VERSION = "2025-09-03"
"""The API version vaultkit speaks: the data-source model (databases hold data sources; rows are pages)."""

log = logging.getLogger("vaultkit.notion.http")

_RETRY_CODES = frozenset(
    {"rate_limited", "service_overload", "conflict_error", "internal_server_error", "bad_gateway",
     "service_unavailable", "gateway_timeout"}
)
_STATUS_CODES = {
    502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout", 529: "service_overload"
}
_WRITES = frozenset({"POST", "PATCH", "DELETE"})


def redact(text: str, token: str | None) -> str:
    """`text` without the token (and without anything that looks like a bearer credential)."""
    if token:
        text = text.replace(token, "[redacted]")
    return text


class NotionError(VaultkitError):
    """Notion refused a request, or could not be reached after every retry.

    `code` is Notion's error code (`validation_error`, `object_not_found`, ...) or one of ours
    (`unreachable`, `timeout`); `message` is Notion's own explanation, which names the offending field
    (`body.children[3].paragraph.rich_text[0].text.content.length should be ≤ 2000`), so callers can point
    at the block behind it.
    """

    def __init__(
        self, message: str, *, code: str, status: int | None = None, request_id: str | None = None,
        method: str = "", path: str = "",
    ) -> None:
        self.message = message
        self.code = code
        self.status = status
        self.request_id = request_id
        self.method = method
        self.path = path
        where = f"{method} /v1/{path}: " if method else ""
        status_text = f"{status} " if status is not None else ""
        super().__init__(f"{where}{status_text}{code}: {message}")

    @property
    def outcome_unknown(self) -> bool:
        """True when a write may have been applied although it failed (5xx, timeout, dropped connection)."""
        return self.code not in ("rate_limited",) and (
            self.status is None or self.status >= 500 or self.code == "conflict_error"
        )


@dataclass
class RequestCounts:
    """What one run asked of Notion; the sync report prints these."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    waited: float = 0.0
    by_status: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reads": self.reads, "writes": self.writes, "retries": self.retries,
            "waited_seconds": round(self.waited, 3),
        }


@dataclass(frozen=True)
class Pacing:
    """How fast and how stubbornly to talk to Notion.

    `rate` requests per second on average with bursts of `burst` (None: no pacing, for a local emulator),
    `attempts` tries per request, back-off from `backoff` seconds doubling up to `max_backoff`, and
    `max_wait`, the longest `Retry-After` honoured before giving up on the request.
    """

    rate: float | None = 3.0
    burst: int = 3
    attempts: int = 6
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_wait: float = 120.0
    timeout: float = 30.0


class _Bucket:
    """A token bucket: `take` waits until a request may go; `hold` stops every request for a while."""

    def __init__(self, pacing: Pacing, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._rate = pacing.rate
        self._burst = float(max(1, pacing.burst))
        self._tokens = self._burst
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._not_before = 0.0
        self._lock = threading.Lock()

    def take(self) -> float:
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                if self._rate is not None:  # tokens accrue from the end of a hold, not during it
                    self._tokens = min(self._burst, self._tokens + max(0.0, now - self._stamp) * self._rate)
                self._stamp = max(now, self._stamp)
                delay = max(0.0, self._not_before - now)
                if delay == 0.0:
                    if self._rate is None or self._tokens >= 1.0 - 1e-9:  # float dust is a token
                        self._tokens -= 1.0 if self._rate is not None else 0.0
                        return waited
                    delay = max((1.0 - self._tokens) / self._rate, 1e-4)
            self._sleep(delay)
            waited += delay

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)
            self._tokens = 0.0
            self._stamp = max(self._stamp, self._not_before)  # no burst right after the wait


class Notion:
    """A paced, retrying Notion client for one token and one base URL.

    `http` lets tests pass an `httpx.Client(trust_env=False)` so a loopback emulator is reached without
    proxies; `sleep`, `clock` and `jitter` make the timing testable.
    """

    def __init__(
        self,
        token: str,
        base_url: str = "https://api.notion.com",
        *,
        pacing: Pacing | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.pacing = pacing or Pacing()
        self.counts = RequestCounts()
        self._token = token
        self._sleep = sleep
        self._jitter = jitter
        self._bucket = _Bucket(self.pacing, clock, sleep)
        sdk_log = logging.getLogger("vaultkit.notion.sdk")
        self._client = Client(
            auth=token,
            base_url=base_url.rstrip("/"),
            notion_version=NOTION_VERSION,
            timeout_ms=int(self.pacing.timeout * 1000),
            logger=sdk_log,
            log_level=logging.CRITICAL,  # the SDK logs every failure; ours are reported once, redacted
            retry=False,
            client=http if http is not None else httpx.Client(),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Notion:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------- requests

    def get(self, path: str, query: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self.call("GET", path, query=query)

    def query(self, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A POST that only reads (data source queries, search): retried like a GET."""
        return self.call("POST", path, body=body, reading=True)

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        reading: bool = False,
        confirm: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        """Send one request, paced and retried; returns Notion's JSON answer.

        A write with a `confirm` callback is not idempotent (a create, an append): when its outcome is
        unknown, `confirm()` reads Notion back and returns the object the write made, or None when it
        did not land, and only then is the write repeated. A write without `confirm` is idempotent.
        """
        writes = method in _WRITES and not reading
        attempt = 0
        while True:
            self.counts.waited += self._bucket.take()
            if writes:
                self.counts.writes += 1
            else:
                self.counts.reads += 1
            try:
                answer = self._client.request(
                    path=path, method=method, query=dict(query) if query else None,
                    body=dict(body) if body is not None else None,
                )
                self.counts.by_status[200] = self.counts.by_status.get(200, 0) + 1
                return answer if isinstance(answer, dict) else {"results": answer}
            except (HTTPResponseError, RequestTimeoutError, httpx.TransportError) as exc:
                error, wait = self._translate(exc, method, path)
            attempt += 1
            if error.status is not None:
                self.counts.by_status[error.status] = self.counts.by_status.get(error.status, 0) + 1
            if error.code not in _RETRY_CODES | {"timeout", "unreachable"} or attempt >= self.pacing.attempts:
                raise error
            if wait is not None and wait > self.pacing.max_wait:
                raise error
            if writes and confirm is not None and error.outcome_unknown:
                landed = self._confirmed(confirm, error)
                if landed is not None:
                    log.info("%s /v1/%s: %s, but the write landed", method, path, error.code)
                    return landed
            delay = wait if wait is not None else self._backoff(attempt)
            log.info("%s /v1/%s: %s; retry %d in %.2f s", method, path, error.code, attempt, delay)
            self.counts.retries += 1
            if error.code == "rate_limited" or wait is not None:
                self._bucket.hold(delay)
            else:
                self._sleep(delay)
                self.counts.waited += delay

    def paginate(
        self, method: str, path: str, body: Mapping[str, Any] | None = None, page_size: int = 100
    ) -> Iterator[dict[str, Any]]:
        """Every result of a paginated list (GET block children, POST data source query)."""
        cursor: str | None = None
        while True:
            if method == "GET":
                params: dict[str, Any] = {"page_size": page_size}
                if cursor:
                    params["start_cursor"] = cursor
                answer = self.get(path, params)
            else:
                payload = dict(body or {})
                payload["page_size"] = page_size
                if cursor:
                    payload["start_cursor"] = cursor
                answer = self.query(path, payload)
            yield from answer.get("results", [])
            cursor = answer.get("next_cursor")
            if not answer.get("has_more") or not cursor:
                return

    # ------------------------------------------------------------------------------------- helpers

    def _confirmed(
        self, confirm: Callable[[], dict[str, Any] | None], error: NotionError
    ) -> dict[str, Any] | None:
        """Ask `confirm` whether a write landed: its answer, or None when it did not.

        The read-back goes through `call` (paced, retried). When even that fails, the outcome stays
        unknown and repeating the write could double it, so the write's own error is raised instead:
        the next sync finds whatever landed by its id and goes on from there.
        """
        try:
            return confirm()
        except NotionError as exc:
            log.info("read-back failed (%s): not repeating a write that may have landed", exc.code)
            raise error from exc

    def _backoff(self, attempt: int) -> float:
        base = self.pacing.backoff * math.pow(2, attempt - 1)
        return min(self.pacing.max_backoff, base * (0.5 + self._jitter() / 2))

    def _translate(self, exc: Exception, method: str, path: str) -> tuple[NotionError, float | None]:
        """Our error for the SDK's (or httpx's) exception, and the wait Notion asked for, if any."""
        if isinstance(exc, APIResponseError):
            code = str(getattr(exc.code, "value", exc.code))
            data = exc.additional_data if isinstance(exc.additional_data, dict) else {}
            if data.get("rate_limit_reason") == "public_api_request_blocked":
                code = "request_blocked"
            wait = _retry_after(exc.headers, data) if code in ("rate_limited", "service_overload") else None
            message = redact(str(exc) or "no message", self._token)
            return NotionError(
                message, code=code, status=exc.status, request_id=exc.request_id, method=method, path=path
            ), wait
        if isinstance(exc, HTTPResponseError):
            status = exc.status
            fallback = "internal_server_error" if status >= 500 else "invalid_response"
            code = _STATUS_CODES.get(status, fallback)
            return NotionError(
                f"HTTP {status} ({code.replace('_', ' ')})", code=code, status=status,
                method=method, path=path,
            ), None
        if isinstance(exc, RequestTimeoutError):
            return NotionError(
                f"no answer within {self.pacing.timeout:g} s", code="timeout", method=method, path=path
            ), None
        reason = redact(type(exc).__name__ + (f": {exc}" if str(exc) else ""), self._token)
        return NotionError(
            f"cannot reach Notion ({reason})", code="unreachable", method=method, path=path
        ), None


def _retry_after(headers: Any, data: Mapping[str, Any]) -> float | None:
    """Seconds from a `Retry-After` header (or `additional_data.retry_after`), None when absent."""
    raw = headers.get("retry-after") if headers is not None else None
    if raw is None:
        raw = data.get("retry_after")
    try:
        seconds = float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None
    return seconds if seconds is not None and math.isfinite(seconds) and seconds >= 0 else None
