"""The office's bundle (issue 9), printed by `make bench-pwa` next to the technician's shell.

The office (src/office, /escritorio) is its own chunk, fetched only by an office user: this
prints its size and checks that the technician's phone pays nothing for it — no office file is
loaded by index.html, none is in the service worker's precache list, and none of the office's
texts is inside the shell's JavaScript (which would mean office code leaked into the shell).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path


def _gzip_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024


PROSE = re.compile(r"^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ ,.…:;()/-]*$")


def _texts(javascript: str) -> set[str]:
    """Words people read (pt-BR string literals of some length), not code or class names."""
    found = re.findall(r"""(["'`])((?:(?!\1)[^\\\n]){16,200}?)\1""", javascript)
    return {text for _, text in found if " " in text and PROSE.match(text)}


def _technician_sources(dist: Path) -> str:
    """The technician app's own sources: a text they share with the office (a field's name) is fine."""
    src = dist.parent / "src"
    return "".join(p.read_text() for p in src.rglob("*.js*") if "office" not in p.relative_to(src).parts)


def office_report(dist: Path) -> bool:
    """Print the office chunks and the checks; True when the shell carries none of the office."""
    files = sorted((dist / "assets").glob("office-*"))
    print("== PWA: office chunks (loaded only on /escritorio, never precached) ==")
    if not any(f.suffix == ".js" for f in files):
        print("  no assets/office-*.js in the build: FAIL")
        return False
    for file in files:
        print(f"  /assets/{file.name:<34} {file.stat().st_size / 1024:6.1f} KB, {_gzip_kb(file):5.1f} KB gzip")
    print(f"  total {sum(_gzip_kb(f) for f in files):.1f} KB gzip")

    html = (dist / "index.html").read_text()
    shell_files = re.findall(r'(?:src|href)="/assets/([^"]+)"', html)
    shell_js = "".join((dist / "assets" / name).read_text() for name in shell_files if name.endswith(".js"))
    texts = set().union(*(_texts(f.read_text()) for f in files if f.suffix == ".js"))
    shared = _technician_sources(dist)
    leaked = sorted(t for t in texts if t in shell_js and t not in shared)
    precached = [f.name for f in files if f.name in (dist / "sw.js").read_text()]
    checks = {
        "index.html loads no office file": not any(name.startswith("office-") for name in shell_files),
        "the service worker precaches no office file": not precached,
        f"none of the office's own {len(texts)} texts is in the shell": not leaked,
    }
    for label, ok in checks.items():
        print(f"  {label}: {'ok' if ok else 'FAIL'}")
    for text in leaked[:5]:
        print(f"    in the shell: {text!r}")
    return all(checks.values())
