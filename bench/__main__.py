"""`python -m bench`: every benchmark — the geo API and the app in headless Chromium.

Prints a table and writes bench/results/latest.json. The atlas is data/build when it has been built,
else a synthetic atlas of the real one's size (bench/synthetic.py; `--synthetic` forces it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from geo.build import BUILD_DIR
from geo.loading import DATA_DIR

from . import app_bench, atlas_bench
from .synthetic import synthetic_build

RESULTS = Path(__file__).resolve().parent / "results"


def _table(results: dict) -> str:
    rows = [("geo", k, v) for k, v in results["atlas"].items()]
    rows += [("app", k, v) for k, v in results["app"].items() if not isinstance(v, (dict, list))]
    rows += [("baseline", k, v) for k, v in results.get("baseline", {}).items()]
    width = max(len(r[1]) for r in rows)
    lines = [f"{'part':9} {'figure':{width}}  value", "-" * (width + 24)]
    for part, k, v in rows:
        target = app_bench.TARGETS.get(k) if part == "app" else None
        mark = "" if target is None else (f"  ok (target ≤ {target:g})" if v <= target else f"  MISSED (target ≤ {target:g})")
        lines.append(f"{part:9} {k:{width}}  {v}{mark}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; exit 0 (figures that miss a target are reported, not failed)."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--synthetic", action="store_true", help="use the synthetic atlas even if data/build exists")
    p.add_argument("--steps", type=int, default=24, help="slider steps to time (default 24)")
    p.add_argument("--no-app", action="store_true", help="skip the browser benchmarks")
    p.add_argument("--no-validate", action="store_true", help="skip timing `validate`")
    args = p.parse_args(argv)

    if not args.synthetic and (BUILD_DIR / "territories.geojson").exists():
        build, data, which = BUILD_DIR, DATA_DIR, "data/build"
    else:
        build = synthetic_build().parent
        data, which = build.parent / "data", "synthetic (bench/synthetic.py)"
    print(f"atlas: {which}", file=sys.stderr)
    results: dict = {
        "atlas_used": which,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_before": [round(x, 2) for x in os.getloadavg()]},
    }
    results["atlas"] = atlas_bench.run(build, data, with_validate=not args.no_validate)
    if not args.no_app:
        results["app"] = app_bench.run(build, data, steps=args.steps)
        try:
            results["baseline"] = app_bench.baseline()
        except Exception as e:  # the baseline only explains the figures; its failure must not lose them
            results["baseline"] = {"error": str(e).splitlines()[0]}
    else:
        results["app"] = {}
    results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1) + "\n")
    print(_table(results))
    print(f"load average before/after: {results['machine']['load_before']} / {results['machine']['load_after']} (2 cores)")
    print(f"wrote {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
