"""Several ``callscribe serve`` nodes on this machine's PostgreSQL and Redis: where calls and
streams go, how fast live events cross nodes, how long a lost node's call takes to finish.

    .venv/bin/python -m bench.cluster                       # 3 nodes, 1 live place each
    .venv/bin/python -m bench.cluster --nodes 2 --per-node 2 --seconds 30

Each node is a real server with ``MAX_LIVE`` = ``--per-node`` (so the two cores are not the
limit) and ``NODE_LEASE_SECONDS`` = ``--lease``, on a fresh database of the local PostgreSQL
(dropped afterwards) and the local Redis. Three parts, one after the other:

1. **Streams**: one stream per live place, every one sent to the first node (as a load
   balancer that does not balance would); full nodes carry them to nodes with room. Each is
   followed by a subscriber on every node. Prints where each was held, the final latency from
   end of speech, and the fan-out latency: a final's arrival at a subscriber on another node
   minus its arrival at the subscriber on the holding node (p50/p95). One stream more is
   refused (1013) when every node is full.
2. **Calls**: one SIP call per live place (sipp peers streaming speech), every one started
   through the first node: where each was placed, one more refused (429), and each stopped
   through a node that does not hold it (seconds until the stop answered, conversation done).
3. **Failover**: kill -9 of a node holding a call; seconds until a subscriber on another node
   is told (``call_state`` ended, ``node_lost``) and until the call's status there says
   ``node_lost`` with its conversation completed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import psycopg
import redis
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bench import machine
from bench.latency import client, script
from bench.latency.client import StreamLog
from bench.latency.measure import Summary, latencies
from callscribe.testing.server import ServerProcess, token_for
from tests.peers.sipp_peer import free_udp_port, sipp

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/14"
RATE = 8000


@contextmanager
def database() -> Iterator[str]:
    name = f"callscribe_bench_{secrets.token_hex(5)}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Cluster:
    def __init__(self, nodes: list[ServerProcess], pg_url: str, token: str, app: tuple[str, str]):
        self.nodes = nodes
        self.pg_url = pg_url
        self.token = token
        self.app_id, self.secret = app

    def ws(self, i: int) -> str:
        return self.nodes[i].base_url.replace("http", "ws", 1)

    def http(self, i: int) -> httpx.Client:
        return httpx.Client(
            base_url=self.nodes[i].base_url,
            headers={"x-api-key": self.token},
            timeout=90,
        )

    def holder(self, conversation_id: str) -> int:
        """Index of the node whose conversation it is."""
        with psycopg.connect(self.pg_url) as db:
            row = db.execute(
                "SELECT n.name FROM conversations c JOIN nodes n ON n.id = c.node_id "
                "WHERE c.id = %s",
                (conversation_id,),
            ).fetchone()
        assert row is not None, conversation_id
        for i, node in enumerate(self.nodes):
            if str(node.data_dir.resolve()) in row[0]:
                return i
        raise LookupError(row[0])


async def follow(url: str, token: str, into: StreamLog, connected: list[float]) -> None:
    """Subscribe (again while the connection is not known there yet) and file every event;
    ``connected`` gets the moment the subscription was accepted."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        refused = False
        try:
            async with connect(f"{url}?access_token={token}", max_size=None) as ws:
                async for raw in ws:
                    event = json.loads(raw)
                    message = event.get("message", {})
                    if not connected and message.get("type") == "error":
                        refused = True  # not known there yet
                        break
                    if not connected:
                        connected.append(time.monotonic())
                    client.record(event, time.monotonic(), into)
        except (ConnectionClosed, InvalidStatus, OSError):
            refused = not connected
        if not refused:
            return
        await asyncio.sleep(0.1)


def fan_out(local: StreamLog, remote: StreamLog, since: float) -> list[float]:
    """For each final the holding node's subscriber got after ``since``: when the same final
    reached the other node's subscriber, minus then."""
    seen = {(a.start, a.end, a.text): a.at for a in remote.finals}
    return [
        seen[(a.start, a.end, a.text)] - a.at
        for a in local.finals
        if a.at >= since and (a.start, a.end, a.text) in seen
    ]


def stream_holders(c: Cluster) -> dict[str, int]:
    """Connection id -> index of the node that held the stream."""
    with psycopg.connect(c.pg_url) as db:
        rows = db.execute(
            "SELECT settings->>'connectionId', id FROM conversations WHERE source = 'streaming'"
        ).fetchall()
    return {connection: c.holder(conversation) for connection, conversation in rows}


async def streams_part(c: Cluster, count: int, seconds: float) -> None:
    pool = script.pool()
    stride = max(1, len(pool) // max(count, 1))
    plans = [
        script.build(script.rotation(pool, i * stride, seconds, 1.5), RATE, gap=1.5, lead=0.5)
        for i in range(count)
    ]
    ids = [f"bench-{secrets.token_hex(4)}" for _ in range(count)]
    subs = [[StreamLog() for _ in c.nodes] for _ in range(count)]
    connected: list[list[list[float]]] = [[[] for _ in c.nodes] for _ in range(count)]

    async def one(i: int) -> StreamLog:
        await asyncio.sleep(1.0 * i)  # one after another, so the first node fills first
        async with asyncio.TaskGroup() as tg:
            streaming = tg.create_task(
                client.stream(f"{c.ws(0)}/v1/streaming/{ids[i]}", c.token, plans[i])
            )
            await asyncio.sleep(0.3)
            for n in range(len(c.nodes)):
                url = f"{c.ws(n)}/v1/subscribe/{ids[i]}"
                tg.create_task(follow(url, c.token, subs[i][n], connected[i][n]))
        return streaming.result()

    async def one_too_many() -> StreamLog:
        await asyncio.sleep(1.0 * count + 2.0)  # every place is taken by now
        short = script.build(pool[:1], RATE, gap=1.0)
        return await client.stream(
            f"{c.ws(0)}/v1/streaming/bench-extra-{secrets.token_hex(3)}", c.token, short
        )

    *logs, extra = await asyncio.gather(*(one(i) for i in range(count)), one_too_many())
    holders = stream_holders(c)
    finals: list[float] = []
    crossing: list[float] = []
    errors: list[str] = []
    for i, log in enumerate(logs):
        errors += log.errors
        finals += latencies(log.finals, plans[i].utterances, log.speech_sent)[0]
        holder = holders.get(ids[i])
        if holder is None or not connected[i][holder]:
            continue
        since = max((t[0] for t in connected[i] if t), default=0.0)
        for n in range(len(c.nodes)):
            if n != holder:
                crossing += fan_out(subs[i][holder], subs[i][n], since)
    placed = Counter(holders.get(i) for i in ids)
    print(
        f"streams: {count} sent to node 1, held by "
        + ", ".join(f"node {n + 1}: {placed[n]}" for n in range(len(c.nodes)))
        + f"; errors {len(errors)}"
    )
    print(f"  final latency (end of speech to final, at the client)  {Summary.of(finals).line()}")
    print(
        f"  fan-out to a subscriber on another node, over the holding node's own (n="
        f"{len(crossing)})  {Summary.of(crossing).line()}"
    )
    print(f"  one stream more, every node full: {extra.errors[0] if extra.errors else 'ACCEPTED'}")
    for e in errors[:3]:
        print(f"  error: {e}")


def start_call(http: httpx.Client, uri: str) -> httpx.Response:
    return http.post(
        "/v1/endpoint:connect",
        json={"operation": "start", "endpoint": {"type": "sip", "uri": uri}},
    )


def wait_listening(http: httpx.Client, connection_id: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if http.get(f"/v1/endpoint/{connection_id}").json().get("state") == "listening":
            return
        time.sleep(0.2)
    raise TimeoutError(f"call {connection_id} never listened")


def calls_part(c: Cluster, count: int, work: Path, hold: float) -> None:
    with ExitStack() as stack:
        peers = [
            stack.enter_context(sipp("stream.xml", work / f"peer{i}")) for i in range(count + 1)
        ]
        first = c.http(0)
        stack.callback(first.close)
        calls = []
        for peer in peers[:count]:
            r = start_call(first, peer.uri)
            r.raise_for_status()
            calls.append(r.json())
        for call in calls:
            wait_listening(first, call["connectionId"])
        refused = start_call(first, peers[count].uri)
        where = [c.holder(call["conversationId"]) for call in calls]
        placed = Counter(where)
        print(
            f"calls: {count} started through node 1, placed on "
            + ", ".join(f"node {n + 1}: {placed[n]}" for n in range(len(c.nodes)))
        )
        print(
            f"  one call more, every node full: HTTP {refused.status_code} "
            f"{refused.json().get('message', '')[:90]}"
        )
        time.sleep(hold)
        stops = []
        for call, holder in zip(calls, where, strict=True):
            other = (holder + 1) % len(c.nodes)
            with c.http(other) as http:
                began = time.monotonic()
                r = http.post(
                    "/v1/endpoint:connect",
                    json={"operation": "stop", "connectionId": call["connectionId"]},
                )
                stops.append(time.monotonic() - began)
                reason = r.json().get("status", {}).get("endReason")
                if r.status_code != 200 or reason != "stopped":
                    print(f"  stop through node {other + 1}: HTTP {r.status_code} {reason}")
        print(
            "  stopped through a node not holding the call (answer = conversation completed): "
            + Summary.of(stops).line()
        )


async def failover_part(c: Cluster, work: Path, lease: float) -> None:
    with sipp("stream.xml", work / "peer-failover") as peer, c.http(0) as first:
        r = start_call(first, peer.uri)
        r.raise_for_status()
        call = r.json()
        wait_listening(first, call["connectionId"])
        holder = c.holder(call["conversationId"])
        watcher = (holder + 1) % len(c.nodes)
        told = StreamLog()
        connected: list[float] = []
        url = f"{c.ws(watcher)}/v1/subscribe/{call['connectionId']}"

        async def watch() -> float:
            await follow(url, c.token, told, connected)
            return time.monotonic()

        subscription = asyncio.create_task(watch())
        await asyncio.sleep(3.0)
        c.nodes[holder].kill()
        killed = time.monotonic()
        finished = None
        with c.http(watcher) as http:
            while time.monotonic() - killed < 4 * lease + 60:
                status = http.get(f"/v1/endpoint/{call['connectionId']}").json()
                if status.get("conversationCompleted") and status.get("endReason") == "node_lost":
                    finished = time.monotonic() - killed
                    break
                await asyncio.sleep(0.2)
        told_at = await asyncio.wait_for(subscription, 4 * lease + 60) - killed
        print(f"failover: node {holder + 1} killed (kill -9) holding a call; lease {lease:g} s")
        print(f"  subscriber on node {watcher + 1} told and closed after {told_at:.1f} s")
        print(
            "  status on node {} says node_lost with the conversation completed after {}".format(
                watcher + 1, f"{finished:.1f} s" if finished is not None else "NEVER"
            )
        )


async def run(args: argparse.Namespace) -> None:
    print(
        f"bench.cluster: {args.nodes} nodes x MAX_LIVE {args.per_node}, lease {args.lease:g} s; "
        f"{machine.describe()}",
        flush=True,
    )
    probe = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    probe.ping()
    probe.close()
    with tempfile.TemporaryDirectory(prefix="callscribe-cluster-") as tmp, database() as pg_url:
        work = Path(tmp)
        env = {
            "CALLSCRIBE_DATABASE_URL": pg_url,
            "CALLSCRIBE_REDIS_URL": REDIS_URL,
            "CALLSCRIBE_MAX_LIVE": str(args.per_node),
            "CALLSCRIBE_NODE_LEASE_SECONDS": str(args.lease),
            "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
            "OMP_NUM_THREADS": "1",
        }
        with ExitStack() as stack:
            nodes = [
                stack.enter_context(
                    ServerProcess(
                        work / f"node{i + 1}",
                        {**env, "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}"},
                    )
                )
                for i in range(args.nodes)
            ]
            app = nodes[0].create_app("bench-cluster")
            cluster = Cluster(nodes, pg_url, token_for(nodes[0].base_url, *app), app)
            for i in range(args.nodes):  # load each node's models before anything is timed
                await client.stream(
                    f"{cluster.ws(i)}/v1/streaming/warm-{secrets.token_hex(3)}",
                    cluster.token,
                    script.build(script.pool()[:1], RATE, gap=1.0),
                    title="warm-up",
                )
            places = args.nodes * args.per_node
            await streams_part(cluster, places, args.seconds)
            print(f"  ({machine.load()})", flush=True)
            calls_part(cluster, places, work, hold=5.0)
            print(f"  ({machine.load()})", flush=True)
            await failover_part(cluster, work, args.lease)
    print(f"done; {machine.load()}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--per-node", type=int, default=1, help="MAX_LIVE of each node")
    parser.add_argument("--seconds", type=float, default=30.0, help="audio per stream")
    parser.add_argument("--lease", type=float, default=10.0, help="NODE_LEASE_SECONDS")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
