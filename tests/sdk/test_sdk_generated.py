"""The blocking SDK is generated from the asyncio one: the tree holds what the generator
makes, and the check that ``scripts/test`` runs fails, naming the file, when they drift."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "scripts" / "generate_sync_sdk.py"
PACKAGE = ROOT / "sdk" / "src" / "callscribe_sdk"


def _check(package: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--package", str(package)] if package else []
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_blocking_client_in_the_tree_is_what_the_generator_makes() -> None:
    result = _check()
    assert result.returncode == 0, result.stdout + result.stderr


def _copy(tmp_path: Path) -> Path:
    package = tmp_path / "callscribe_sdk"
    for part in ("_async", "_sync"):
        shutil.copytree(PACKAGE / part, package / part)
    return package


def test_a_hand_edit_to_the_blocking_client_fails_the_check(tmp_path: Path) -> None:
    package = _copy(tmp_path)
    live = package / "_sync" / "live.py"
    live.write_text(live.read_text().replace("def close(self)", "def close(self, force=False)", 1))

    result = _check(package)

    assert result.returncode == 1
    assert "_sync/live.py (in the tree)" in result.stdout
    assert "+    def close(self)" in result.stdout  # the diff shows what it should be
    assert "edit _async" in result.stderr


def test_an_edit_to_the_asyncio_client_not_regenerated_fails_the_check(tmp_path: Path) -> None:
    package = _copy(tmp_path)
    resources = package / "_async" / "resources.py"
    resources.write_text(resources.read_text() + "\n\nasync def added() -> None:\n    pass\n")

    stale = _check(package)
    assert stale.returncode == 1
    assert "_sync/resources.py" in stale.stdout
    assert "+def added() -> None:" in stale.stdout

    subprocess.run([sys.executable, str(SCRIPT), "--package", str(package)], check=True)
    assert _check(package).returncode == 0
    assert "def added() -> None:" in (package / "_sync" / "resources.py").read_text()


def test_async_only_blocks_and_sync_only_lines_land_where_they_belong() -> None:
    sync_live = (PACKAGE / "_sync" / "live.py").read_text()
    sync_client = (PACKAGE / "_sync" / "client.py").read_text()
    assert "__await__" not in sync_live  # asyncio's ``await client.stream(...)`` only
    assert "__await__" in (PACKAGE / "_async" / "live.py").read_text()
    assert "        stream.start()\n        return stream" in sync_client
    assert "unasync:" not in sync_live + sync_client
    for path in (PACKAGE / "_sync").glob("*.py"):
        asynchronous = (ast.Await, ast.AsyncFunctionDef, ast.AsyncWith, ast.AsyncFor)
        found = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, asynchronous)]
        assert not found, f"{path.name}:{found[0].lineno} is still asynchronous"
