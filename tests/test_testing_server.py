"""The end-to-end test server helper cleans up after a failing test."""

from __future__ import annotations

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
