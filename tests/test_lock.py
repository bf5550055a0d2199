"""The lock files agree with pyproject.toml: every declared package pinned, with hashes, and the
runtime lock a subset of the development one at the same versions. (`make check-lock` compares the
installed packages with the lock.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from scripts.check_lock import differences, normalize, pins

ROOT = Path(__file__).resolve().parent.parent


def declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += project["optional-dependencies"][group]
    return {normalize(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]) for requirement in requirements}


def entries(lock: str) -> list[str]:
    """One string per pinned package: its line and its hash lines."""
    text = (ROOT / lock).read_text()
    return [block for block in re.split(r"\n(?=[A-Za-z0-9])", text) if "==" in block.split("\n", 1)[0]]


def test_every_declared_package_is_pinned() -> None:
    runtime = pins((ROOT / "requirements.lock").read_text().splitlines())
    development = pins((ROOT / "requirements-dev.lock").read_text().splitlines())
    assert declared() - set(runtime) == set()
    assert declared("dev") - set(development) == set()
    assert "pytest" not in runtime and "moto" not in runtime  # the tools stay out of production


def test_every_pin_has_a_hash() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        blocks = entries(lock)
        assert len(blocks) > 50
        assert [block.split("\n", 1)[0] for block in blocks if "--hash=sha256:" not in block] == []


def test_the_runtime_lock_matches_the_development_one() -> None:
    runtime = pins((ROOT / "requirements.lock").read_text().splitlines())
    development = pins((ROOT / "requirements-dev.lock").read_text().splitlines())
    assert {name: development.get(name) for name in runtime} == runtime


def test_check_lock_reports_missing_other_and_extra_packages() -> None:
    locked = {"flask": "3.1.3", "boto3": "1.44.18"}
    installed = {"flask": "3.1.2", "rich": "15.0.0"}
    assert differences(locked, installed) == [
        "missing: boto3==1.44.18",
        "flask: installed 3.1.2, locked 3.1.3",
        "not in the lock: rich==15.0.0",
    ]
    assert differences(locked, dict(locked)) == []
