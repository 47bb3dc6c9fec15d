"""HAProxy with the README's own configuration (static/haproxy.cfg), for tests."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from support.serving import ROOT, answers, stop_group

CONFIG = ROOT / "static" / "haproxy.cfg"


class Balancer:
    """HAProxy in the foreground, in its own session, on `port`, in front of `replicas`
    (host:port each); `env` sets what the configuration reads from the environment."""

    def __init__(self, replicas: list[str], port: int, env: dict[str, str] | None = None) -> None:
        if shutil.which("haproxy") is None:
            pytest.fail("haproxy is missing: the test command installs Debian's haproxy")
        self.url = f"http://127.0.0.1:{port}/app"
        settings = {**os.environ, **(env or {}), "FRONTEND": f"127.0.0.1:{port}"}
        settings |= {f"REPLICA_{name}": at for name, at in zip("AB", replicas, strict=True)}
        self.process = subprocess.Popen(
            ["haproxy", "-f", str(CONFIG), "-db"], env=settings, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not answers(self.url, self.process, seconds=30):
            self.stop()
            raise RuntimeError("haproxy did not start")

    def stop(self) -> None:
        stop_group(self.process)
