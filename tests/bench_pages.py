"""What a visit costs the visitor: bytes transferred on a first and a repeat visit, and
Lighthouse's performance score on its mobile and desktop presets.

    python tests/bench_pages.py [--url URL] [--lighthouse PATH]

Without --url it starts `panel serve app` as the README runs it, and beside it the floor
(tests/support/floor: the same page and scripts around one line of text), scored too: what
the floor loses, BokehJS's and Panel's own loading, no demo drawn with them can win back.
Give the address of the Docker container (http://127.0.0.1:5006/app) to measure that
instead. Lighthouse comes from npm (`npm install lighthouse` in any folder; pass its
node_modules/.bin/lighthouse, or have it on PATH) and drives Debian's Chromium, offline.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from itertools import product
from pathlib import Path

from playwright.sync_api import sync_playwright
from support.serving import CHROMIUM, CHROMIUM_FLAGS, Page, Server

RUNS = 3
FLOOR = "tests/support/floor"  # served beside the app, at /floor
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "speed-index", "cumulative-layout-shift")  # fmt: skip


def transfers(url: str) -> tuple[dict[str, tuple[int, str]], int]:
    """Bytes on the wire for each response of a first visit, and the total of a repeat one."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context()
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        responses, sizes = {}, {}
        cdp.on("Network.responseReceived", lambda e: responses.__setitem__(e["requestId"], e))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e))
        Page(tab).open(url)
        tab.wait_for_timeout(2000)
        first = {}
        for request, finished in sizes.items():
            response = responses.get(request, {}).get("response", {})
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            first[response.get("url", "?")] = (
                finished["encodedDataLength"],
                headers.get("content-encoding", "-"),
            )
        sizes.clear()
        tab.reload()
        Page(tab).wait_for("conv")
        tab.wait_for_timeout(2000)
        repeat = sum(finished["encodedDataLength"] for finished in sizes.values())
        browser.close()
    return first, repeat


def lighthouse(binary: str, url: str, preset: str) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_FLAGS])
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [binary, url, "--only-categories=performance", f"--chrome-flags={flags}",
                   "--output=json", f"--output-path={report}", "--quiet"]  # fmt: skip
        if preset == "desktop":
            command.append("--preset=desktop")
        subprocess.run(
            command, check=True, timeout=600, env={**os.environ, "CHROME_PATH": CHROMIUM}
        )
        return json.loads(report.read_text())


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--url", help="a served demo's address (default: start one)")
    options.add_argument("--lighthouse", default=shutil.which("lighthouse"))
    args = options.parse_args()
    server = None if args.url else Server(beside=(FLOOR,))
    url = (args.url or server.url) + "?seed=1"
    pages = [("", url)] + ([(" floor", server.url.replace("/app", "/floor"))] if server else [])
    try:
        first, repeat = transfers(url)
        total = sum(size for size, _ in first.values())
        print(f"first visit: {total / 1e6:.2f} MB in {len(first)} responses (target 1 MB)")
        for address, (size, encoding) in sorted(first.items(), key=lambda item: -item[1][0])[:6]:
            print(f"  {size / 1e3:7.1f} KB  {encoding:5}  {address.split('?')[0][-70:]}")
        print(f"repeat visit: {repeat / 1e3:.0f} KB (target 100 KB)")
        if not args.lighthouse:
            print("Lighthouse: not found (npm install lighthouse; --lighthouse PATH)")
            return
        for (preset, target), (page, address) in product((("mobile", 80), ("desktop", 95)), pages):
            # Lighthouse's simulated throttling varies from run to run: the median of three.
            reports = [lighthouse(args.lighthouse, address, preset) for _ in range(RUNS)]
            scores = sorted(round(r["categories"]["performance"]["score"] * 100) for r in reports)
            report = next(
                r
                for r in reports
                if round(r["categories"]["performance"]["score"] * 100) == scores[RUNS // 2]
            )
            shown = ", ".join(
                f"{name.replace('-', ' ')} {report['audits'][name]['displayValue']}"
                for name in METRICS
            ).replace("\xa0", " ")
            print(f"Lighthouse {preset}{page}: performance {scores[RUNS // 2]} of {scores} "
                  f"(target {target}); the median run: {shown}")  # fmt: skip
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
