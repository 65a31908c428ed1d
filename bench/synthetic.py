"""A synthetic atlas of the real data's size, for benchmarks and tests before the real data exists.

The real atlas (data/territories, data/fronts) is being written by hand; until it is complete the
layers and the app must still be measured against something of its scale: ~60 countries cut into
a few hundred units with wavy hand-drawn-looking edges, ~200 change dates between 1923 and 1945,
and an eastern front that moves every few weeks from 1941 to 1945. The data is made by a seeded
generator in the project's own schema and composed by the real `geo.build`, so the output has the
exact form of data/build/territories.geojson. It says nothing about history.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
import tempfile
from pathlib import Path

import yaml
from shapely.geometry import box

from geo.build import build
from geo.loading import DATA_DIR

# The country a modern state belonged to in 1923 (for the synthetic "sovereign" start).
START_POLITY = {
    "RUS": "ussr", "UKR": "ussr", "BLR": "ussr", "GEO": "ussr", "ARM": "ussr", "AZE": "ussr", "KAZ": "ussr",
    "UZB": "ussr", "TKM": "ussr", "KGZ": "ussr", "TJK": "ussr", "EST": "estonia", "LVA": "latvia",
    "LTU": "lithuania", "POL": "poland", "DEU": "germany", "CZE": "czechoslovakia", "SVK": "czechoslovakia",
    "AUT": "austria", "HUN": "hungary", "ROU": "romania", "MDA": "romania", "BGR": "bulgaria",
    "SVN": "yugoslavia", "HRV": "yugoslavia", "BIH": "yugoslavia", "SRB": "yugoslavia", "XKX": "yugoslavia",
    "MNE": "yugoslavia", "MKD": "yugoslavia", "ALB": "albania", "GRC": "greece", "ITA": "italy",
    "SMR": "san-marino", "VAT": "vatican", "MLT": "united-kingdom", "FRA": "france", "MCO": "monaco",
    "AND": "andorra", "ESP": "spain", "PRT": "portugal", "BEL": "belgium", "NLD": "netherlands",
    "LUX": "luxembourg", "CHE": "switzerland", "LIE": "liechtenstein", "GBR": "united-kingdom",
    "IMN": "united-kingdom", "JEY": "united-kingdom", "GGY": "united-kingdom", "IRL": "ireland",
    "ISL": "iceland", "FRO": "denmark", "DNK": "denmark", "NOR": "norway", "SWE": "sweden", "FIN": "finland",
    "ALA": "finland", "TUR": "turkey", "MNG": "mongolia", "PRK": "japan", "KOR": "japan",
}  # fmt: skip
# How many strips a country is cut into (the rest get 1–3).
SPLITS = {"RUS": 40, "UKR": 10, "KAZ": 8, "POL": 8, "DEU": 8, "FRA": 6, "ROU": 6, "BLR": 5, "ESP": 4,
          "ITA": 5, "TUR": 5, "NOR": 4, "SWE": 4, "FIN": 4, "MNG": 4, "CZE": 4, "HUN": 3, "SRB": 3,
          "HRV": 3, "GRC": 3, "BGR": 3, "LTU": 3, "LVA": 2, "EST": 2, "SVK": 3, "AUT": 3, "GBR": 3}  # fmt: skip
TAKERS = ["germany", "ussr", "italy", "hungary", "romania", "bulgaria", "finland", "slovakia", "croatia", "japan", "vichy-france"]
TAKE_STATUS = ["annexed", "occupied", "occupied", "protectorate", "client", "leased"]


def _wavy(x0: float, y0: float, x1: float, y1: float, n: int, amp: float, rng: random.Random) -> list[list[float]]:
    """A line from (x0, y0) to (x1, y1) with n wiggles, like a hand-digitised border."""
    pts = []
    phase = rng.random() * 6.28
    for i in range(n + 1):
        t = i / n
        off = amp * (math.sin(t * 23 + phase) * 0.6 + math.sin(t * 71 + phase * 2) * 0.3 + (rng.random() - 0.5) * 0.2)
        pts.append([round(x0 + (x1 - x0) * t + off, 4), round(y0 + (y1 - y0) * t, 4)])
    return pts


def _strip(lon_a: float, lon_b: float, rng: random.Random) -> list[list[float]]:
    """A north–south strip between two wavy meridians, from 30°N to 82°N."""
    west = _wavy(lon_a, 30, lon_a, 82, 120, 0.15, random.Random(round(lon_a * 1000)))
    east = _wavy(lon_b, 30, lon_b, 82, 120, 0.15, random.Random(round(lon_b * 1000)))
    return west + east[::-1]


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    """n distinct change dates, most of them in 1938–1945."""
    out: set[dt.date] = set()
    while len(out) < n:
        if rng.random() < 0.8:
            d = dt.date(1938, 1, 1) + dt.timedelta(days=rng.randrange(0, 8 * 365))
        else:
            d = dt.date(1923, 2, 1) + dt.timedelta(days=rng.randrange(0, 15 * 365))
        out.add(min(d, dt.date(1945, 12, 1)))
    return sorted(out)


def make_data(out: Path, seed: int = 1939, n_dates: int = 150) -> Path:
    """Write a synthetic data/ directory of the real atlas's size into `out`; return it."""
    from geo.shapes import base_countries

    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for sub in ("territories", "regions", "fronts", "sources"):
        (out / sub).mkdir(parents=True)
    shutil.copy(DATA_DIR / "polities.yaml", out / "polities.yaml")
    (out / "sources" / "s.yaml").write_text(yaml.safe_dump({"sources": [{"id": "synthetic", "kind": "work", "title": "Synthetic"}]}))
    countries = base_countries()
    isos = [i for i in START_POLITY if i in countries]
    (out / "coverage.yaml").write_text(yaml.safe_dump({"coverage": isos}))
    regions, units = [], []
    for iso in isos:
        k = SPLITS.get(iso, rng.choice([1, 1, 2, 3]))
        x0, _, x1, _ = countries[iso].intersection(box(-12, 34, 180, 82)).bounds  # Europe, not overseas parts
        if iso in ("RUS",):
            x0, x1 = 27.0, 180.0
        if x1 - x0 < 0.2:
            k = 1
        cuts = [x0 + (x1 - x0) * (i + 1) / k for i in range(k - 1)]
        edges = [x0 - 1, *cuts, x1 + 1]
        for i in range(k):
            uid = f"{iso.lower()}-{i}"
            if i < k - 1:
                rid = f"strip-{iso.lower()}-{i}"
                regions.append(
                    {"id": rid, "name": rid, "sources": ["synthetic"], "precision_km": 10, "polygon": _strip(edges[i], edges[i + 1], rng)}
                )
                shape = f"{iso} & {rid}"
            else:
                shape = f"rest({iso})"
            units.append(
                {
                    "id": uid,
                    "name": f"{iso} part {i + 1}",
                    "names": {
                        "local": f"{iso} {i + 1}",
                        "modern": f"part of {iso}",
                        "de": f"{iso} Teil {i + 1}",
                        "th": f"{iso} ส่วน {i + 1}",
                    },
                    "shape": shape,
                    "start": START_POLITY[iso],
                }
            )
    dates = _dates(rng, n_dates)
    for u in units:
        home = u.pop("start")
        # Each unit changes hands 0–3 times at shared change dates; the last change is the post-war state.
        picks = sorted(rng.sample(dates, rng.choice([0, 0, 1, 1, 2, 3])))
        bounds = [dt.date(1923, 1, 1), *picks, dt.date(1946, 1, 1)]
        tl = []
        for j, (a, b) in enumerate(zip(bounds, bounds[1:])):
            if j == 0 or rng.random() < 0.3:
                ctrl, status, sov = home, "sovereign", None
            else:
                ctrl, status, sov = rng.choice(TAKERS), rng.choice(TAKE_STATUS), home
                if ctrl == home:
                    status, sov = "sovereign", None
            tl.append(
                {
                    "from": a.isoformat(),
                    "to": b.isoformat(),
                    "controller": ctrl,
                    "status": status,
                    "sources": ["synthetic"],
                    "notes": f"Synthetic period {j + 1}.",
                }
                | ({"sovereign": sov} if sov else {})
            )
        u["timeline"] = tl
        u["liberated"] = {"controller": home, "status": "sovereign"}
    (out / "territories" / "t.yaml").write_text(yaml.safe_dump({"territories": units}, allow_unicode=True, sort_keys=False))
    # The eastern front: a wavy line that moves east to 1942 and back west to 1945, every ~5 weeks.
    regions.append(
        {
            "id": "synth-east",
            "name": "east",
            "sources": ["synthetic"],
            "precision_km": 50,
            "polygon": [[14, 40], [60, 40], [60, 72], [14, 72]],
        }
    )
    regions.append(
        {
            "id": "synth-north",
            "name": "north",
            "sources": ["synthetic"],
            "precision_km": 50,
            "polygon": [[14, 62], [60, 62], [60, 72], [14, 72]],
        }
    )
    fronts = []
    day, end = dt.date(1941, 6, 22), dt.date(1945, 5, 8)
    while day < end:
        nxt = min(day + dt.timedelta(days=rng.randrange(28, 45)), end)
        t = (day - dt.date(1941, 6, 22)).days / (end - dt.date(1941, 6, 22)).days
        lon = 24 + 16 * math.sin(math.pi * min(t * 1.6, 1.0)) - 10 * max(0.0, t - 0.62) / 0.38
        rid = f"axis-{day.isoformat()}"
        line = _wavy(lon, 40, lon, 72, 300, 1.2, random.Random(day.toordinal()))
        regions.append({"id": rid, "name": rid, "sources": ["synthetic"], "precision_km": 20, "polygon": [[10, 40], *line, [10, 72]]})
        fronts.append(
            {
                "id": f"east-{day.isoformat()}",
                "date": day.isoformat(),
                "valid_from": day.isoformat(),
                "valid_to": nxt.isoformat(),
                "axis_held": rid,
                "sources": ["synthetic"],
            }
        )
        day = nxt
    theatre = {
        "id": "east",
        "name": "East",
        "region": "synth-east",
        "occupier_zones": [{"region": "synth-north", "occupier": "finland"}],
        "fronts": fronts,
    }
    (out / "fronts" / "f.yaml").write_text(yaml.safe_dump({"theatres": [theatre]}, sort_keys=False))
    (out / "regions" / "r.yaml").write_text(yaml.safe_dump({"regions": regions}, sort_keys=False))
    return out


SYNTHETIC_DIR = Path(tempfile.gettempdir()) / "atlas-synthetic"


def synthetic_build(work: Path = SYNTHETIC_DIR, seed: int = 1939) -> Path:
    """Make the synthetic data and build it (cached: rebuilt only if missing); the territories.geojson path."""
    target = work / "build" / "territories.geojson"
    if target.exists():
        return target
    data = make_data(work / "data", seed)
    problems = build(data, work / "build")
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise RuntimeError("synthetic build failed: " + "; ".join(map(str, errors[:5])))
    return target


if __name__ == "__main__":
    import time

    t0 = time.perf_counter()
    path = synthetic_build()
    print(path, f"{path.stat().st_size / 1e6:.1f} MB", f"{time.perf_counter() - t0:.1f} s")
