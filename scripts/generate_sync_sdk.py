"""Generate the SDK's blocking client from its asyncio one, or check that they agree.

    .venv/bin/python scripts/generate_sync_sdk.py          # rewrite sdk/.../_sync from _async
    .venv/bin/python scripts/generate_sync_sdk.py --check  # exit 1 with a diff on drift

``callscribe_sdk/_async`` is the only hand-kept copy of the client; the ``unasync`` library
turns it into ``_sync`` (``async``/``await`` dropped, ``Async…`` names and the backend module
swapped). What truly differs between the two lives in ``_backend_async``/``_backend_sync``,
and in two markers inside ``_async``:

    # unasync: async-only     …lines…    # unasync: end    left out of _sync
    # unasync: sync-only: <statement>                      <statement> in _sync only
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import sys
import tempfile
from pathlib import Path

import unasync

PACKAGE = Path(__file__).resolve().parent.parent / "sdk" / "src" / "callscribe_sdk"

REPLACEMENTS = {
    "_async": "_sync",
    "_backend_async": "_backend_sync",
    "aclose": "close",
    "AsyncClient": "Client",  # also httpx.AsyncClient -> httpx.Client
    "AsyncConnection": "Connection",
    "AsyncConversation": "Conversation",
    "AsyncJob": "Job",
    "AsyncLiveSocket": "LiveSocket",
    "AsyncStream": "Stream",
    "_AsyncLive": "_Live",
    "aiter_bytes": "iter_bytes",  # httpx.Response
    "aread": "read",
}

ASYNC_ONLY = re.compile(r"^\s*# unasync: async-only\s*$")
END = re.compile(r"^\s*# unasync: end\s*$")
SYNC_ONLY = re.compile(r"^(\s*)# unasync: sync-only: (.*)$")


def header(name: str) -> str:
    return (
        f"# Generated from callscribe_sdk/_async/{name} by scripts/generate_sync_sdk.py:\n"
        "# edit that file and run the script (the test suite fails when this one differs).\n"
    )


def without_async_only(text: str, name: str) -> str:
    kept: list[str] = []
    skipping = False
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        if ASYNC_ONLY.match(line):
            if skipping:
                raise SystemExit(f"{name}:{number}: async-only block inside another")
            skipping = True
        elif END.match(line):
            if not skipping:
                raise SystemExit(f"{name}:{number}: '# unasync: end' without a block to end")
            skipping = False
        elif not skipping:
            kept.append(line)
    if skipping:
        raise SystemExit(f"{name}: async-only block never ended")
    return "".join(kept)


def with_sync_only(text: str) -> str:
    return "".join(SYNC_ONLY.sub(r"\1\2", line) for line in text.splitlines(keepends=True))


def generate(package: Path) -> dict[str, str]:
    """The ``_sync`` files ``_async`` makes, by name."""
    sources = sorted((package / "_async").glob("*.py"))
    if not sources:
        raise SystemExit(f"no sources in {package / '_async'}")
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "callscribe_sdk" / "_async"
        staged.mkdir(parents=True)
        for source in sources:
            text = without_async_only(source.read_text(), source.name)
            (staged / source.name).write_text(text)
        rule = unasync.Rule("/_async/", "/_sync/", additional_replacements=REPLACEMENTS)
        unasync.unasync_files([str(staged / s.name) for s in sources], rules=[rule])
        out = staged.parent / "_sync"
        return {
            s.name: header(s.name) + with_sync_only((out / s.name).read_text()) for s in sources
        }


def check(package: Path, made: dict[str, str]) -> list[str]:
    """Unified diffs of every ``_sync`` file that is not what the generator makes."""
    target = package / "_sync"
    present = {p.name for p in target.glob("*.py")} if target.is_dir() else set()
    problems: list[str] = []
    for name in sorted(present | set(made)):
        have = (target / name).read_text() if name in present else ""
        want = made.get(name, "")
        if have != want:
            problems.append(
                "".join(
                    difflib.unified_diff(
                        have.splitlines(keepends=True),
                        want.splitlines(keepends=True),
                        f"_sync/{name} (in the tree)",
                        f"_sync/{name} (generated)",
                    )
                )
                or f"_sync/{name}: differs\n"
            )
    return problems


def write(package: Path, made: dict[str, str]) -> None:
    target = package / "_sync"
    if target.is_dir():
        shutil.rmtree(target)
    target.mkdir()
    for name, text in made.items():
        (target / name).write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on drift")
    parser.add_argument("--package", type=Path, default=PACKAGE, help=argparse.SUPPRESS)
    args = parser.parse_args()
    made = generate(args.package)
    if not args.check:
        write(args.package, made)
        print(f"wrote {len(made)} files to {args.package / '_sync'}")
        return 0
    problems = check(args.package, made)
    if problems:
        sys.stdout.write("".join(problems))
        print(
            "the blocking SDK (_sync) is not what _async generates: edit _async, then run "
            ".venv/bin/python scripts/generate_sync_sdk.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
