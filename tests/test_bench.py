"""The benchmark still runs (tiny sizes, no timing asserted: figures are `make bench`'s job)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_sync_benchmark_runs_and_prints_every_figure() -> None:
    args = [
        "--appointments",
        "40",
        "--factor",
        "3",
        "--scope",
        "80",
        "--push",
        "10",
        "--runs",
        "2",
        "--unchanged-runs",
        "5",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "bench.sync", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for line in (
        "delta pull, nothing changed:",
        "delta pull, one visit changed:",
        "SQL statements of a delta pull: nothing changed 4 at 1× / 4 at 3×",
        "initial pull of a technician with",
        "push 10 mutations: one batch",
    ):
        assert line in done.stdout, done.stdout


def test_the_renders_benchmark_runs_the_procfile_web_and_prints_both_figures() -> None:
    args = ["--samples", "20", "--clients", "2", "--renders", "4"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.renders", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"^during renders: auth/me p99 [\d.]+ ms, idle p99 [\d.]+ ms$", done.stdout, re.M), done.stdout
    assert re.search(r"^pdf cache: first [\d.]+ ms, repeat [\d.]+ ms$", done.stdout, re.M), done.stdout
