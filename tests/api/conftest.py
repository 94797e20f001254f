"""A real server process per test module (SQLite), and an app with a token on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from callscribe.testing.server import ApiClient, ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path_factory.mktemp("server") / "data") as proc:
        yield proc


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[ApiClient]:
    api = ApiClient.for_new_app(server)
    yield api
    api.close()
