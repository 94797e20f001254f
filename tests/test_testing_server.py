"""The end-to-end test server: it cleans up after a failing test, and a server it starts has
its models loaded before the first call."""

from __future__ import annotations

import json
import time
from pathlib import Path

from callscribe.testing.server import ApiClient, ServerProcess


class Failed(Exception):
    pass


def test_clients_left_open_by_a_failing_test_are_closed_with_the_server(tmp_path: Path) -> None:
    # a test that fails between creating a client and closing it must not leave a socket for
    # the garbage collector to report during some later, unrelated test
    clients: list[ApiClient] = []
    try:
        with ServerProcess(tmp_path / "data") as server:
            clients.append(ApiClient.for_new_app(server))
            assert clients[0].http.get("/health").status_code == 200
            raise Failed
    except Failed:
        pass
    assert len(clients) == 1
    assert clients[0].http.is_closed


def test_a_server_loads_every_model_before_the_first_call(tmp_path: Path) -> None:
    # the voice model too: else the first call separated by voice loads it while its finals
    # wait (about a second on two cores)
    with ServerProcess(tmp_path / "data") as server:
        deadline = time.monotonic() + 120
        loaded: list[dict[str, object]] = []
        while not loaded and time.monotonic() < deadline:
            lines = [json.loads(x) for x in server.log_text().splitlines() if x.startswith("{")]
            loaded = [x for x in lines if x.get("event") == "models loaded"]
            time.sleep(0.5)
        assert loaded, server.log_text()[-2000:]
        assert loaded[0]["voice_model"] == "onnxruntime"  # converted for ONNX Runtime, not torch
        window = [x for x in lines if x.get("event") == "whisper window"]
        assert window  # the window's padding, chosen on this CPU, is in the start-up log
        assert "s of padding" in str(window[0]["window"])
