"""A real `panel serve app` and Debian's Chromium, for tests and benchmarks alike."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str, process: subprocess.Popen, seconds: float) -> bool:
    """Whether `url` answers within `seconds`, while `process` (which serves it) runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return True
        except OSError:
            if process.poll() is not None:
                return False
            time.sleep(0.3)
    return False


def stop_group(process: subprocess.Popen) -> None:
    """Stops a process started in its own session, and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def address(server: Server, **settings: object) -> str:
    """The server's page with these settings in its query, as a person would type them."""
    return server.url + "?" + "&".join(f"{key}={value}" for key, value in settings.items())


class Server:
    """`python -m panel serve app` in its own session, stopped by process group."""

    def __init__(
        self, *extra: str, env: dict[str, str] | None = None, beside: tuple[str, ...] = ()
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/app"
        self.log = open(ROOT / f".server-{self.port}.log", "w+")
        command = [
            sys.executable,
            "-m",
            "panel",
            "serve",
            "app",
            *beside,  # other apps the same server serves (tests/support/floor)
            "--address",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--allow-websocket-origin",
            f"127.0.0.1:{self.port}",
            *extra,
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        if not answers(self.url, self.process, seconds=60):
            output = self.output()
            self.stop()
            raise RuntimeError(f"panel serve did not start:\n{output}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def errors(self) -> list[str]:
        """Log entries with an error or a traceback."""
        entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:)", self.output())
        return [e for e in entries if "Traceback" in e or " ERROR " in e or "ERROR:" in e]

    def stop(self) -> None:
        stop_group(self.process)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


class Page:
    """A browser page with its console errors collected and Bokeh models at hand."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, url: str, demo: str = "conv") -> Page:
        """Opens `url` and waits until the demo named `demo` shows its first step."""
        self.page.goto(url)
        self.wait_for(demo)
        return self

    def wait_for(self, demo: str) -> None:
        """Waits until the demo shows its first step: its readout written, and the demo itself
        shown (a demo made after the page loaded arrives hidden and is shown a moment later;
        one placed for another window waits unseen for the picture that fits)."""
        # A document still being built may throw on reading a model: not ready yet.
        readout = f"Bokeh.documents[0].get_model_by_name('{demo}_readout')?.text.includes('step')"
        model = f"Bokeh.documents[0].get_model_by_name('{demo}_demo')"
        view = f"Bokeh.index.find_one({model})"
        shown = f"{model}.visible && {view}?.el.style.visibility !== 'hidden'"
        self.page.wait_for_function(
            "() => { try { return window.Bokeh && Bokeh.documents.length > 0"
            f" && {readout} && {shown} }} catch {{ return false }} }}",
            timeout=30_000,
        )

    def open_settings(self) -> Page:
        """Presses Settings, as a person does, and waits for the settings to be made and shown."""
        self.page.get_by_role("button", name="Settings", exact=True).locator(
            "visible=true"
        ).first.click()
        self.page.get_by_role("button", name="New values").wait_for(timeout=30_000)
        return self

    def model(self, name: str, expression: str = "model"):
        """Evaluates `expression` with `model` bound to the page's Bokeh model called `name`."""
        return self.page.evaluate(
            f"() => {{ const model = Bokeh.documents[0].get_model_by_name({name!r}); "
            f"return {expression} }}"
        )

    def moves_from(self, step: int, demo: str = "conv", timeout: float = 10_000) -> None:
        """Waits until the demo shows another step than `step`, as a person watching it move
        sees (it moves a step a second by default); fails after `timeout` ms."""
        slider = f"Bokeh.documents[0].get_model_by_name('{demo}_slider')"
        self.page.wait_for_function(f"() => {slider}.value - 1 !== {step}", timeout=timeout)

    def painted(self) -> None:
        """Waits until the page has painted what it was last told: two animation frames (Bokeh
        paints a change in the next one)."""
        self.page.evaluate(
            "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )

    def step(self, demo: str = "conv") -> int:
        """The engine's index of the step on screen."""
        return self.model(f"{demo}_slider", "model.value") - 1
