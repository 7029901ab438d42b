"""Run ``streamlit run app.py`` on a free localhost port for browser tests and screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` as a subprocess; ``url`` once :meth:`start` returns."""

    def __init__(
        self, events_dir: Path, env: dict[str, str] | None = None, log: Path | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://localhost:{self.port}/"
        self.events_dir = events_dir
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log = log or Path(events_dir).parent / f"streamlit-{self.port}.log"
        self.started_in_s: float | None = None

    def start(self, timeout_s: float = 60) -> StreamlitServer:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTLINE_OVERLAY")}
        env.update(
            FRONTLINE_EVENTS_DIR=str(self.events_dir),
            FRONTLINE_TILES="0",  # tiles would be requests leaving localhost
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        t0 = time.monotonic()
        with self.log.open("wb") as fh:
            self.proc = subprocess.Popen(
                cmd, cwd=REPO_ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT
            )
        health = f"http://127.0.0.1:{self.port}/_stcore/health"
        while time.monotonic() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(health, timeout=2) as r:
                    if r.status == 200:
                        self.started_in_s = time.monotonic() - t0
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout_s}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
