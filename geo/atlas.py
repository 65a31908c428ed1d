"""The built atlas at run time: the map of any day, who held a point, what changed between days.

Reads data/build/territories.geojson once; every query after that is a lookup in memory.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from .build import TERRITORIES_FILE
from .dates import parse_date

EQUAL_AREA = "EPSG:8857"  # Equal Earth: areas in m² anywhere on the globe
COLUMNS = [
    "territory_id",
    "name",
    "name_local",
    "name_modern",
    "name_de",
    "name_th",
    "controller",
    "sovereign",
    "status",
    "valid_from",
    "valid_to",
    "regime",
    "sources",
    "quotes",
    "notes",
]
SNAP_DEGREES = 0.15  # a point this close to land (about 10–15 km) counts as on it: coasts are 1:50m


class AtlasError(RuntimeError):
    """The built atlas is missing or unreadable."""


def _check_coord(lat: float, lon: float) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValueError(f"not a coordinate: {lat!r}, {lon!r}") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"not a coordinate: {lat!r}, {lon!r}")
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat} is outside -90..90")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon} is outside -180..180")
    return lat, lon


class Atlas:
    """The dated features of the atlas, indexed by interval."""

    def __init__(self, path: Path = TERRITORIES_FILE):
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
            feats = doc["features"]
        except (OSError, ValueError, KeyError) as e:
            raise AtlasError(f"cannot read the built atlas {path}: {e}; run `python -m geo build`") from None
        rows = [f["properties"] for f in feats]
        geoms = [shape(f["geometry"]) for f in feats]
        df = pd.DataFrame(rows, columns=COLUMNS)
        self.frame = gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4326")
        self._from = np.array([dt.date.fromisoformat(x) for x in df["valid_from"]])
        self._to = np.array([dt.date.fromisoformat(x) for x in df["valid_to"]])
        self.boundaries = sorted(set(self._from) | set(self._to))
        self._snapshots: dict[int, gpd.GeoDataFrame] = {}
        self._trees: dict[int, tuple[STRtree, np.ndarray]] = {}

    def interval(self, day: dt.date) -> int:
        """Index of the interval [boundaries[i], boundaries[i+1]) that contains the day."""
        return bisect.bisect_right(self.boundaries, day) - 1

    def interval_bounds(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The first day of the day's interval and the first day after it."""
        i = self.interval(day)
        return self.boundaries[i], self.boundaries[i + 1]

    def _rows(self, i: int) -> np.ndarray:
        start = self.boundaries[i]
        return np.nonzero((self._from <= start) & (self._to > start))[0]

    def snapshot(self, day: dt.date) -> gpd.GeoDataFrame:
        """All features valid on the day (a shared, cached frame: do not modify it)."""
        i = self.interval(day)
        snap = self._snapshots.get(i)
        if snap is None:
            snap = self.frame.iloc[self._rows(i)]  # index = feature id in territories.geojson
            self._snapshots[i] = snap
        return snap

    def locate(self, lat: float, lon: float, day: dt.date) -> dict | None:
        """The feature that held the point on the day, or None at sea."""
        lat, lon = _check_coord(lat, lon)
        i = self.interval(day)
        if i not in self._trees:
            rows = self._rows(i)
            self._trees[i] = (STRtree(self.frame.geometry.values[rows]), rows)
        tree, rows = self._trees[i]
        pt = Point(lon, lat)
        hits = tree.query(pt, predicate="intersects")
        snapped = None
        if len(hits) == 0:
            near, dist = tree.query_nearest(pt, max_distance=SNAP_DEGREES, return_distance=True)
            if len(near) == 0:
                return None
            hits = near[:1]
            snapped = round(float(dist[0]) * 111.2 * max(math.cos(math.radians(lat)), 0.2), 1)
        row = self.frame.iloc[rows[hits[0]]]
        out = {k: (None if isinstance(row[k], float) and math.isnan(row[k]) else row[k]) for k in COLUMNS}
        out["lat"], out["lon"], out["date"] = lat, lon, day.isoformat()
        if snapped is not None:
            out["snapped_km"] = snapped
        return out


@lru_cache(maxsize=1)
def get_atlas() -> Atlas:
    """The atlas loaded from data/build (once per process)."""
    return Atlas()


def territories_at(date: dt.date | str) -> gpd.GeoDataFrame:
    """Every territory feature valid on the date, in EPSG:4326 (a fresh frame the caller may change)."""
    return get_atlas().snapshot(parse_date(date)).reset_index(drop=True)


def locate(lat: float, lon: float, date: dt.date | str) -> dict | None:
    """Who controlled the point on the date: the feature's properties, or None at sea."""
    return get_atlas().locate(lat, lon, parse_date(date))


def changes(date_from: dt.date | str, date_to: dt.date | str) -> list[dict]:
    """Pieces of land whose controller differs between two dates, with areas in km².

    Features present on both days are unchanged by construction, so only the rest is overlaid.
    """
    atlas = get_atlas()
    a, b = parse_date(date_from), parse_date(date_to)
    sa, sb = atlas.snapshot(a), atlas.snapshot(b)
    only_a = sa[~sa.index.isin(sb.index)]  # a feature valid on both days is the same land
    only_b = sb[~sb.index.isin(sa.index)]
    if only_a.empty or only_b.empty:
        return []
    left = only_a[["territory_id", "name", "controller", "status", "geometry"]]
    right = only_b[["territory_id", "name", "controller", "status", "geometry"]]
    tree = STRtree(right.geometry.values)
    li, ri = tree.query(left.geometry.values, predicate="intersects")
    groups: dict[tuple, dict] = {}
    geoms: dict[tuple, list] = {}
    for x, y in zip(li, ri):
        ra, rb = left.iloc[x], right.iloc[y]
        if ra["controller"] == rb["controller"]:
            continue
        inter = shapely.intersection(ra.geometry, rb.geometry)
        if inter.is_empty or inter.area == 0:
            continue
        k = (ra["controller"], rb["controller"])
        g = groups.setdefault(k, {"from": k[0], "to": k[1], "from_status": set(), "to_status": set(), "territories": set()})
        g["from_status"].add(ra["status"])
        g["to_status"].add(rb["status"])
        g["territories"].add(rb["name"])
        geoms.setdefault(k, []).append(inter)
    out = []
    for k, g in groups.items():
        area = area_km2(geoms[k])
        if area < 1:
            continue
        union = shapely.union_all(geoms[k])
        c = union.representative_point()
        out.append(
            {
                "from": g["from"],
                "to": g["to"],
                "from_status": sorted(g["from_status"]),
                "to_status": sorted(g["to_status"]),
                "area_km2": round(float(area)),
                "territories": sorted(g["territories"]),
                "point": [round(c.y, 3), round(c.x, 3)],
            }
        )
    out.sort(key=lambda x: -x["area_km2"])
    return out


def area_km2(geoms) -> float:
    """Total area of lon/lat geometries in km², on the Equal Earth projection."""
    return float(gpd.GeoSeries(list(geoms), crs="EPSG:4326").to_crs(EQUAL_AREA).area.sum() / 1e6)
