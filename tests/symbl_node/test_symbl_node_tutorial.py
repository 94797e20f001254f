"""Symbl's own Node.js SDK runs Symbl's Zoom tutorial, unchanged, against callscribe.

The program is the "Full Code Sample" of Symbl's tutorial "Real Time AI insights From Zoom Call",
read from the copy of the tutorial beside the project (``../shared/seed/``; the project holds no
code of Symbl's); ``@symblai/symbl-js`` 1.4.10 comes from the npm registry (``package-lock.json``
pins what it pulls in). Only the credentials, the phone number, the meeting ID and the passcode are
filled in. The SDK always talks to ``https://api.symbl.ai`` (its token request ignores
``basePath``), so the server listens with TLS on 127.0.0.1:443 and ``hosts.js``, preloaded with
``node -r``, resolves that name to 127.0.0.1 the way a hosts-file entry would. The number is dialled
through a digest-auth SIP trunk played by ``callscribe bridge --auth``, which keys in as Zoom's
dial-in would and plays the recorded meeting.

One run of the program (about 90 s) is shared by the tests below, each checking one promise.
"""

from __future__ import annotations

import email
import email.header
import fcntl
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jiwer
import pytest
from whisper_normalizer.english import EnglishTextNormalizer

from callscribe.bridge import meeting
from callscribe.testing.server import ServerProcess, token_for
from peers.bridge_peer import BridgePeer, bridge
from peers.sipp_peer import free_udp_port

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
NPM_PREFIX = HERE / ".npm"  # the installed SDK, kept between runs (ignored by git)
SDK_VERSION = "1.4.10"
PHONE = "+16465588656"  # Zoom's US dial-in number, from the tutorial's own comment
MEETING_ID, PASSCODE = "85012345678", "123456"
TRUNK_USER, TRUNK_PASSWORD = "acct", "s3cret"
STOP_AFTER = 60.0  # the tutorial's setTimeout

CONNECTED = "Successfully connected."
CONVERSATION = "Conversation ID"
STOPPED = "Stopped the connection with connectionID:"
STOP_FAILED = "Error while stopping the connection."
TLS_WARNING = "Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to '0'"


def install_sdk() -> Path:
    """``npm ci`` the pinned SDK into ``.npm/`` once; later runs reuse it."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("these tests need Node.js (>= 18) and npm on PATH")
    NPM_PREFIX.mkdir(exist_ok=True)
    lock = (HERE / "package-lock.json").read_bytes()
    installed = NPM_PREFIX / "node_modules" / "@symblai" / "symbl-js" / "package.json"
    with (NPM_PREFIX / ".install.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # two pytest processes must not install at once
        copied = NPM_PREFIX / "package-lock.json"
        if not (installed.exists() and copied.exists() and copied.read_bytes() == lock):
            shutil.copy(HERE / "package.json", NPM_PREFIX / "package.json")
            shutil.copy(HERE / "package-lock.json", copied)
            done = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NPM_PREFIX)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    assert json.loads(installed.read_text())["version"] == SDK_VERSION
    return NPM_PREFIX / "node_modules"


TUTORIAL = HERE.parents[2] / "shared" / "seed" / "000_e0225601df562fc6.txt"
SECTION = "## Full Code Sample"


def tutorial_program() -> str:
    """The tutorial's "Full Code Sample", exactly as published (its first ``js`` block after
    the section's heading)."""
    if not TUTORIAL.exists():
        pytest.fail(
            f"Symbl's tutorial is not at {TUTORIAL}: check out ../shared beside the project"
        )
    text = TUTORIAL.read_text()
    if SECTION not in text:
        pytest.fail(f"{TUTORIAL} has no section {SECTION!r}")
    begin = text.index("```js\n", text.index(SECTION)) + len("```js\n")
    return text[begin : text.index("\n```", begin)] + "\n"


def fill_in(template: str, values: dict[str, str]) -> str:
    """Replace each placeholder line of the tutorial, as its reader would; each must exist once."""
    for line, filled in values.items():
        assert template.count(line) == 1, f"the tutorial has no single line {line!r}"
        template = template.replace(line, filled)
    return template


def require_port_443() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", 443))
        except OSError as exc:
            pytest.fail(
                f"cannot listen on 127.0.0.1:443 ({exc}): the SDK always calls "
                "https://api.symbl.ai on the default port; free the port or run as root"
            )


@dataclass
class NodeProgram:
    """``node -r ./hosts.js program.js`` with its output collected line by line."""

    process: subprocess.Popen[str]
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)

    @classmethod
    def start(cls, workdir: Path) -> NodeProgram:
        env = {k: v for k, v in os.environ.items() if k != "NODE_TLS_REJECT_UNAUTHORIZED"}
        process = subprocess.Popen(
            ["node", "-r", "./hosts.js", "program.js"],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        program = cls(process)
        for stream, sink in ((process.stdout, program.stdout), (process.stderr, program.stderr)):
            reader = threading.Thread(target=_pump, args=(stream, sink), daemon=True)
            reader.start()
            program.readers.append(reader)
        return program

    def wait_for(self, *texts: str, timeout: float) -> str:
        """The first of ``texts`` to appear in stdout or stderr."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            exited = self.process.poll() is not None
            if exited:  # read to the end before the last look
                for reader in self.readers:
                    reader.join(5)
            for text in texts:
                if any(text in line for line in [*self.stdout, *self.stderr]):
                    return text
            if exited:
                break
            time.sleep(0.1)
        raise AssertionError(f"node never printed any of {texts}:\n{self.output()}")

    def output(self) -> str:
        return "".join(self.stdout) + "--- stderr ---\n" + "".join(self.stderr)

    def terminate(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for reader in self.readers:
            reader.join(5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _pump(stream: Any, sink: list[str]) -> None:
    for line in stream:
        sink.append(line)


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str
    alive_after_stop: bool
    heard: float  # seconds of the meeting played before the stop
    events: list[dict[str, Any]]
    status: dict[str, Any]
    conversation: dict[str, Any]
    messages: list[dict[str, Any]]
    outbox: list[str]


def line_after(stdout: str, prefix: str) -> str:
    lines = [line for line in stdout.splitlines() if line.startswith(prefix)]
    assert lines, f"no line starting with {prefix!r} in:\n{stdout}"
    return lines[0][len(prefix) :].strip()


def wait_ended(http: httpx.Client, connection_id: str, limit: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = http.get(f"/v1/endpoint/{connection_id}").json()
        if status.get("state") == "ended" and status.get("conversationCompleted"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"call {connection_id} did not end: {status}")


def run_tutorial(tmp: Path, node_modules: Path, trunk: BridgePeer) -> Run:
    env = {
        "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}",
        "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
        "CALLSCRIBE_TRUNK_HOST": f"127.0.0.1:{trunk.port}",
        "CALLSCRIBE_TRUNK_USERNAME": TRUNK_USER,
        "CALLSCRIBE_TRUNK_PASSWORD": TRUNK_PASSWORD,
        "CALLSCRIBE_TRUNK_ALLOW": "+1",
    }
    server = ServerProcess(
        tmp / "data", env, port=443, args=("--self-signed",), scheme="https"
    ).start()
    try:
        app_id, app_secret = server.create_app("symbl-node")
        workdir = tmp / "project"
        workdir.mkdir()
        (workdir / "node_modules").symlink_to(node_modules, target_is_directory=True)
        shutil.copy(HERE / "hosts.js", workdir / "hosts.js")
        program = fill_in(
            tutorial_program(),
            {
                "const appId = appId;": f'const appId = "{app_id}";',
                "const appSecret = appSecret;": f'const appSecret = "{app_secret}";',
                'const phoneNumber = "";': f'const phoneNumber = "{PHONE}";',
                'const ZOOM_MEETING_ID = "ZOOM_MEETING_ID";': (
                    f'const ZOOM_MEETING_ID = "{MEETING_ID}";'
                ),
                'const ZOOM_MEETING_PASSCODE = "";': f'const ZOOM_MEETING_PASSCODE = "{PASSCODE}";',
            },
        )
        (workdir / "program.js").write_text(program)

        node = NodeProgram.start(workdir)
        try:
            if node.wait_for(CONNECTED, "Error", timeout=60) != CONNECTED:
                raise AssertionError(f"the program did not connect:\n{node.output()}")
            trunk.wait_for("meeting_started", 60)
            began = time.monotonic()
            node.wait_for(STOPPED, STOP_FAILED, timeout=STOP_AFTER + 60)
            heard = time.monotonic() - began
            stdout = "".join(node.stdout)
            connection_id = line_after(stdout, CONNECTED)
            token = token_for(server.base_url, app_id, app_secret)
            with httpx.Client(
                base_url=server.base_url, headers={"x-api-key": token}, verify=False, timeout=30
            ) as http:
                status = wait_ended(http, connection_id)
                conv_id = status["conversationId"]
                conversation = http.get(f"/v1/conversations/{conv_id}").json()
                messages = http.get(f"/v1/conversations/{conv_id}/messages").json()["messages"]
            time.sleep(1.0)  # the tutorial's program never exits on its own (see the test)
            alive = node.process.poll() is None
        finally:
            node.terminate()
        outbox = [p.read_text(errors="replace") for p in sorted((tmp / "data").glob("outbox/*"))]
        return Run(
            stdout="".join(node.stdout),
            stderr="".join(node.stderr),
            alive_after_stop=alive,
            heard=heard,
            events=list(trunk.events),
            status=status,
            conversation=conversation,
            messages=messages,
            outbox=outbox,
        )
    finally:
        server.stop()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    require_port_443()
    node_modules = install_sdk()
    with bridge(
        "--auth",
        f"{TRUNK_USER}:{TRUNK_PASSWORD}",
        "--meeting-id",
        MEETING_ID,
        "--passcode",
        PASSCODE,
    ) as trunk:
        yield run_tutorial(tmp_path_factory.mktemp("symbl-node"), node_modules, trunk)


def wer(reference: str, hypothesis: str) -> float:
    norm = EnglishTextNormalizer()
    return float(jiwer.wer(norm(reference), norm(hypothesis)))


def test_the_program_connects_and_prints_the_conversation_id(run: Run) -> None:
    assert "SDK initialized." in run.stdout
    assert "Error in SDK initialization" not in run.stderr
    assert "Error while starting the connection" not in run.stderr
    assert line_after(run.stdout, CONNECTED) == run.status["connectionId"]
    assert line_after(run.stdout, CONVERSATION) == run.status["conversationId"]
    assert "Calling into Zoom now" in run.stdout


def test_the_sdk_turns_certificate_checks_off_by_itself(run: Run) -> None:
    # NODE_TLS_REJECT_UNAUTHORIZED was not in node's environment: sdk.init sets it to "0"
    # (unless given tlsAuth), which is why a self-signed certificate for 127.0.0.1 is accepted.
    assert TLS_WARNING in run.stderr


def test_the_call_went_through_the_trunk_and_keyed_the_meeting(run: Run) -> None:
    calls = [e for e in run.events if e["event"] == "call"]
    assert len(calls) == 1
    assert calls[0]["peer"].startswith(f"sip:{TRUNK_USER}@")  # authenticated as the trunk user
    answers = [(e["field"], e["value"], e["accepted"]) for e in run.events if "field" in e]
    assert answers == [
        ("meeting_id", MEETING_ID, True),
        ("participant_id", "", True),
        ("passcode", PASSCODE, True),
    ]
    assert any(e["event"] == "meeting_started" for e in run.events)
    assert run.conversation["name"] == "Zoom Test Meeting"
    assert run.conversation["metadata"]["call"]["endReason"] == "stopped"
    assert run.status["endReason"] == "stopped"


def test_the_conversation_has_the_meetings_first_minute(run: Run) -> None:
    texts = [m["text"] for m in run.messages]
    played = [line.text for line in meeting.load().lines if line.start < run.heard - 1.0]
    assert run.heard > 30, run.heard  # the stop came a minute after the start, as scheduled
    assert wer(" ".join(played), " ".join(texts)) <= 0.35, (played, texts)
    # the bridge's prompts are not the meeting: those before it are not transcribed, and its
    # "You are now joining the meeting." is left out
    assert not any("meeting id" in t.lower() or "joining the" in t.lower() for t in texts), texts


def test_the_summary_email_action_ran_on_stop(run: Run) -> None:
    mails = [email.message_from_string(m) for m in run.outbox]
    assert [m["To"] for m in mails] == ["user@example.com"]
    subject = str(email.header.make_header(email.header.decode_header(mails[0]["Subject"])))
    assert subject.startswith("Summary: Zoom Test Meeting")


def test_the_program_keeps_running_after_the_stop(run: Run) -> None:
    # As against Symbl's service: the SDK's token-refresh timer keeps node's event loop alive,
    # so the tutorial's program has to be ended by its user (here, by the fixture).
    assert run.alive_after_stop


def test_the_program_prints_the_stop(run: Run) -> None:
    assert STOP_FAILED not in run.stderr, run.stderr
    assert line_after(run.stdout, STOPPED) == run.status["connectionId"]
    assert (
        line_after(run.stdout, "Conversation ID for Stopped Connection:")
        == (run.status["conversationId"])
    )
