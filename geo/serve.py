"""Run the dashboard (``streamlit run app.py``) as a child process, on this machine only.

``frontline serve`` uses it, and so do the browser tests, the browser
benchmark and the screenshot script: one launcher, so what they measure is
what a user starts. The server listens on 127.0.0.1 unless told otherwise,
and :meth:`StreamlitServer.stop` never leaves it running.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from geo.settings import settings

# Debian's Chromium, for headless checks of the page (Playwright cannot download browsers here).
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
    """``streamlit run app.py`` as a subprocess; ``url`` is valid once :meth:`start` returns.

    ``script`` runs another page instead (the browser benchmark's bare floor
    page). ``env`` is added to (``None`` values removed from) this process's
    environment; ``events_dir`` sets ``FRONTLINE_EVENTS_DIR``. Use it as a
    context manager so the server stops whatever happens.
    """

    def __init__(
        self,
        events_dir: Path | None = None,
        env: dict[str, str | None] | None = None,
        log: Path | None = None,
        port: int | None = None,
        address: str = "127.0.0.1",
        script: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        self.address = address
        self.url = f"http://localhost:{self.port}/"
        self.events_dir = events_dir
        self.extra_env = dict(env or {})
        self.proc: subprocess.Popen | None = None
        self.log = log
        self.started_in_s: float | None = None
        self.script = Path(script) if script else settings.repo_root / "app.py"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.port", str(self.port), "--server.address", self.address,
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.events_dir is not None:
            env["FRONTLINE_EVENTS_DIR"] = str(self.events_dir)
        env["PYTHONUNBUFFERED"] = "1"
        for k, v in self.extra_env.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def start(self, timeout_s: float = 60) -> StreamlitServer:
        """Start and wait until the server answers its health check."""
        t0 = time.monotonic()
        out = self.log.open("wb") if self.log else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(
                self.command(), cwd=settings.repo_root, env=self.environment(),
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        finally:
            if self.log:
                out.close()  # type: ignore[union-attr]
        health = f"http://127.0.0.1:{self.port}/_stcore/health"
        while time.monotonic() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited early (code {self.proc.returncode}){self._tail()}"
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as r:
                    if r.status == 200:
                        self.started_in_s = time.monotonic() - t0
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout_s}s{self._tail()}")

    def _tail(self) -> str:
        if self.log and self.log.exists():
            return ":\n" + self.log.read_text(errors="replace")[-3000:]
        return ""

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop within 10 s)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def wait(self) -> int:
        """Wait for the server to end (``frontline serve``); Ctrl-C stops it."""
        assert self.proc is not None
        try:
            return self.proc.wait()
        finally:
            self.stop()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
