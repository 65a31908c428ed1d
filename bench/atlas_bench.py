"""The geo API: `territories_at` cold and warm, `locate`, `changes` and `validate`, on one atlas.

cold = the first query of a map step in a freshly loaded atlas (the snapshot is cut then);
warm = the same query again (served from the atlas's cache). The atlas is data/build when it exists,
else the synthetic atlas of the real one's size (bench/synthetic.py).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from pathlib import Path

import geo
import geo.atlas
from geo.atlas import Atlas
from geo.validate import validate

DAYS = [dt.date(1939, 8, 23), dt.date(1939, 9, 28), dt.date(1940, 8, 3), dt.date(1941, 6, 22), dt.date(1942, 11, 18), dt.date(1945, 5, 9)]


def _ms(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t) * 1000


def run(build: Path, data: Path, with_validate: bool = True) -> dict:
    """Time the geo API on the atlas of `build` (and `validate` on `data`); figures in ms."""
    out: dict = {}
    t = time.perf_counter()
    atlas = Atlas(build / "territories.geojson")
    out["load_ms"] = round((time.perf_counter() - t) * 1000, 1)
    out["features"] = len(atlas.frame)
    out["change_dates"] = len(atlas.boundaries) - 2
    original = geo.atlas.get_atlas
    geo.atlas.get_atlas = lambda: atlas  # the public functions read the process-wide atlas
    try:
        cold = [_ms(geo.territories_at, d) for d in DAYS]
        warm = [_ms(geo.territories_at, d) for d in DAYS for _ in range(5)]
        out["territories_at_cold_ms"] = round(statistics.median(cold), 2)
        out["territories_at_warm_ms"] = round(statistics.median(warm), 2)
        rng = random.Random(1)
        points = [(rng.uniform(42, 62), rng.uniform(10, 40), rng.choice(DAYS)) for _ in range(300)]
        first = [_ms(geo.locate, lat, lon, d) for lat, lon, d in points[:6]]
        rest = [_ms(geo.locate, lat, lon, d) for lat, lon, d in points]
        out["locate_first_ms"] = round(max(first), 2)
        out["locate_ms"] = round(statistics.median(rest), 3)
        out["changes_ms"] = round(statistics.median([_ms(geo.changes, a, b) for a, b in zip(DAYS, DAYS[1:])]), 1)
    finally:
        geo.atlas.get_atlas = original
    if with_validate:
        t = time.perf_counter()
        problems = validate(data, check_build=False)
        out["validate_s"] = round(time.perf_counter() - t, 2)
        out["validate_errors"] = sum(p.level == "error" for p in problems)
    return out
