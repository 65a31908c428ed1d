"""Invariants of the built atlas (data/build) through the public API."""

from __future__ import annotations

import datetime as dt
import functools

import geopandas as gpd
import pytest
import shapely
import yaml

import geo
from geo.atlas import EQUAL_AREA, get_atlas
from geo.loading import DATA_DIR, load_data
from geo.model import STATUSES
from geo.shapes import ShapeResolver

KEY_DATES = [
    "1923-01-01",
    "1935-06-01",
    "1938-10-15",
    "1939-03-20",
    "1939-08-31",
    "1939-09-20",
    "1939-10-30",
    "1940-07-01",
    "1940-09-15",
    "1941-05-01",
    "1941-07-15",
    "1942-11-18",
    "1943-09-15",
    "1944-06-22",
    "1944-10-01",
    "1945-01-12",
    "1945-05-08",
    "1945-08-20",
    "1945-12-31",
]
COLUMNS = {"territory_id", "name", "controller", "sovereign", "status", "valid_from", "valid_to", "sources", "notes", "geometry"}
POLITIES = {p["id"] for p in yaml.safe_load((DATA_DIR / "polities.yaml").read_text(encoding="utf-8"))["polities"]}


@pytest.mark.parametrize("day", KEY_DATES)
def test_snapshot_schema_and_validity(day: str):
    snap = geo.territories_at(day)
    assert isinstance(snap, gpd.GeoDataFrame) and str(snap.crs) == "EPSG:4326"
    assert COLUMNS <= set(snap.columns)
    d = dt.date.fromisoformat(day)
    assert all(dt.date.fromisoformat(a) <= d < dt.date.fromisoformat(b) for a, b in zip(snap["valid_from"], snap["valid_to"]))
    assert set(snap["controller"]) <= POLITIES
    assert set(snap["sovereign"].dropna()) <= POLITIES
    assert set(snap["status"]) <= set(STATUSES)
    assert all(len(s) >= 1 for s in snap["sources"])


@pytest.mark.parametrize("day", KEY_DATES)
def test_no_overlaps_and_no_gaps(day: str):
    snap = geo.territories_at(day)
    proj = snap.to_crs(EQUAL_AREA)
    total = proj.area.sum() / 1e6
    union = shapely.union_all(proj.geometry.values).area / 1e6
    # the sum of areas exceeds the area of the union by the overlaps: at most 1 km² per feature pair
    assert total - union < 5, f"{total - union:.1f} km² of overlap on {day}"
    assert abs(union - _coverage_km2()) < 5, f"{_coverage_km2() - union:.1f} km² of gap on {day}"


@functools.lru_cache(maxsize=1)
def _coverage_km2() -> float:
    """Area of the covered region (data/coverage.yaml) on the equal-area projection."""
    data, _ = load_data()
    resolver = ShapeResolver(data)
    cov = shapely.union_all([resolver.shape(e) for e in data.coverage])
    return float(gpd.GeoSeries([cov], crs="EPSG:4326").to_crs(EQUAL_AREA).area.sum() / 1e6)


def test_whole_range_is_covered_by_intervals():
    atlas = get_atlas()
    assert atlas.boundaries[0] == geo.ATLAS_START and atlas.boundaries[-1] == geo.ATLAS_END
    for day in (geo.ATLAS_START, geo.LAST_DAY):
        assert len(geo.territories_at(day)) > 50


@pytest.mark.parametrize("bad", ["1922-12-31", "1946-01-01", "1941-02-29", "not a date"])
def test_out_of_range_dates_raise_a_clear_error(bad: str):
    with pytest.raises(geo.DateError):
        geo.territories_at(bad)
    with pytest.raises(geo.DateError):
        geo.locate(50.0, 20.0, bad)


def test_locate_at_sea_is_none_and_near_the_coast_snaps():
    assert geo.locate(40.0, -30.0, "1940-01-01") is None  # mid-Atlantic
    hit = geo.locate(68.970, 33.075, "1942-06-01")  # Murmansk on the Kola fjord
    assert hit and hit["controller"] == "ussr"


def test_locate_rejects_bad_coordinates():
    for lat, lon in ((91, 0), (0, 181), ("x", 0)):
        with pytest.raises(ValueError):
            geo.locate(lat, lon, "1940-01-01")


def test_soviet_gain_in_europe_is_near_the_seed_figure():
    """Seed 001: 'about 193,000 square miles' (≈ 500,000 km²) gained 1939–1945, net of 1945 returns."""
    from geo.figures import soviet_gain

    g = soviet_gain(dt.date(1939, 8, 31), dt.date(1945, 10, 1))
    print(f"\nSoviet net gain in Europe 1939-08-31 → 1945-10-01: {g['net_km2']:,} km² ({g['net_sq_mi']:,} sq mi)")
    assert 420_000 < g["net_km2"] < 580_000, g
