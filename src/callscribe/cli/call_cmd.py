"""``callscribe zoom`` and ``callscribe dial``: place a call, watch it live, Ctrl-C to stop.

Without ``--server`` the command runs its own server in-process (same code as ``serve``);
with it, the call goes through that server's API using the given app credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx
from rich.console import Console
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from callscribe.cli.common import make_settings, settings_options
from callscribe.cli.embedded import Endpoint, embedded_server
from callscribe.cli.live_view import LiveView
from callscribe.config import Settings
from callscribe.errors import AuthError, InputError
from callscribe.telephony import DtmfSequence, PstnTarget, SipTarget, zoom_dtmf, zoom_sip_uri

F = Callable[..., Any]
Alongside = Callable[[httpx.AsyncClient, dict[str, Any]], Coroutine[Any, Any, None]]
"""Work to run while the call is live (e.g. the demo's speaker events)."""


def server_options(func: F) -> F:
    func = click.option(
        "--app-secret", envvar="CALLSCRIBE_APP_SECRET", help="App secret for --server."
    )(func)
    func = click.option("--app-id", envvar="CALLSCRIBE_APP_ID", help="App id for --server.")(func)
    return click.option(
        "--server",
        envvar="CALLSCRIBE_SERVER",
        help="A running callscribe server's URL (default: run one in this process).",
    )(func)


def call_options(func: F) -> F:
    func = click.option("--name", help="The conversation's name.")(func)
    return click.option(
        "--email",
        "emails",
        multiple=True,
        help="E-mail the summary to this address when the call ends (repeatable).",
    )(func)


@contextlib.asynccontextmanager
async def _endpoint(
    settings: Settings, server: str | None, app_id: str | None, app_secret: str | None
) -> AsyncIterator[Endpoint]:
    if server is None:
        async with embedded_server(settings) as endpoint:
            yield endpoint
        return
    if not app_id or not app_secret:
        raise InputError("--server needs --app-id and --app-secret (or CALLSCRIBE_APP_ID/SECRET)")
    async with httpx.AsyncClient(base_url=server, verify=False, timeout=30) as http:
        r = await http.post(
            "/oauth2/token:generate",
            json={"type": "application", "appId": app_id, "appSecret": app_secret},
        )
    if r.status_code != 200:
        raise AuthError(f"{server} refused the credentials: {r.json().get('message', r.text)}")
    yield Endpoint(server.rstrip("/"), r.json()["accessToken"])


def start_body(
    endpoint: dict[str, Any], name: str | None, emails: tuple[str, ...]
) -> dict[str, Any]:
    body: dict[str, Any] = {"operation": "start", "endpoint": endpoint}
    if name:
        body["data"] = {"session": {"name": name}}
    if emails:
        body["actions"] = [
            {"invokeOn": "stop", "name": "sendSummaryEmail", "parameters": {"emails": list(emails)}}
        ]
    return body


async def run_call(
    body: dict[str, Any],
    settings: Settings,
    console: Console,
    *,
    server: str | None = None,
    app_id: str | None = None,
    app_secret: str | None = None,
    stop_after: float | None = None,
    alongside: Alongside | None = None,
) -> dict[str, Any]:
    """Start the call, show it live until it ends or Ctrl-C, stop it; returns what ended."""
    async with _endpoint(settings, server, app_id, app_secret) as endpoint:
        headers = {"x-api-key": endpoint.token}
        async with httpx.AsyncClient(
            base_url=endpoint.base_url, headers=headers, verify=False, timeout=90
        ) as http:
            r = await http.post("/v1/endpoint:connect", json=body)
            if r.status_code != 201:
                raise InputError(r.json().get("message", r.text))
            started = r.json()
            console.print(
                f"conversation [bold]{started['conversationId']}[/]  "
                f"(live events: {started['resultWebSocketUrl']})"
            )
            page = await http.post(
                f"/v1/conversations/{started['conversationId']}/experiences",
                json={"name": "verbose-text-summary", "owner": True},
            )
            if page.status_code == 200:  # the page is an extra: the call goes on without it
                # At the server this command talks to (an embedded one has its own port).
                live_page = endpoint.base_url.rstrip("/") + urlsplit(page.json()["url"]).path
                console.print(f"live page (with a stop button; yours only): {live_page}")
            view = LiveView(console)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGINT, stop.set)
            view.start()
            try:
                async with asyncio.TaskGroup() as tg:
                    reader = tg.create_task(
                        _follow(
                            f"{started['resultWebSocketUrl']}?access_token={endpoint.token}", view
                        )
                    )
                    stopper = tg.create_task(_stop_when(stop, stop_after))
                    reader.add_done_callback(lambda _t: stopper.cancel())
                    if alongside is not None:
                        helper = tg.create_task(alongside(http, started))
                        reader.add_done_callback(lambda _t: helper.cancel())
                    await asyncio.wait([stopper])
                    if not reader.done():
                        console.print("[yellow]stopping the call…[/]")
                        await http.post(
                            "/v1/endpoint:connect",
                            json={"operation": "stop", "connectionId": started["connectionId"]},
                        )
            finally:
                loop.remove_signal_handler(signal.SIGINT)
                view.stop()
            status: dict[str, Any] = (
                await http.get(f"/v1/endpoint/{started['connectionId']}")
            ).json()
            items = (
                await http.get(f"/v1/conversations/{started['conversationId']}/action-items")
            ).json()
    console.print(
        f"call ended: [bold]{status.get('endReason')}[/] after {status.get('duration', 0):.0f} s; "
        f"{view.messages} messages, {view.insights} insights"
    )
    for item in items.get("actionItems", []):
        who = item.get("assignee", {}).get("name") or "-"
        console.print(f"  • {item['text']} [dim]({who})[/]")
    if view.summary_url:
        console.print(f"summary page: {view.summary_url}")
    console.print(f"conversation ID: [bold]{started['conversationId']}[/]")
    return {**status, "conversationId": started["conversationId"], "summaryUrl": view.summary_url}


async def _stop_when(stop: asyncio.Event, after: float | None) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), after)


async def _follow(url: str, view: LiveView) -> None:
    with contextlib.suppress(ConnectionClosed):
        async with connect(url) as ws:
            async for raw in ws:
                view.handle(json.loads(raw))


def _run(body: dict[str, Any], settings: Settings, **kwargs: Any) -> None:
    endpoint = body["endpoint"]
    DtmfSequence.parse(endpoint.get("dtmf", ""), field="--dtmf")  # bad input: before any set-up
    if endpoint["type"] == "pstn":
        PstnTarget.parse(endpoint["phoneNumber"])
    else:
        SipTarget(endpoint["uri"])
    asyncio.run(run_call(body, settings, Console(), **kwargs))


@click.command("zoom")
@click.option("--phone", help="Zoom's dial-in number, e.g. +16465588656.")
@click.option("--meeting", "meeting_id", required=True, help="The meeting ID (digits).")
@click.option("--participant", "participant_id", help="Your participant ID, if you have one.")
@click.option("--passcode", help="The meeting's numeric passcode.")
@click.option("--sip", is_flag=True, help="Join over SIP (Zoom's room connector) instead.")
@call_options
@server_options
@settings_options
def zoom(
    phone: str | None,
    meeting_id: str,
    participant_id: str | None,
    passcode: str | None,
    sip: bool,
    emails: tuple[str, ...],
    name: str | None,
    server: str | None,
    app_id: str | None,
    app_secret: str | None,
    config_file: Path | None,
    data_dir: Path | None,
) -> None:
    """Join a Zoom meeting by phone (or SIP) and show it live; Ctrl-C leaves the meeting."""
    if sip:
        endpoint = {"type": "sip", "uri": zoom_sip_uri(meeting_id, passcode)}
    elif phone:
        dtmf = zoom_dtmf(meeting_id, passcode, participant_id)
        endpoint = {"type": "pstn", "phoneNumber": phone, "dtmf": dtmf}
    else:
        raise InputError("give --phone NUMBER (Zoom's dial-in number) or --sip")
    settings = make_settings(config_file, data_dir=data_dir)
    body = start_body(endpoint, name or f"Zoom meeting {meeting_id}", emails)
    _run(body, settings, server=server, app_id=app_id, app_secret=app_secret)


@click.command("dial")
@click.option("--pstn", "number", help="A phone number (E.164), dialled through the SIP trunk.")
@click.option("--sip", "uri", help="A SIP URI to call directly.")
@click.option("--dtmf", default="", help="Keys to send once connected (, = 0.5 s pause).")
@call_options
@server_options
@settings_options
def dial(
    number: str | None,
    uri: str | None,
    dtmf: str,
    emails: tuple[str, ...],
    name: str | None,
    server: str | None,
    app_id: str | None,
    app_secret: str | None,
    config_file: Path | None,
    data_dir: Path | None,
) -> None:
    """Call a number or SIP URI, key DTMF, and show the conversation live; Ctrl-C hangs up."""
    if (number is None) == (uri is None):
        raise InputError("give exactly one of --pstn NUMBER or --sip URI")
    endpoint: dict[str, Any] = (
        {"type": "pstn", "phoneNumber": number} if number else {"type": "sip", "uri": uri}
    )
    if dtmf:
        endpoint["dtmf"] = dtmf
    settings = make_settings(config_file, data_dir=data_dir)
    _run(
        start_body(endpoint, name, emails),
        settings,
        server=server,
        app_id=app_id,
        app_secret=app_secret,
    )
