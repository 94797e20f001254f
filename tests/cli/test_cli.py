"""The CLI as a user runs it: settings shown masked, TOML sections, apps, errors, TLS serving."""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest

from callscribe.testing.server import ServerProcess


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSCRIBE_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "callscribe", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_config_show_layers_and_masks_secrets(tmp_path: Path) -> None:
    toml = tmp_path / "callscribe.toml"
    toml.write_text(
        'port = 9001\nlog_level = "warning"\n'
        '[database]\nurl = "postgresql://scribe:hunter2@db.internal:5432/calls"\n'
    )
    env = {
        "CALLSCRIBE_CONFIG": str(toml),
        "CALLSCRIBE_PORT": "9002",  # the environment beats the file
        "CALLSCRIBE_JWT_SECRET": "s" * 40,
    }
    out = run_cli("config", "show", "--json", env=env)
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown["port"] == 9002
    assert shown["log_level"] == "warning"
    assert shown["database_url"] == "postgresql://scribe:********@db.internal:5432/calls"
    assert shown["jwt_secret"] == "********"
    assert "hunter2" not in out.stdout
    assert "s" * 40 not in out.stdout

    plain = run_cli("config", "show", env=env)
    assert "hunter2" not in plain.stdout
    assert "9002" in plain.stdout


def test_config_show_reports_what_this_machine_chose() -> None:
    out = run_cli("config", "show")
    assert out.returncode == 0, out.stderr
    chosen = out.stdout.split("chosen on this machine (settings left unset, and how interims")[1]
    assert re.search(r"asr_padding +(20|15|10) s of padding \(chosen: .+ of CPU here", chosen)
    assert re.search(r"interims +50% of a worker's time with CPU to spare, down to 10%", chosen)
    cpus = len(os.sched_getaffinity(0))
    assert re.search(rf"asr_workers +{min(cpus, 8)} \(one per CPU this process may use", chosen)
    shown = json.loads(run_cli("config", "show", "--json").stdout)
    assert shown["asr_padding"] is None
    assert "s of padding (chosen" in shown["chosen_on_this_machine"]["asr_padding"]
    # set, it is used as set: nothing to choose
    pinned = run_cli("config", "show", "--json", env={"CALLSCRIBE_ASR_PADDING": "12"})
    shown = json.loads(pinned.stdout)
    assert shown["asr_padding"] == 12.0
    assert list(shown["chosen_on_this_machine"]) == ["asr_workers", "interims"]
    pinned = run_cli("config", "show", "--json", env={"CALLSCRIBE_ASR_WORKERS": "3"})
    shown = json.loads(pinned.stdout)
    assert shown["asr_workers"] == 3
    assert "asr_workers" not in shown["chosen_on_this_machine"]
    out = run_cli("config", "show", env={"CALLSCRIBE_ASR_PADDING": "2"})
    assert out.returncode == 2
    assert "asr_padding" in out.stderr


def test_bad_settings_are_one_line_errors(tmp_path: Path) -> None:
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("port = [")
    out = run_cli("config", "show", env={"CALLSCRIBE_CONFIG": str(bad_toml)})
    assert out.returncode == 2
    assert "not valid TOML" in out.stderr
    assert "Traceback" not in out.stderr

    unknown = tmp_path / "unknown.toml"
    unknown.write_text("colour = 'blue'\n")
    out = run_cli("config", "show", "--config", str(unknown))
    assert out.returncode == 2
    assert "unknown setting(s) colour" in out.stderr

    out = run_cli("config", "show", env={"CALLSCRIBE_PORT": "eighty"})
    assert out.returncode == 2
    assert "port" in out.stderr
    assert "Traceback" not in out.stderr

    out = run_cli("config", "show", env={"CALLSCRIBE_JWT_SECRET": "short"})
    assert out.returncode == 2
    assert "jwt_secret" in out.stderr


@pytest.mark.parametrize(
    ("given", "said"),
    [("15000", "expected low-high"), ("20000-10000", "low < high"), ("80-90", "1024 <= low")],
)
def test_an_rtp_port_range_that_is_no_range_is_refused_by_name(given: str, said: str) -> None:
    out = run_cli("config", "show", env={"CALLSCRIBE_RTP_PORTS": given})
    assert out.returncode == 2
    assert "rtp_ports" in out.stderr
    assert said in out.stderr
    assert "Traceback" not in out.stderr


def test_the_rtp_port_range_is_shown_as_set() -> None:
    out = run_cli("config", "show", "--json", env={"CALLSCRIBE_RTP_PORTS": " 16384-16483"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rtp_ports"] == "16384-16483"


def test_apps_create_list_delete(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    created = run_cli("apps", "create", "--name", "Sales bot", "--data-dir", data, "--json")
    assert created.returncode == 0, created.stderr
    creds = json.loads(created.stdout)
    assert len(creds["appId"]) == 64
    assert len(creds["appSecret"]) >= 64

    human = run_cli("apps", "create", "--name", "Notes", "--data-dir", data)
    assert "appSecret:" in human.stdout

    listed = json.loads(run_cli("apps", "list", "--data-dir", data, "--json").stdout)
    assert [a["name"] for a in listed] == ["Sales bot", "Notes"]
    # The secret is stored hashed: it appears nowhere in the database file.
    assert creds["appSecret"].encode() not in (tmp_path / "data" / "callscribe.db").read_bytes()

    assert run_cli("apps", "delete", creds["appId"], "--data-dir", data).returncode == 0
    listed = json.loads(run_cli("apps", "list", "--data-dir", data, "--json").stdout)
    assert [a["name"] for a in listed] == ["Notes"]
    gone = run_cli("apps", "delete", creds["appId"], "--data-dir", data)
    assert gone.returncode == 2
    assert "no app with id" in gone.stderr


def test_serve_self_signed_tls(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with ServerProcess(data, args=("--self-signed",), scheme="https") as proc:
        assert (data / "tls" / "cert.pem").exists()
        r = httpx.get(
            f"{proc.base_url}/health",
            verify=ssl.create_default_context(cafile=data / "tls" / "cert.pem"),
        )
        assert r.json()["status"] == "ok"
        app_id, secret = proc.create_app()
        r = httpx.post(
            f"{proc.base_url}/oauth2/token:generate",
            json={"type": "application", "appId": app_id, "appSecret": secret},
            verify=False,
        )
        assert r.status_code == 200
        token = r.json()["accessToken"]
        # A JWT with exp, as Symbl's SDKs decode it.
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 86400


def test_openapi_docs_are_served(tmp_path: Path) -> None:
    with ServerProcess(tmp_path / "data") as proc:
        spec = httpx.get(f"{proc.base_url}/openapi.json").json()
        assert "/v1/process/text" in spec["paths"]
        assert "/oauth2/token:generate" in spec["paths"]
        assert httpx.get(f"{proc.base_url}/docs").status_code == 200


def test_serve_refuses_settings_it_cannot_run_with(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    cases = [
        ({"CALLSCRIBE_ASR_ENGINE": "bogus"}, "unknown speech engine 'bogus'"),
        ({"CALLSCRIBE_ASR_ENGINE": "faster-whisper:/nonexistent"}, "no CTranslate2 model.bin"),
        ({"CALLSCRIBE_TRUNK_ALLOW": "44"}, "must look like +1"),
        ({"CALLSCRIBE_DATABASE_URL": "mysql://x@y/z"}, "not supported"),
    ]
    for env, needle in cases:
        out = run_cli("serve", "--port", "0", "--data-dir", data, env=env)
        assert out.returncode == 2, (env, out.stderr)
        assert needle in out.stderr
        assert "Traceback" not in out.stderr
