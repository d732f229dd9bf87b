"""Supply chain: bandit finds nothing in eventsys, and constraints.txt pins every dependency.

`pip install -c constraints.txt -e .[dev]` (what dev.py runs) must be fully pinned: every
distribution that pyproject.toml requires, followed recursively through the installed packages'
own requirements, has a `name==version` line in constraints.txt equal to the installed version."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bandit_finds_nothing_of_medium_severity_and_confidence() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-r",
            "eventsys",
            "-q",
            "-f",
            "json",
            "--severity-level",
            "medium",
            "--confidence-level",
            "medium",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert report["errors"] == [], report["errors"]
    assert findings == []
    assert result.returncode == 0, result.stderr


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"constraints.txt: {line!r} is not an exact pin"
        pins[canonicalize_name(name)] = version.strip()
    return pins


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**default_environment(), "extra": extra})
        for extra in extras or {""}
    )


def required_distributions() -> dict[str, str]:
    """Every distribution pyproject.toml needs (with the dev extra), by name: installed version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    roots = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    todo = [(Requirement(text), set[str]()) for text in roots]
    found: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement, wanted_by_extras = todo.pop()
        if not _applies(requirement, wanted_by_extras):
            continue
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            distribution = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{requirement} is required but not installed")
        found[name] = distribution.version
        extras = {canonicalize_name(extra) for extra in requirement.extras}
        for text in distribution.requires or []:
            todo.append((Requirement(text), extras))
    return found


def test_constraints_pin_every_required_distribution_at_its_installed_version() -> None:
    pins = _pins()
    required = required_distributions()
    assert "bandit" in required and "flask" in required
    unpinned = sorted(name for name in required if name not in pins)
    assert unpinned == [], "add these to constraints.txt"
    different = sorted(
        f"{name}: pinned {pins[name]}, installed {version}"
        for name, version in required.items()
        if pins[name] != version
    )
    assert different == [], "constraints.txt and the virtual environment disagree"
