"""What the tests and benchmarks share: a real server and browser, independent oracles, and
readers of what a page shows."""
