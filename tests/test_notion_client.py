"""vaultkit's Notion client edge against the emulator: pacing, retries, read-back before repeating a write
of unknown outcome, Notion's messages kept, and the token never shown."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.notion_emulator import Fault, NotionEmulator, RateLimit
from vaultkit.notion.client import Notion, NotionError, Pacing, redact

FAST = Pacing(rate=None, backoff=0.0, max_backoff=0.0)


@pytest.fixture
def emu() -> Iterator[NotionEmulator]:
    with NotionEmulator(page_size=3) as emulator:
        yield emulator


def _notion(emu: NotionEmulator, pacing: Pacing = FAST, **kwargs: Any) -> Notion:
    return Notion(emu.token, emu.base_url, pacing=pacing, http=httpx.Client(trust_env=False), **kwargs)


def _page(parent: str) -> dict[str, Any]:
    return {
        "parent": {"page_id": parent},
        "properties": {"title": {"title": [{"type": "text", "text": {"content": "Plan"}}]}},
    }


def _children(parent: str, n: int = 2) -> list[dict[str, Any]]:
    return [
        {"object": "block", "type": "paragraph",
         "paragraph": {"rich_text": [{"type": "text", "text": {"content": f"p{i}"}}]}}
        for i in range(n)
    ]


def test_a_write_saved_then_503_is_read_back_not_repeated(emu: NotionEmulator) -> None:
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=503, match="PATCH /v1/blocks/*/children", committed=True))
    asked: list[int] = []

    def confirm() -> dict[str, Any] | None:
        asked.append(1)
        found = [b for b in emu.tree(parent) if b["type"] == "paragraph"]
        return {"results": found} if found else None

    with _notion(emu) as notion:
        answer = notion.call(
            "PATCH", f"blocks/{parent}/children", body={"children": _children(parent)}, confirm=confirm
        )
    assert asked == [1]
    assert len(answer["results"]) == 2
    assert [b["paragraph"]["rich_text"][0]["plain_text"] for b in emu.tree(parent)] == ["p0", "p1"]
    assert notion.counts.writes == 1 and notion.counts.retries == 0


def test_a_write_that_did_not_land_is_repeated_once_confirmed_absent(emu: NotionEmulator) -> None:
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(kind="drop", match="POST /v1/pages", committed=False))
    with _notion(emu) as notion:
        page = notion.call("POST", "pages", body=_page(parent), confirm=lambda: None)
    assert page["object"] == "page"
    assert [r.method + " " + r.path for r in emu.writes()] == ["POST /v1/pages", "POST /v1/pages"]
    assert notion.counts.retries == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504, 529])
def test_idempotent_writes_and_reads_are_retried_on_server_errors(emu: NotionEmulator, status: int) -> None:
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=status, times=2))
    with _notion(emu) as notion:
        page = notion.get(f"pages/{parent}")
        assert page["id"] == parent
        assert notion.counts.retries == 2


def test_validation_errors_are_not_retried_and_keep_notions_message(emu: NotionEmulator) -> None:
    parent = emu.add_page("PDP")
    with _notion(emu) as notion, pytest.raises(NotionError) as caught:
        notion.call("PATCH", f"blocks/{parent}/children", body={"children": _children(parent, 101)})
    error = caught.value
    assert (error.status, error.code) == (400, "validation_error")
    assert "body.children.length should be ≤ `100`, instead was `101`" in error.message
    assert str(error).startswith(f"PATCH /v1/blocks/{parent}/children: 400 validation_error: ")
    assert notion.counts.retries == 0


def test_gives_up_after_the_attempts_with_the_last_error(emu: NotionEmulator) -> None:
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=502, times=None, html=True))
    pacing = Pacing(rate=None, attempts=3, backoff=0.0)
    with _notion(emu, pacing) as notion, pytest.raises(NotionError) as caught:
        notion.get(f"pages/{parent}")
    assert (caught.value.status, caught.value.code) == (502, "bad_gateway")
    assert notion.counts.reads == 3


def test_unreachable_notion_is_an_error_not_a_traceback() -> None:
    notion = Notion("secret_abc", "http://127.0.0.1:9", pacing=Pacing(rate=None, attempts=2, backoff=0.0),
                    http=httpx.Client(trust_env=False))
    with notion, pytest.raises(NotionError) as caught:
        notion.get("users/me")
    assert caught.value.code == "unreachable"
    assert "secret_abc" not in str(caught.value)


def test_429_retry_after_holds_every_request(emu: NotionEmulator) -> None:
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=429, retry_after=1, times=1))
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with _notion(emu, sleep=sleep, clock=lambda: now[0]) as notion:
        notion.get(f"pages/{parent}")
    assert slept == [1.0]
    assert notion.counts.retries == 1


def test_pacing_keeps_to_the_rate_the_emulator_enforces(emu: NotionEmulator) -> None:
    """The one test that waits: 8 requests paced at 8/s (bursts of 2) meet a 10/s limit without a 429.

    Pacing a little under the limit is the point: the two clocks never agree to the millisecond."""
    parent = emu.add_page("PDP")
    emu.rate_limit = RateLimit(per_second=10.0, burst=2)
    with _notion(emu, Pacing(rate=8.0, burst=2, backoff=0.0)) as notion:
        for _ in range(8):
            notion.get(f"pages/{parent}")
    assert [r.status for r in emu.requests] == [200] * 8
    assert notion.counts.waited > 0.6


def test_the_token_never_reaches_messages_or_logs(
    emu: NotionEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = Notion("secret_WRONG_token", emu.base_url, pacing=FAST, http=httpx.Client(trust_env=False))
    with bad, pytest.raises(NotionError) as caught:
        bad.get("users/me")
    assert caught.value.code == "unauthorized"
    emu.faults.add(Fault(status=503, times=1))
    with _notion(emu) as notion:
        notion.get("users/me")
    text = str(caught.value) + caplog.text
    assert "secret_WRONG_token" not in text and emu.token not in text
    assert redact(f"Bearer {emu.token}", emu.token) == "Bearer [redacted]"


def test_after_a_429_requests_resume_at_the_rate_not_in_a_burst(emu: NotionEmulator) -> None:
    """A wait for Retry-After does not fill the bucket: the requests after it are paced, one per 1/rate."""
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=429, retry_after=1, times=1))
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    with _notion(emu, Pacing(rate=3.0, burst=3, backoff=0.0), sleep=sleep, clock=lambda: now[0]) as notion:
        notion.get(f"pages/{parent}")
        notion.get(f"pages/{parent}")
    assert slept == [1.0, 0.333, 0.333]


def test_a_failed_read_back_never_repeats_the_write(emu: NotionEmulator) -> None:
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=503, match="POST /v1/pages", committed=True))

    def confirm() -> dict[str, Any] | None:
        raise NotionError("no answer", code="unreachable")

    with _notion(emu) as notion, pytest.raises(NotionError) as caught:
        notion.call("POST", "pages", body=_page(parent), confirm=confirm)
    assert caught.value.status == 503
    assert [r.method + " " + r.path for r in emu.writes()] == ["POST /v1/pages"]
