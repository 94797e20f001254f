"""The live page in headless Chromium (Debian's, driven by Playwright) while a call to the
meeting simulator runs: text appears as the subscribe socket delivers it, insights appear,
the owner's stop button ends the call, and the finished page replaces the live one without
a reload. Anyone else's link shows no button and cannot stop the call."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright
from websockets.asyncio.client import connect

from callscribe.testing.server import ApiClient, ServerProcess, token_for
from peers.bridge_peer import bridge
from peers.sipp_peer import free_udp_port

pytestmark = pytest.mark.slow

MEETING_ID = "85012345678"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every change of the page's transcript, with the browser's wall clock (ms since the epoch).
WATCH_TEXT = """
window.__seen = [];
window.__loaded = Date.now();
new MutationObserver(() => {
  const pending = document.querySelector('#pending .words');
  const lines = [...document.querySelectorAll('#transcript .line[data-id]')];
  const text = [pending ? pending.textContent : '', ...lines.map(l => l.innerText)];
  window.__seen.push({at: Date.now(), text: text.join('\\n')});
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}",
        "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
        "CALLSCRIBE_MEDIA_TIMEOUT": "4",
    }
    with ServerProcess(tmp_path_factory.mktemp("live-page") / "data", env) as proc:
        yield proc


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


def page_link(api: ApiClient, conversation_id: str, *, owner: bool) -> str:
    r = api.http.post(
        f"/v1/conversations/{conversation_id}/experiences",
        json={"name": "verbose-text-summary", "owner": owner},
    )
    assert r.status_code == 200, r.text
    url: str = r.json()["url"]
    assert url.split("/")[-1].startswith("o.") is owner
    return url.replace("http://127.0.0.1:8000", api.server.base_url)


async def socket_finals(url: str, into: list[tuple[float, str]]) -> None:
    """Final recognition results on the subscribe socket, with the wall clock they came at."""
    async with connect(url) as ws:
        async for raw in ws:
            event = json.loads(raw)
            message = event.get("message") or {}
            if message.get("type") == "recognition_result" and message.get("isFinal"):
                into.append((time.time() * 1000, message["punctuated"]["transcript"]))


async def first_shown(page: Page, text: str) -> float | None:
    seen: list[dict[str, Any]] = await page.evaluate("window.__seen")
    return next((s["at"] for s in seen if text in s["text"]), None)


async def test_the_live_page_follows_a_call_and_its_owner_stops_it(
    server: ServerProcess, browser: Browser
) -> None:
    api = ApiClient.for_new_app(server)
    with bridge("--meeting-id", MEETING_ID, "--passcode", "", "--hangup-after", "120") as peer:
        r = api.http.post(
            "/v1/endpoint:connect",
            json={
                "operation": "start",
                "endpoint": {"type": "sip", "uri": peer.uri(), "dtmf": f"{MEETING_ID}#,,#"},
                "data": {"session": {"name": "Live page test"}},
            },
        )
        assert r.status_code == 201, r.text
        started = r.json()
        conv = started["conversationId"]
        owner_url, shared_url = page_link(api, conv, owner=True), page_link(api, conv, owner=False)

        finals: list[tuple[float, str]] = []
        token = token_for(server.base_url, api.app_id, api.app_secret)
        listener = asyncio.create_task(
            socket_finals(f"{started['resultWebSocketUrl']}?access_token={token}", finals)
        )
        page = await browser.new_page()
        await page.add_init_script(WATCH_TEXT)
        await page.goto(owner_url)
        assert (await page.inner_text("#state")).startswith("live")
        await page.evaluate("window.__marker = 'same document'")

        # Someone else's link: the same live page, no stop button, and no way to stop.
        shared = await browser.new_page()
        await shared.goto(shared_url)
        assert await shared.locator("#stop").count() == 0
        token_part = shared_url.rsplit("/", 1)[1]
        async with httpx.AsyncClient() as http:
            refused = await http.post(f"{server.base_url}/c/{conv}/{token_part}/stop")
        assert refused.status_code == 404
        assert "owner" in refused.json()["message"]

        # Listen until insights have appeared on the page.
        await page.wait_for_selector("#questions li, #action-items li", timeout=90_000)
        await page.wait_for_function(
            "document.querySelectorAll('#transcript .line[data-id]').length >= 3", timeout=60_000
        )
        assert (await page.inner_text("#state")).startswith("live")

        # Each final text the socket delivered while the page was open was on the page within
        # 2 s of it.
        opened = await page.evaluate("window.__loaded")
        heard = [(at, text) for at, text in finals if at > opened + 500]
        assert len(heard) >= 3
        for arrived, text in heard:
            shown = await first_shown(page, text)
            assert shown is not None, f"never shown: {text!r}"
            assert shown - arrived <= 2000, (text, shown - arrived)

        await page.click("#stop")
        await page.wait_for_selector("#summary li", timeout=90_000)
        await asyncio.wait_for(listener, 60)

    # The finished page took the live page's place: no reload, no live badge, the summary.
    assert await page.evaluate("window.__marker") == "same document"
    assert await page.locator("#state").count() == 0
    assert await page.locator("#stop").count() == 0
    lines = await page.locator("#transcript .line").count()
    stored = api.http.get(f"/v1/conversations/{conv}/messages").json()["messages"]
    assert lines == len(stored)
    status = api.http.get(f"/v1/endpoint/{started['connectionId']}").json()
    assert status["endReason"] == "stopped"
    # The shared page found the end by itself too.
    await shared.wait_for_selector("#summary li", timeout=30_000)
    api.close()
