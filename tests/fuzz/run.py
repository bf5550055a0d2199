"""The fuzz step: schemathesis over /api/openapi.json, as an admin, a scheduler and a technician.

A real server (gunicorn, 2 workers) on a free loopback port, over a fresh SQLite database in a
temporary folder, migrated and seeded with the demo store (`flask seed-demo`: real services). No
job consumer runs, and no SMTP host or push service is set: nothing leaves the machine. Each role
logs in and fuzzes with its session cookie and CSRF header, within its own time budget, the checks
being: no 5xx, every response (errors included) matching its documented status, content type and
schema. The exit status is non-zero when any run finds a failure.

    .venv/bin/python -m tests.fuzz.run [--seconds-per-role 70] [--report-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "assistec-demo"
# The admin goes last: it may deactivate the others or change their passwords, which ends their
# sessions (the runs before it would then test only 401s).
ROLES = [
    ("technician", "tecnico1@demo.assistec.com.br"),
    ("scheduler", "atendimento@demo.assistec.com.br"),
    ("admin", "admin@demo.assistec.com.br"),
]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Left out, on purpose: both end the session the fuzzer runs with (every request after would be a
# 401), and the tests in tests/test_auth_sessions.py cover them.
EXCLUDED = ["/api/auth/logout", "/api/auth/logout-all"]  # each path has only that POST


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "REDIS_", "TEST_"))}
    env.update(
        ASSISTEC_ENV="development",
        FLASK_APP="server",
        SECRET_KEY="fuzz-" + os.urandom(8).hex(),
        DATABASE_URL=f"sqlite:///{folder / 'fuzz.db'}",
        HUEY_SQLITE_PATH=str(folder / "huey.db"),
        MAIL_FOLDER=str(folder / "mail"),
        UPLOAD_FOLDER=str(folder / "uploads"),
        VAPID_PRIVATE_KEY="",
        JOBS_IMMEDIATE="false",
        PYTHONPATH=str(ROOT),
        FUZZ_FOLDER=str(folder),
    )
    return env


def wait_for(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}) before answering")
        try:
            if requests.get(base + "/api/openapi.json", timeout=15).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)  # polling a process that starts, not synchronising a test
    raise SystemExit("the server did not answer within a minute")


def login(base: str, email: str) -> tuple[str, str]:
    """The session's Cookie header and its CSRF token."""
    session = requests.Session()
    response = session.post(base + "/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    response.raise_for_status()
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    return cookie, response.json()["csrf_token"]


def fuzz(
    base: str, role: str, session: tuple[str, str], seconds: int, seed: int, reports: Path, env: dict[str, str]
) -> int:
    cookie, token = session
    command = [
        str(BIN / "schemathesis"),
        "run",
        base + "/api/openapi.json",
        "--header",
        f"Cookie: {cookie}",
        "--header",
        f"X-CSRF-Token: {token}",
        "--checks",
        CHECKS,
        "--max-time",
        str(seconds),
        "--max-examples",
        "25",
        # One worker: hypothesis describes strategies with ast.parse, which is not thread-safe on
        # Python 3.11 (a rare "AST constructor recursion depth mismatch" from two workers).
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--seed",
        str(seed),
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-junit-path",
        str(reports / f"{role}.xml"),
        "--warnings",
        "off",
    ]
    for path in EXCLUDED:
        command += ["--exclude-path", path]
    print(f"== schemathesis as {role}, at most {seconds} s ==", flush=True)
    # In the temporary folder: schemathesis keeps a cache (.schemathesis/) where it runs.
    status = subprocess.run(command, env=env, cwd=env["FUZZ_FOLDER"], check=False).returncode
    # A run whose session ended midway would have tested little but 401s: it does not pass.
    me = requests.get(base + "/api/auth/me", headers={"Cookie": cookie}, timeout=30)
    if me.status_code != 200:
        print(f"FAIL: the {role}'s session ended during the run ({me.status_code})", flush=True)
        return 1
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds-per-role", type=int, default=70)
    parser.add_argument("--report-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=16, help="the same seed, the same requests (time permitting)")
    parser.add_argument("--roles", default=",".join(role for role, _ in ROLES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assistec-fuzz-") as tmp:
        folder = Path(tmp)
        reports = args.report_dir or folder / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        env = environment(folder)
        flask = str(BIN / "flask")
        subprocess.run([flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--log-level",
                "warning",
                "--no-control-socket",  # another gunicorn (make run) may hold the default one
                "server:create_app()",
            ],
            env=env,
            cwd=ROOT,
        )
        failed: list[str] = []
        try:
            wait_for(base, server)
            wanted = [(role, email) for role, email in ROLES if role in args.roles.split(",")]
            # Everyone logs in first: the fuzzer's failed logins with many e-mails lock the address
            # out of further logins (LOGIN_LIMIT_PER_IP), as they would an attacker's.
            sessions = {role: login(base, email) for role, email in wanted}
            for role, _ in wanted:
                if fuzz(base, role, sessions[role], args.seconds_per_role, args.seed, reports, env) != 0:
                    failed.append(role)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        print(f"fuzz: {len(failed)} of {len(wanted)} roles with failures {failed or ''}".rstrip(), flush=True)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
