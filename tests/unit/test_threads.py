"""A served process asks NumPy's OpenBLAS for one thread (app/page/threads.py)."""

import os
import subprocess
import sys

# In a process of its own, which starts with two threads: the setting holds for a whole
# process. The count is read from OpenBLAS itself.
SCRIPT = """
import ctypes, numpy
from app.page.threads import one_blas_thread
(path,) = {line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower()}
count = ctypes.CDLL(path).scipy_openblas_get_num_threads64_
before = count()
asked = one_blas_thread()
print(before, asked, count())
"""


def test_a_served_process_asks_numpys_openblas_for_one_thread():
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "2"},
    )  # fmt: skip
    assert ran.stdout.split() == ["2", "1", "1"]
