"""Cost of the after-call actions: rendering the e-mail and the page, and delivery throughput.

Run from the repository root: ``.venv/bin/python -m bench.actions [--deliveries 50]``.
Rendering uses the meeting fixture's transcript repeated to 1x and 10x its length (no NLP:
insights do not change the cost much); delivery sends e-mails to a real SMTP server
(aiosmtpd) and webhook calls to a local receiver, both on 127.0.0.1, through the real worker
on SQLite, and reports the time from recording to the last one sent.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import machine
from callscribe.actions import Actions
from callscribe.actions.email import MailSettings, compose_summary
from callscribe.actions.report import load_report
from callscribe.log import configure
from callscribe.ports import free_port
from callscribe.records import NewMessage, Speaker
from callscribe.storage import Storage, open_storage
from callscribe.web import render_page
from tests.actions.conftest import SmtpServer, make_settings
from tests.actions.receiver import webhook_receiver

FIXTURE = Path(__file__).parents[2] / "tests" / "fixtures" / "insights" / "meeting.json"
START = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)


async def _conversation(storage: Storage, app_id: str, repeat: int, emails: list[str]) -> str:
    rows = json.loads(FIXTURE.read_text())
    conv = await storage.repository.create_conversation(
        app_id=app_id,
        name="Bench meeting",
        source="text",
        start_time=START,
        settings={"actions": [{"name": "sendSummaryEmail", "parameters": {"emails": emails}}]},
    )
    new = [
        NewMessage(
            text=row["payload"]["content"],
            speaker=Speaker(name=row["from"]["name"]),
            start=START + timedelta(seconds=4 * n),
            end=START + timedelta(seconds=4 * n + 3),
        )
        for n, row in enumerate(rows * repeat)
    ]
    await storage.repository.add_messages(conv.id, new)
    return conv.id


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


async def main(deliveries: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(f"sqlite:///{tmp}/bench.db")
        app = await storage.repository.create_app("bench", "bench", "x")
        print("rendering (median of 20 runs):")
        for repeat in (1, 10):
            cid = await _conversation(storage, app.id, repeat, ["a@example.com"])
            report = await load_report(storage.repository, storage.insights, app.id, cid)
            mail = MailSettings(sender="cs <cs@example.com>")

            email_ms = _median_ms(
                functools.partial(
                    compose_summary,
                    report,
                    to=["a@example.com"],
                    page_url="u",
                    settings=mail,
                    now=START,
                ),
                20,
            )
            page_ms = _median_ms(functools.partial(render_page, report), 20)
            print(
                f"  {len(report.transcript):5d} lines: e-mail {email_ms:7.2f} ms, "
                f"page {page_ms:7.2f} ms ({len(render_page(report)) / 1024:.0f} KiB)"
            )

        smtp = SmtpServer(free_port())
        smtp.start()
        with webhook_receiver() as receiver:
            settings = make_settings(Path(tmp), smtp_host="127.0.0.1", smtp_port=smtp.port)
            actions = await Actions.create(settings, storage)
            await actions.store.add_subscription(
                app.id, receiver.url("/b"), ["conversation.completed"]
            )
            convs = []
            for _ in range(deliveries):
                cid = await _conversation(storage, app.id, 1, ["a@example.com", "b@example.com"])
                convs.append(await storage.repository.get_conversation(app.id, cid))
            t0 = time.perf_counter()
            for conv in convs:
                await actions.conversation_completed(conv)
            recorded = time.perf_counter() - t0
            async with asyncio.TaskGroup() as tg:
                worker = tg.create_task(actions.run())
                while len(smtp.inbox.messages) < deliveries or len(receiver.calls) < deliveries:  # noqa: ASYNC110 - polling threads' counters
                    await asyncio.sleep(0.02)
                worker.cancel()
            total = time.perf_counter() - t0
            await actions.close()
        smtp.stop()
        await storage.close()
        print(
            f"delivery: {deliveries} conversations completed -> {deliveries} e-mails + "
            f"{deliveries} webhooks in {total:.2f} s "
            f"({2 * deliveries / total:.1f} deliveries/s; recording took "
            f"{recorded / deliveries * 1000:.1f} ms per conversation)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deliveries", type=int, default=50)
    args = parser.parse_args()
    configure("warning")
    print(f"bench.actions: {machine.describe()}")
    asyncio.run(main(args.deliveries))
    print(machine.ending())
