"""A real ``callscribe serve`` for the SDK's tests, an app on it, and real recorded speech."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from callscribe.testing.server import ServerProcess
from tests.sdk.helpers import App, Bridge, Speech, bridge, free_udp_port, make_speech

RATE = 16000
MEETING_ID, PASSCODE = "85012345678", "123456"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        "CALLSCRIBE_AUDIO_URL_ALLOW": "127.0.0.1",
        "CALLSCRIBE_AUDIO_URL_ALLOW_PRIVATE": "true",
    }
    with ServerProcess(tmp_path_factory.mktemp("sdk") / "data", env) as proc:
        yield proc


@pytest.fixture(scope="session")
def app(server: ServerProcess) -> App:
    app_id, secret = server.create_app("sdk-tests")
    return App(server, app_id, secret)


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    """Three prompts at 16 kHz (about 12 s)."""
    return make_speech(tmp_path_factory.mktemp("speech"), 3, RATE)


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A directory served over HTTP on 127.0.0.1 (for ``process_audio_url``) and its URL."""
    root = tmp_path_factory.mktemp("www")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="session")
def zoom() -> Iterator[Bridge]:
    """The meeting-bridge simulator: a Zoom-style dial-in that checks ID and passcode."""
    with bridge("--meeting-id", MEETING_ID, "--passcode", PASSCODE) as peer:
        yield peer


@pytest.fixture(scope="session")
def phone_server(tmp_path_factory: pytest.TempPathFactory, zoom: Bridge) -> Iterator[ServerProcess]:
    """A server whose SIP trunk is the bridge simulator, as in the demo setup."""
    env = {
        "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}",
        "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
        "CALLSCRIBE_TRUNK_HOST": f"127.0.0.1:{zoom.port}",  # the bridge answers any number
        "CALLSCRIBE_ANSWER_TIMEOUT": "10",
    }
    with ServerProcess(tmp_path_factory.mktemp("phone") / "data", env) as proc:
        yield proc
