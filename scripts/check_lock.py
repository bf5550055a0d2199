"""Compare what is installed (`pip freeze`) with a lock file; exit 1 on any difference.

`make install` installs exactly the lock; this proves it (CI runs it after the install): a package
missing, at another version, or installed without being in the lock is reported by name.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from packaging.markers import Marker

PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+))?")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match and (not match.group(3) or Marker(match.group(3).strip()).evaluate()):
            found[normalize(match.group(1))] = match.group(2)
    return found


def differences(locked: dict[str, str], installed: dict[str, str]) -> list[str]:
    problems = []
    for name, version in sorted(locked.items()):
        if name not in installed:
            problems.append(f"missing: {name}=={version}")
        elif installed[name] != version:
            problems.append(f"{name}: installed {installed[name]}, locked {version}")
    problems += [f"not in the lock: {name}=={installed[name]}" for name in sorted(set(installed) - set(locked))]
    return problems


def main() -> int:
    lock = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements-dev.lock")
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout
    problems = differences(pins(lock.read_text().splitlines()), pins(freeze.splitlines()))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"the environment differs from {lock}: run `make install` (or `make lock` first)", file=sys.stderr)
        return 1
    print(f"installed packages match {lock} exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
