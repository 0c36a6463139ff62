"""A private redis-server and real Celery workers, started and stopped by the fault tests.

Each test owns its processes: killing them disturbs nothing else, and the fixtures'
finalizers kill whatever is left. Waiting is always polling against a deadline.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate: Callable, *, timeout: float, what: str, context: Callable = str):
    """Poll ``predicate`` until it returns something true; fail with ``context()`` if not."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what}\n{context()}")
        time.sleep(0.05)


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, sig)


def _stop(process: subprocess.Popen | None, *, grace: float) -> None:
    if process is None or process.poll() is not None:
        return
    _kill_group(process, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        _kill_group(process, signal.SIGKILL)
        process.wait(5)


class RedisServer:
    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = directory / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_for(self.ping, timeout=10, what="redis-server to answer", context=self.tail)

    def stop(self) -> None:
        _stop(self.process, grace=5)
        self.process = None

    def command(self, *words: str) -> bytes:
        payload = f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
            conn.sendall(payload.encode())
            return conn.recv(1024)

    def ping(self) -> bool:
        try:
            return self.command("PING").startswith(b"+PONG")
        except OSError:
            return False

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""


def database_url(settings_dict: dict) -> str:
    """The URL of the database this test process uses (the test database)."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgresql://{credentials}{host}:{port}/{quote(settings_dict['NAME'])}"


class Worker:
    """``celery -A workers.celery_app worker`` on both queues, one task at a time."""

    def __init__(self, name: str, env: dict, directory: Path):
        self.name = name
        self.env = env
        self.log = directory / f"worker-{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker",
                 "-P", "solo", "-Q", "heavy,light", "-n", f"{self.name}@%h", "-l", "INFO",
                 "--without-heartbeat", "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_for(self._ready, timeout=30, what=f"worker {self.name} to start", context=self.tail)
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"worker {self.name} exited\n{self.tail()}")
        return " ready." in self.log.read_text(errors="replace")

    def kill9(self) -> None:
        """The machine dies: no warm shutdown, no acknowledgement, nothing."""
        _kill_group(self.process, signal.SIGKILL)
        self.process.wait(5)

    def stop(self) -> None:
        _stop(self.process, grace=10)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""
