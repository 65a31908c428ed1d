"""Start and stop the Streamlit app on a free local port (for the browser tests and the benchmark).

The app binds 127.0.0.1 only and is told its address (browser.serverAddress), so Streamlit does not
look up the machine's external IP on the internet at start-up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run streamlit_app.py` in a subprocess, with the atlas of `build`/`data` (env vars)."""

    def __init__(self, build: Path | None = None, data: Path | None = None, port: int | None = None, script: Path | None = None):
        self.port = port or free_port()
        self.script = script or ROOT / "streamlit_app.py"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        if build:
            self.env["ATLAS_BUILD"] = str(build)
        if data:
            self.env["ATLAS_DATA"] = str(data)
        self.proc: subprocess.Popen | None = None
        self.log = Path(tempfile.gettempdir()) / f"atlas-app-{self.port}.log"

    def start(self, timeout: float = 60.0) -> AppServer:
        """Start the app and wait until it answers its health check."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.serverAddress", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--server.runOnSave", "false",
        ]  # fmt: skip
        self._logf = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self._logf, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the app did not start within {timeout} s; see {self.log}")

    def stop(self) -> None:
        """Stop the app (the process this object started, by its id)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "_logf", None):
            self._logf.close()

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
