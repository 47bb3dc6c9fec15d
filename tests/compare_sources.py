"""Are the demo's Bokeh sources, as a page first receives them, the same as at another revision?

    python tests/compare_sources.py REV        # e.g. the commit before a restructuring

Builds the demo for each configuration below, through the public `ConvolutionDemo.from_address`
(what `panel serve app` does for an address), once with the code of REV (checked out into a
temporary folder) and once with the code here, and compares the data of every named
ColumnDataSource column by column: values and dtypes. Exits 1 if any differs. Columns that
only this tree has are listed apart (a change that adds to the browser's contract); any
other difference fails.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CAPS = "height=32&width=32&depth=16&n_filters=16&kernel_height=11&kernel_width=11&padding=5"
CONFIGURATIONS = {
    "default": "seed=0",
    "default at step 5": "seed=3&step=5",
    "caps, stride 1": f"{CAPS}&stride=1&seed=1",
    "caps, stride 2": f"{CAPS}&stride=2&seed=1",
    "groups": "depth=6&n_filters=4&groups=2&seed=2",
    "depthwise": "depth=4&n_filters=4&groups=4&stride=1&seed=2",
    "dilation": "height=7&width=7&dilation=2&padding=2&stride=1&seed=4",
    "rows and columns apart": "separate_axes=true&stride=1&stride_cols=2&padding=0"
    "&padding_cols=2&dilation=1&dilation_cols=2&kernel_width=2&seed=5",
    "decimals, no bias": "values=decimals&bias=false&seed=6&step=4",
    "ones, 1x5 kernel": "values=ones&kernel_height=1&kernel_width=5&padding=0&stride=1",
    "edited cells": "seed=7&edits=x,0,1,1=9;w,0,0,0,0=-3;b,1=2.5",
    "transposed with its twin": "mode=transposed&equivalent=true&stride=2&padding=1"
    "&output_padding=1&seed=8",
    "transposed, grouped decimals": "mode=transposed&depth=4&n_filters=2&groups=2"
    "&values=decimals&kernel_width=2&seed=9",
    "transposed, small cells": "mode=transposed&height=16&width=16&depth=4&n_filters=4"
    "&kernel_height=5&kernel_width=5&stride=2&seed=10",
    "image with ReLU": "mode=image&picture=chelsea&kernel=sobel+y&stride=1&relu=true&seed=0",
    "image, one filter across": "mode=image&picture=rocket&kernel=laplacian"
    "&across_channels=true&stride=1&seed=0",
    "image, random 5x5": "mode=image&picture=astronaut&kernel=random&kernel_height=5"
    "&kernel_width=5&stride=2&padding=2&seed=11",
}

DUMP = """
import pickle, sys
from urllib.parse import parse_qsl
import panel as pn
from bokeh.models import ColumnDataSource
from app import ConvolutionDemo

dumps = {}
for label, query in pickle.loads(sys.stdin.buffer.read()).items():
    args = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        args.setdefault(key, []).append(value.encode())
    root = pn.panel(ConvolutionDemo.from_address(args)).get_root()
    sources = [m for m in root.references() if isinstance(m, ColumnDataSource) and m.name]
    dumps[label] = {m.name: dict(m.data) for m in sources}
sys.stdout.buffer.write(pickle.dumps(dumps))
"""


def dump(root: Path) -> dict[str, dict[str, dict]]:
    """Every configuration's sources, built by the code under `root`."""
    result = subprocess.run(
        [sys.executable, "-c", DUMP],
        input=pickle.dumps(CONFIGURATIONS),
        capture_output=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"building the demo under {root} failed:\n{result.stderr.decode()}")
    return pickle.loads(result.stdout)


def same(before: object, after: object) -> bool:
    """Equal values of equal dtypes: arrays, lists, lists of images."""
    if isinstance(before, list) and before and isinstance(before[0], np.ndarray):
        return (
            isinstance(after, list)
            and len(before) == len(after)
            and all(same(a, b) for a, b in zip(before, after, strict=True))
        )
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        a, b = np.asarray(before), np.asarray(after)
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    return type(before) is type(after) and before == after


def compare(old: dict, new: dict) -> tuple[list[str], list[str]]:
    """What differs, and what only the new tree has."""
    differences, added = [], []
    for label in CONFIGURATIONS:
        before, after = old[label], new[label]
        for name in sorted(before.keys() - after.keys()):
            differences.append(f"{label}: source {name} is gone")
        for name in sorted(after.keys() - before.keys()):
            added.append(f"source {name}")
        for name in sorted(before.keys() & after.keys()):
            for column in sorted(before[name].keys() - after[name].keys()):
                differences.append(f"{label}: {name}.{column} is gone")
            for column in sorted(after[name].keys() - before[name].keys()):
                added.append(f"{name}.{column}")
            for column in sorted(before[name].keys() & after[name].keys()):
                if not same(before[name][column], after[name][column]):
                    differences.append(f"{label}: {name}.{column} differs")
    return differences, added


def main(revision: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        old = dump(Path(folder))
    new = dump(ROOT)
    differences, added = compare(old, new)
    sources = sum(len(sources) for sources in new.values())
    print(f"{len(CONFIGURATIONS)} configurations, {sources} sources, against {revision}")
    for column, count in sorted(Counter(added).items()):
        print(f"  added   {column} (in {count} configurations)")
    for line in differences:
        print(f"  DIFFERS {line}")
    print("identical" if not differences else f"{len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
