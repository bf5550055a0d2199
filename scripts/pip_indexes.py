"""Print the index options pip uses on this machine (`pip config list`) as uv flags, so that the
lock is resolved from the same places `make install` installs from (e.g. a local mirror)."""

from __future__ import annotations

import shlex
import subprocess
import sys

FLAGS = {"index-url": "--index-url", "extra-index-url": "--extra-index-url", "find-links": "--find-links"}


def main() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
    ).stdout
    flags: list[str] = []
    for line in listing.splitlines():
        name, _, value = line.partition("=")
        option = name.rsplit(".", 1)[-1]
        if option not in FLAGS:
            continue
        for item in shlex.split(value.strip().strip("'\"")):
            if [FLAGS[option], item] not in [flags[i : i + 2] for i in range(0, len(flags), 2)]:
                flags += [FLAGS[option], item]
    if "--index-url" not in flags and "--extra-index-url" in flags:
        flags = ["--index-url", "https://pypi.org/simple", *flags]
    print(shlex.join(flags))


if __name__ == "__main__":
    main()
