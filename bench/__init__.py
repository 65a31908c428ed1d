"""Benchmarks: `python -m bench` (see bench/__main__.py); helpers shared with tests/browser."""
