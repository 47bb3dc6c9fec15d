"""Time to build a Convolution against PyTorch's conv2d on the same data, in the same run.

    python tests/bench_engine.py        (needs `pip install torch==2.13.0`)

Prints medians of repeated runs and ratios to torch. "build" is `Convolution(...)`: the output
by the same single contraction as conv2d. "+ partials" adds the first read of `conv.partials`,
every channel's dot product kept apart (which conv2d never computes): what the demo needs to
show its first step. Target: build within 3x of conv2d.
"""

import time

import numpy as np

from app.engine import Convolution

CASES = [
    # name, (C, H, W), (K, FH, FW), stride, padding, integers
    ("cs231n default 5x5x3, 2 filters 3x3", (3, 5, 5), (2, 3, 3), 2, 1, True),
    ("64x64x16, 32 filters 5x5", (16, 64, 64), (32, 5, 5), 1, 0, False),
    ("224x224x3, 64 filters 7x7 s2 p3", (3, 224, 224), (64, 7, 7), 2, 3, False),
]


def median_seconds(run, repeats: int) -> float:
    run()  # warm caches and lazy initialisation outside the timing
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    import torch

    torch.set_num_threads(2)
    print(f"numpy {np.__version__}, torch {torch.__version__}, threads {torch.get_num_threads()}")
    header = ("case", "build ms", "+partials", "torch ms", "build/t", "all/t")
    print("{:40} {:>10} {:>10} {:>10} {:>8} {:>8}".format(*header))
    rng = np.random.default_rng(0)
    for name, (C, H, W), (K, FH, FW), stride, padding, integers in CASES:
        if integers:
            x = rng.integers(0, 3, size=(C, H, W))  # (C, H, W)
            w = rng.integers(-1, 2, size=(K, C, FH, FW))  # (K, C, FH, FW)
        else:
            x = rng.normal(size=(C, H, W)).astype(np.float32)  # (C, H, W)
            w = rng.normal(size=(K, C, FH, FW)).astype(np.float32)  # (K, C, FH, FW)
        b = np.ones(K, dtype=x.dtype)  # (K,)
        tx, tw, tb = (torch.from_numpy(a).float() for a in (x[None], w, b))
        repeats = 200 if H < 100 else 20

        def engine(x=x, w=w, b=b, stride=stride, padding=padding):
            return Convolution(x, w, b, stride=stride, padding=padding)

        def reference(tx=tx, tw=tw, tb=tb, stride=stride, padding=padding):
            with torch.no_grad():
                return torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding)

        def engine_with_partials(engine=engine):
            return engine().partials

        build, full = median_seconds(engine, repeats), median_seconds(engine_with_partials, repeats)
        theirs = median_seconds(reference, repeats)
        print(
            f"{name:40} {build * 1e3:10.3f} {full * 1e3:10.3f} {theirs * 1e3:10.3f}"
            f" {build / theirs:8.2f} {full / theirs:8.2f}"
        )


if __name__ == "__main__":
    main()
