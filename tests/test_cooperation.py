"""The Soviet–German layers' data: secret sites, diplomacy events, lines (issue 4)."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from geo import cooperation
from geo.loading import load_data

ROOT = Path(__file__).resolve().parent.parent
# Where each site was, to about 10 km (town centres), from the reference notes.
SITES = {
    "lipetsk": (52.61, 39.59, "air"),
    "kama": (55.79, 49.12, "armour"),
    "tomka": (52.12, 47.20, "chemical"),
    "podosinki": (55.70, 37.88, "chemical"),
    "fili": (55.75, 37.50, "industry"),
    "bersol": (52.98, 49.72, "chemical"),
    "basis-nord": (69.43, 32.45, "naval"),
}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (map(math.radians, a), map(math.radians, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def test_every_site_is_placed_and_of_its_kind():
    sites = {s["id"]: s for s in cooperation.bases()}
    assert set(sites) == set(SITES)
    for sid, (lat, lon, kind) in SITES.items():
        s = sites[sid]
        assert km((s["lat"], s["lon"]), (lat, lon)) < 15, sid
        assert s["kind"] == kind and s["sources"], sid


def test_no_site_is_active_after_1933_but_basis_nord_in_1939_40():
    for s in cooperation.bases():
        end = dt.date.fromisoformat(s["valid_to"])
        if s["id"] == "basis-nord":
            assert dt.date(1939, 9, 1) <= dt.date.fromisoformat(s["valid_from"]) and end <= dt.date(1940, 12, 31)
        else:
            assert end <= dt.date(1934, 1, 1), s["id"]
    assert {s["id"] for s in cooperation.bases(dt.date(1936, 1, 1))} == set()
    assert {s["id"] for s in cooperation.bases(dt.date(1940, 3, 1))} == {"basis-nord"}
    assert "lipetsk" in {s["id"] for s in cooperation.bases(dt.date(1930, 6, 1))}


def test_seed_errors_are_flagged_not_mapped():
    tomka = next(s for s in cooperation.load().sites if s["id"] == "tomka")
    assert any("Samara" in e["quote"] for e in tomka["seed_errors"])
    assert 51.5 < tomka["lat"] < 52.5  # near Volsk (Saratov region), not Samara (53.2 N)
    warsaw = next(e for e in cooperation.load().events if "warsaw" in e["id"])
    assert str(warsaw["date"]) == "1944-08-01"
    assert any(err["id"] == "seed-001" for err in warsaw["seed_errors"])


def test_events_sorted_placed_and_sourced():
    evs = cooperation.events()
    assert len(evs) >= 30
    assert evs[0]["id"].startswith("rapallo") and evs[0]["date"] == "1922-04-16"
    assert [e["date"] for e in evs] == sorted(e["date"] for e in evs)
    for e in evs:
        assert -90 <= e["lat"] <= 90 and -180 <= e["lon"] <= 180 and e["sources"], e["id"]
    pact = [e for e in cooperation.events(1939) if e["date"] == "1939-08-23"]
    assert pact and km((pact[0]["lat"], pact[0]["lon"]), (55.75, 37.62)) < 5  # signed in the Kremlin


def test_every_source_cited_exists_and_validation_is_clean():
    data, _ = load_data()
    coop = cooperation.CooperationData()
    problems = cooperation.check(coop, set(data.sources), set(data.polities), None)
    assert [str(p) for p in problems] == []


def test_lines_have_geometry_and_dates():
    lines = {ln["id"]: ln for ln in cooperation.load().lines}
    assert {"sphere-line-1939-08-23", "curzon-line-a", "oder-neisse-line-1945"} <= set(lines)
    for ln in lines.values():
        parts = cooperation.line_parts(ln)
        assert parts and all(len(p) >= 2 for p in parts)


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (("bases", "--date", "1930-06-01"), lambda rows: {"lipetsk", "kama", "tomka"} <= {r["id"] for r in rows}),
        (("bases",), lambda rows: all({"id", "name", "lat", "lon", "valid_from", "valid_to", "kind", "sources"} <= set(r) for r in rows)),
        (("events", "--year", "1941"), lambda rows: "1941-06-22" in {r["date"] for r in rows}),
    ],
)
def test_cli_forms(args, check):
    r = subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert check(json.loads(r.stdout))


@pytest.mark.parametrize("args", [("bases", "--date", "1930-13-01"), ("events", "--year", "nineteen"), ("events", "--year", "1950")])
def test_cli_bad_input(args):
    r = subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_annexation_areas_are_positive_and_plausible():
    rows = {r["id"]: r for r in cooperation.annexations()}
    assert len(rows) >= 35
    assert all(r["area_km2"] > 0 and r["population"] > 0 and r["sources"] for r in rows.values())
    # areas from our polygons against the figures in the standard histories (±10%)
    for aid, km2 in {
        "germany-austria-1938": 83_900,
        "ussr-bessarabia-bukovina-1940": 50_800,
        "ussr-estonia-1940": 47_500,
        "ussr-latvia-1940": 65_800,
        "ussr-tuva-1944": 170_500,
    }.items():
        assert abs(rows[aid]["area_km2"] - km2) / km2 < 0.10, (aid, rows[aid]["area_km2"])
    assert [r["date"] for r in cooperation.annexations()] == sorted(r["date"] for r in rows.values())


def test_soviet_total_sits_near_the_seed_figure():
    t = cooperation.soviet_totals()
    print(f"\nSoviet gains in Europe: {t['area_km2']:,} km² ({t['area_sq_mi']:,} sq mi) vs seed 001: 193,000 sq mi")
    assert abs(t["area_sq_mi"] - 193_000) / 193_000 < 0.10, t
    assert "bialystok-region" not in t["territories"] and "tuva" not in t["territories"]


def test_annexations_cli():
    r = subprocess.run([sys.executable, "-m", "geo", "annexations"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert all({"id", "annexer", "from_polity", "date", "area_km2", "population", "sources"} <= set(x) for x in rows)
