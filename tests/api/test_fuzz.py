"""A bounded fuzz of every operation in ``/openapi.json`` on a real server: whatever a careless
or hostile client sends — wrong types, huge numbers, junk ids, broken JSON, other shapes — the
answer is never a 5xx, and every error is JSON with a ``message``."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from callscribe.testing.server import ApiClient, ServerProcess
from tests.api.test_telephony import server_env

CASES_PER_OPERATION = 24
SEED = 20261130

JUNK_STRINGS = [
    "",
    "0",
    "-1",
    "9223372036854775808",
    "1e309",
    "NaN",
    "true",
    "null",
    "a" * 3000,
    "x y/z",
    "..%2f..%2fetc",
    "\u0000",
    "\ud7ff\u202e",
    "sip:x@127.0.0.1:1",
    "http://127.0.0.1:1/",
    "2026-13-45T99:99:99Z",
]
JUNK_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63,
    -(2**70),
    1e308,
    0.5,
    "",
    "junk",
    [],
    [None, 1, "x"],
    {},
    {"a": {"b": {"c": [1, {"d": None}]}}},
    *JUNK_STRINGS[3:9],
]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = server_env(
        CALLSCRIBE_PRELOAD_MODELS="false", CALLSCRIBE_LOGIN_FAILURES_PER_MINUTE="10000"
    )
    with ServerProcess(tmp_path_factory.mktemp("fuzz") / "data", env) as proc:
        yield proc


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _schema(spec, schema[key][0])
    return schema


def _body(spec: dict[str, Any], schema: dict[str, Any], rng: random.Random, depth: int = 0) -> Any:
    """Mostly the operation's own shape with wrong or extreme values, sometimes anything."""
    schema = _schema(spec, schema)
    if depth > 3 or rng.random() < 0.25:
        return rng.choice(JUNK_VALUES)
    if schema.get("type") == "array" or "items" in schema:
        return [
            _body(spec, schema.get("items", {}), rng, depth + 1) for _ in range(rng.randint(0, 3))
        ]
    properties: dict[str, Any] = schema.get("properties", {})
    if not properties:
        return rng.choice(JUNK_VALUES)
    return {
        name: _body(spec, sub, rng, depth + 1)
        for name, sub in properties.items()
        if rng.random() < 0.7
    }


def _requests(
    spec: dict[str, Any], ids: dict[str, str]
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    rng = random.Random(SEED)
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for _ in range(CASES_PER_OPERATION):
                url = path
                params: dict[str, str] = {}
                for p in op.get("parameters", []):
                    if p["in"] == "path":
                        value = ids.get(p["name"]) if rng.random() < 0.3 else None
                        value = value or rng.choice(JUNK_STRINGS) or "x"
                        url = url.replace("{" + p["name"] + "}", quote(value, safe=""))
                    elif p["in"] == "query" and rng.random() < 0.8:
                        params[p["name"]] = rng.choice(JUNK_STRINGS)
                kwargs: dict[str, Any] = {"params": params}
                body = op.get("requestBody")
                if body is not None or method in ("post", "put"):
                    roll = rng.random()
                    if roll < 0.1:
                        kwargs["content"] = bytes(rng.getrandbits(8) for _ in range(64))
                        kwargs["headers"] = {
                            "content-type": rng.choice(
                                ["application/json", "audio/wav", "multipart/form-data; boundary=x"]
                            )
                        }
                    elif roll < 0.2:
                        kwargs["content"] = b'{"messages": [{"payload": '
                        kwargs["headers"] = {"content-type": "application/json"}
                    elif body is not None:
                        schema = body["content"].get("application/json", {}).get("schema", {})
                        kwargs["json"] = _body(spec, schema, rng)
                yield method.upper(), url, kwargs


def test_no_operation_answers_5xx_to_anything(fuzz_server: ServerProcess, tmp_path: Path) -> None:
    api = ApiClient.for_new_app(fuzz_server, "fuzz")
    text = api.http.post(
        "/v1/process/text",
        json={
            "messages": [
                {"payload": {"content": "Hi Ann, can you send it?"}, "from": {"name": "Bo"}}
            ]
        },
    ).json()
    ids = {
        "conversation_id": text["conversationId"],
        "job_id": text["jobId"],
        "connection_id": "fuzz-connection",
    }
    spec = api.http.get("/openapi.json").json()
    operations = sum(len(ops) for ops in spec["paths"].values())
    assert operations >= 36
    failures: list[str] = []
    sent = 0
    statuses: Counter[int] = Counter()
    for method, url, kwargs in _requests(spec, ids):
        r = api.http.request(method, url, **kwargs)
        sent += 1
        statuses[r.status_code] += 1
        if r.status_code >= 500:
            failures.append(
                f"{method} {url} {json.dumps(kwargs, default=str)[:300]}"
                f" -> {r.status_code} {r.text[:200]}"
            )
        elif r.status_code >= 400:
            body = r.json()
            if not isinstance(body, dict) or not body.get("message"):
                failures.append(
                    f"{method} {url} -> {r.status_code} without a message: {r.text[:200]}"
                )
    assert sent >= operations * CASES_PER_OPERATION
    reached = {code: statuses[code] for code in (200, 400, 404)}  # the handlers, not only auth
    assert all(reached.values()), statuses
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} of {sent})"
    assert httpx.get(f"{fuzz_server.base_url}/health", timeout=5).status_code == 200
    api.close()
