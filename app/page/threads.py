"""One BLAS thread for a served process.

NumPy's OpenBLAS (which NumPy's wheels bring) gives every large product a thread a core, and
its threads spin for a while after each one. A server process serves many sessions at once,
and the Docker image runs one process a core, so those threads only take cores from each other
and from whatever else the machine runs: a browser on the same cores repainted later with
them than without (tests/bench_browser.py measures it).

Only OpenBLAS is asked; a NumPy built on another BLAS is left as it is, and so is a system
without /proc/self/maps (the list of what the process has loaded, on Linux).
"""

from __future__ import annotations

import ctypes

# The names OpenBLAS's thread setting goes by: NumPy's own build, then a system library's.
SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def one_blas_thread() -> int:
    """Asks every OpenBLAS loaded in this process to use one thread; how many were asked."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return 0
    asked = 0
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue  # a file no longer there, which the list names "(deleted)"
        setter = next((getattr(library, name) for name in SETTERS if hasattr(library, name)), None)
        if setter is not None:
            setter(1)
            asked += 1
    return asked
