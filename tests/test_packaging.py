"""Both packages declare their licence the way setuptools 77+ asks (an SPDX expression and the
licence file), so installing prints no deprecation warnings and keeps building after
setuptools drops the old table form (announced for 2027-02-18)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize("package", [".", "sdk"])
def test_the_licence_is_an_spdx_expression_with_its_file(package: str) -> None:
    folder = ROOT / package
    config = tomllib.loads((folder / "pyproject.toml").read_text())
    project = config["project"]
    assert project["license"] == "Apache-2.0"
    assert not any(c.startswith("License ::") for c in project.get("classifiers", []))
    for name in project["license-files"]:
        assert "Apache License" in (folder / name).read_text()[:200]
    setuptools = next(r for r in config["build-system"]["requires"] if r.startswith("setuptools"))
    assert setuptools == "setuptools>=77"
