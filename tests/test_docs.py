"""The repository carries its own documentation: no pointer outside it, no stale process text,
and every link between its Markdown files lands on a file that exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Phrases that once pointed outside the repository or described work in progress.
STALE = (
    "../shared",
    "DESIGN.md",
    "DESIGN §",
    "session note",
    "being built",
    "push later",
    "issue 7",
    "(README,",
    '(README "',
)
BINARY = {".png", ".jpg", ".jpeg", ".webp", ".ico", ".pdf", ".woff", ".woff2", ".ttf", ".xlsx"}


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in out.splitlines() if (ROOT / name).is_file()]


def test_no_file_points_outside_the_repository_or_carries_process_text() -> None:
    found = []
    for path in tracked_files():
        if path.suffix in BINARY or path == Path(__file__).resolve() or "package-lock" in path.name:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for phrase in STALE:
            if phrase in text:
                found.append(f"{path.relative_to(ROOT)}: {phrase!r}")
    assert found == []


def test_links_between_markdown_files_resolve() -> None:
    broken = []
    for path in tracked_files():
        if path.suffix != ".md" or "node_modules" in path.parts:
            continue
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} → {target}")
    assert broken == []


def test_the_documents_a_newcomer_needs_exist() -> None:
    needed = ("README.md", "CONTRIBUTING.md", "docs/architecture.md", "docs/api.md", "docs/sync.md", "tests/README.md")
    for name in needed:
        assert (ROOT / name).stat().st_size > 1000, name
