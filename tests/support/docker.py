"""A Docker engine and the demo's image, built as an air-gapped site builds it: on a Debian base
made with debootstrap and a local wheelhouse, with no registry and no package index reached.

The base image and the wheels are cached (in Docker and under ~/.cache), so that a second run
builds in seconds what the first took a few minutes for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support.serving import ROOT, answers, free_port

BASE = "convolution-demo-base:bookworm"  # Debian 12 with python3 (3.11), venv and pip
IMAGE = "convolution-demo:test"
CACHE = Path.home() / ".cache" / "convolution-demo"
DEBIAN = "http://deb.debian.org/debian"


def run(*command: str, timeout: float = 600, **options) -> subprocess.CompletedProcess:
    """A command that must succeed; its output is in the error where it does not."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class Engine:
    """The Docker engine: the one running, or dockerd started here (as root) and stopped by
    `stop`. Containers use the host's network: the engine runs with no bridge."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        if self._answers():
            return
        if shutil.which("dockerd") is None or os.geteuid() != 0:
            raise RuntimeError(
                "no Docker engine runs, and none can be started here: install docker.io and "
                "run the tests as root (the test command does both)"
            )
        log = open(CACHE.parent / "dockerd.log", "w") if CACHE.parent.exists() else None
        self.process = subprocess.Popen(
            ["dockerd", "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false",
             "--bridge=none"],
            stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("dockerd did not start")
            time.sleep(1)

    @staticmethod
    def _answers() -> bool:
        if shutil.which("docker") is None:
            return False
        return subprocess.run(["docker", "info"], capture_output=True).returncode == 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def base_image() -> str:
    """Debian 12 with python3 and venv, made once by debootstrap and imported into Docker."""
    if subprocess.run(["docker", "image", "inspect", BASE], capture_output=True).returncode == 0:
        return BASE
    with tempfile.TemporaryDirectory() as rootfs:
        run("debootstrap", "--variant=minbase", "--include=python3,python3-venv,python3-pip",
            "bookworm", rootfs, DEBIAN, timeout=900)  # fmt: skip
        # The temporary directory is the image's "/": made 0700, it would keep the image's
        # own user from every file (runc: "stat /bin/sh: permission denied").
        os.chmod(rootfs, 0o755)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        run("docker", "import", "-", BASE, stdin=tar.stdout)
        tar.wait()
    return BASE


def wheelhouse() -> Path:
    """The project and everything it installs, as wheels for the base's Python (3.11)."""
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    for old in wheels.glob("convolution_demo-*.whl"):
        old.unlink()  # the project's own wheel is made anew from this tree
    # Wheels already in the cache satisfy their requirements: only new ones are fetched.
    run(sys.executable, "-m", "pip", "wheel", "-q", str(ROOT), "-w", str(wheels),
        "--find-links", str(wheels))  # fmt: skip
    return wheels


def build_image() -> str:
    """The demo's image from this tree (tracked and new files, as git sees them), on the base,
    from the wheelhouse."""
    base, wheels = base_image(), wheelhouse()
    files = run("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).stdout.split()
    with tempfile.TemporaryDirectory() as context:
        for name in files:
            source = ROOT / name
            if source.is_file():
                target = Path(context) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        shutil.copytree(wheels, Path(context) / "wheels")
        run("docker", "build", "--network", "host", "--build-arg", f"BASE={base}",
            "-t", IMAGE, context, timeout=900)  # fmt: skip
    return IMAGE


class Container:
    """The image running with the host's network on a free port, removed by `stop`."""

    def __init__(self, image: str, origins: str = "", **environment: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/app"
        env = {"PORT": str(self.port), "ALLOWED_ORIGINS": origins or f"127.0.0.1:{self.port}"}
        env |= environment
        flags = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
        self.id = run("docker", "run", "-d", "--network", "host", *flags, image).stdout.strip()
        probe = subprocess.Popen(["docker", "wait", self.id], stdout=subprocess.DEVNULL)
        try:
            if not answers(self.url, probe, seconds=90):
                raise RuntimeError(f"the container did not serve:\n{self.logs()}")
        finally:
            probe.kill()

    def logs(self) -> str:
        result = subprocess.run(["docker", "logs", self.id], capture_output=True, text=True)
        return result.stdout + result.stderr

    def inspect(self, template: str) -> str:
        return run("docker", "inspect", "-f", template, self.id).stdout.strip()

    def stop(self) -> None:
        subprocess.run(["docker", "rm", "-f", self.id], capture_output=True)
