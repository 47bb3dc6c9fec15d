"""The app's command line, as a person runs it."""

import subprocess
import sys


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m app ARGS`, its output captured as text."""
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True)
