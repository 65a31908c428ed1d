"""The Soviet–German layers' data: secret sites, diplomacy events, lines and annexations.

Reads data/sites.yaml, data/events.yaml, data/lines.yaml and data/annexations.yaml (schemas in
data/README.md). Annexation areas are computed from our own unit polygons (data/build/units.geojson)
on an equal-area projection, never typed in.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import shape

from .atlas import area_km2
from .loading import DATA_DIR, Problem, Reader
from .model import ATLAS_START, LAST_DAY

SITE_KINDS = ("air", "armour", "chemical", "industry", "naval")
EVENT_KINDS = ("treaty", "conference", "meeting", "decision", "military", "disclosure")
LINE_KINDS = ("sphere", "border", "armistice", "proposal")


def _iso(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _refs(value) -> list[dict]:
    out = []
    for s in value or []:
        out.append({"id": s} if isinstance(s, str) else {k: v for k, v in s.items() if k in ("id", "quote", "note")})
    return out


def _source_ids(value) -> list[str]:
    return sorted({r["id"] for r in _refs(value) if r.get("id")})


class CooperationData:
    """Sites, claims, events, lines and annexations, with the problems found reading them."""

    def __init__(self, data_dir: Path = DATA_DIR):
        r = Reader(Path(data_dir))
        self.reader = r
        d = Path(data_dir)
        self.sites = r.load_yaml(d / "sites.yaml", "sites") if (d / "sites.yaml").exists() else []
        self.claims = r.load_yaml(d / "sites.yaml", "claims") if (d / "sites.yaml").exists() else []
        self.events = r.load_yaml(d / "events.yaml", "events") if (d / "events.yaml").exists() else []
        self.lines = r.load_yaml(d / "lines.yaml", "lines") if (d / "lines.yaml").exists() else []
        self.annexations = r.load_yaml(d / "annexations.yaml", "annexations") if (d / "annexations.yaml").exists() else []
        self.data_dir = d

    @property
    def problems(self) -> list[Problem]:
        """Problems met while reading."""
        return self.reader.problems


def _point_ok(item: dict) -> bool:
    lat, lon = item.get("lat"), item.get("lon")
    return isinstance(lat, (int, float)) and isinstance(lon, (int, float)) and -90 <= lat <= 90 and -180 <= lon <= 180


def check(data: CooperationData, source_ids: set[str], polity_ids: set[str], unit_ids: set[str] | None) -> list[Problem]:
    """Schema, dates, places and sources of the Soviet–German layers."""
    out: list[Problem] = []

    def p(file: str, feat: str, fld: str, msg: str) -> None:
        out.append(Problem(f"data/{file}", feat, fld, msg))

    def sources(file: str, feat: str, value, required: bool = True) -> None:
        refs = _refs(value)
        if required and not refs:
            p(file, feat, "sources", "at least one source is required")
        for ref in refs:
            if ref.get("id") not in source_ids:
                p(file, feat, "sources", f"unknown source id {ref.get('id')!r}")

    seen: set[str] = set()
    for s in data.sites:
        sid = s.get("id", "?")
        if sid in seen:
            p("sites.yaml", sid, "id", "duplicate id")
        seen.add(sid)
        if s.get("kind") not in SITE_KINDS:
            p("sites.yaml", sid, "kind", f"kind must be one of {', '.join(SITE_KINDS)}")
        if not _point_ok(s):
            p("sites.yaml", sid, "lat", "lat/lon missing or out of range")
        a, b = _iso(s.get("valid_from")), _iso(s.get("valid_to"))
        if not a or not b or a >= b:
            p("sites.yaml", sid, "valid_from", "valid_from and valid_to must be ISO dates, from before to")
        elif a < ATLAS_START or b > LAST_DAY + dt.timedelta(days=1):
            p("sites.yaml", sid, "valid_from", "outside the atlas range (clip it and say the true date in date_note)")
        sources("sites.yaml", sid, s.get("sources"))
        sources("sites.yaml", sid, s.get("seed_errors"), required=False)
    for c in data.claims:
        sources("sites.yaml", c.get("id", "?"), c.get("sources"))
    last = None
    seen = set()
    for e in data.events:
        eid = e.get("id", "?")
        if eid in seen:
            p("events.yaml", eid, "id", "duplicate id")
        seen.add(eid)
        d = _iso(e.get("date"))
        if not d:
            p("events.yaml", eid, "date", "missing or not an ISO date")
            continue
        if d > LAST_DAY:
            p("events.yaml", eid, "date", "after the end of the atlas")
        end = _iso(e.get("date_end")) if e.get("date_end") else d
        if not end or end < d:
            p("events.yaml", eid, "date_end", "date_end must be an ISO date on or after date")
        if last and d < last:
            p("events.yaml", eid, "date", "events must be sorted by date")
        last = d
        if e.get("kind") not in EVENT_KINDS:
            p("events.yaml", eid, "kind", f"kind must be one of {', '.join(EVENT_KINDS)}")
        if not _point_ok(e):
            p("events.yaml", eid, "lat", "lat/lon missing or out of range")
        sources("events.yaml", eid, e.get("sources"))
    for ln in data.lines:
        lid = ln.get("id", "?")
        if ln.get("kind") not in LINE_KINDS:
            p("lines.yaml", lid, "kind", f"kind must be one of {', '.join(LINE_KINDS)}")
        a, b = _iso(ln.get("valid_from")), _iso(ln.get("valid_to"))
        if not a or not b or a >= b:
            p("lines.yaml", lid, "valid_from", "valid_from and valid_to must be ISO dates, from before to")
        if not line_parts(ln):
            p("lines.yaml", lid, "coordinates", "a line needs coordinates (or parts) of at least two [lon, lat] points")
        sources("lines.yaml", lid, ln.get("sources"))
    for ax in data.annexations:
        aid = ax.get("id", "?")
        for fld in ("annexer", "from_polity"):
            if ax.get(fld) not in polity_ids:
                p("annexations.yaml", aid, fld, f"unknown polity {ax.get(fld)!r}")
        if not _iso(ax.get("date")):
            p("annexations.yaml", aid, "date", "missing or not an ISO date")
        terr = ax.get("territories") or []
        if not terr:
            p("annexations.yaml", aid, "territories", "name the territory units it covers")
        if unit_ids is not None:
            for t in terr:
                if t not in unit_ids:
                    p("annexations.yaml", aid, "territories", f"unknown territory unit {t!r}")
        if not isinstance(ax.get("population"), int) or not ax.get("population_source"):
            p("annexations.yaml", aid, "population", "population (a whole number) and population_source are required")
        sources("annexations.yaml", aid, ax.get("sources"))
    return out


def line_parts(line: dict) -> list[list[tuple[float, float]]]:
    """The pieces of a line as lists of (lon, lat)."""
    pieces = [line.get("coordinates")] if line.get("coordinates") else [pt.get("coordinates") for pt in line.get("parts") or []]
    out = []
    for pc in pieces:
        if isinstance(pc, list) and len(pc) >= 2 and all(isinstance(x, list) and len(x) == 2 for x in pc):
            out.append([(float(x[0]), float(x[1])) for x in pc])
    return out


@lru_cache(maxsize=1)
def load() -> CooperationData:
    """The project's cooperation data (once per process)."""
    return CooperationData()


def bases(day: dt.date | None = None) -> list[dict]:
    """The secret sites (active on the day, if given), in the CLI's documented form."""
    out = []
    for s in load().sites:
        a, b = _iso(s["valid_from"]), _iso(s["valid_to"])
        if day and not (a <= day < b):
            continue
        out.append(
            {
                "id": s["id"],
                "name": s["name"],
                "lat": s["lat"],
                "lon": s["lon"],
                "valid_from": a.isoformat(),
                "valid_to": b.isoformat(),
                "kind": s["kind"],
                "sources": _source_ids(s.get("sources")),
            }
        )
    return out


def events(year: int | None = None) -> list[dict]:
    """Diplomacy events (of one year, if given), sorted by date."""
    out = []
    for e in load().events:
        d = _iso(e["date"])
        if year and d.year != year:
            continue
        out.append(
            {
                "id": e["id"],
                "date": d.isoformat(),
                "date_end": _iso(e["date_end"]).isoformat() if e.get("date_end") else None,
                "name": e["name"],
                "lat": e["lat"],
                "lon": e["lon"],
                "place": e.get("place"),
                "sources": _source_ids(e.get("sources")),
            }
        )
    return sorted(out, key=lambda x: x["date"])


@lru_cache(maxsize=1)
def unit_shapes(path: Path | None = None) -> dict:
    """The fixed shape of every territory unit, from data/build/units.geojson."""
    p = path or DATA_DIR / "build" / "units.geojson"
    doc = json.loads(p.read_text(encoding="utf-8"))
    return {f["properties"]["territory_id"]: shape(f["geometry"]) for f in doc["features"]}


def annexations() -> list[dict]:
    """Every annexation with its area computed from our polygons (km², Equal Earth)."""
    shapes = unit_shapes()
    out = []
    for ax in load().annexations:
        geoms = [shapes[t] for t in ax["territories"] if t in shapes]
        geom = shapely.union_all(geoms) if geoms else None
        area = area_km2([geom]) if geom is not None else 0.0
        c = geom.representative_point() if geom is not None else None
        out.append(
            {
                "id": ax["id"],
                "name": ax.get("name"),
                "annexer": ax["annexer"],
                "from_polity": ax["from_polity"],
                "date": _iso(ax["date"]).isoformat(),
                "legal_act": ax.get("legal_act"),
                "territories": ax["territories"],
                "area_km2": round(area),
                "population": ax.get("population"),
                "population_source": ax.get("population_source"),
                "sources": _source_ids(ax.get("sources")),
                "point": [round(c.y, 3), round(c.x, 3)] if c is not None else None,
            }
        )
    return sorted(out, key=lambda x: (x["date"], x["id"]))


SEED_001_SQ_MI = 193_000  # "about 193,000 square miles … about 60 million people" (seed 001)
SEED_001_PEOPLE = 60_000_000
SQ_MI_KM2 = 2.589988


def soviet_totals() -> dict:
    """Soviet gains in Europe 1939–1945, net of what went back, against seed 001's figures.

    Counts the annexations (not the leases) of the USSR in Europe, less the land it handed back
    (Białystok and Przemyśl to Poland in 1945); each unit counted once.
    """
    shapes = unit_shapes()
    gained: set[str] = set()
    returned: set[str] = set()
    people = 0
    for ax in load().annexations:
        if ax.get("europe") is False:
            continue
        if ax["annexer"] == "ussr" and ax.get("kind") == "annexation":
            gained |= set(ax["territories"])
            people += int(ax.get("population") or 0)
        elif ax["from_polity"] == "ussr":
            returned |= set(ax["territories"])
            people -= int(ax.get("population") or 0)
    kept = sorted(gained - returned)
    geom = shapely.union_all([shapes[t] for t in kept if t in shapes])
    area = area_km2([geom])
    return {
        "territories": kept,
        "area_km2": round(area),
        "area_sq_mi": round(area / SQ_MI_KM2),
        "population": people,
        "seed_001_sq_mi": SEED_001_SQ_MI,
        "seed_001_km2": round(SEED_001_SQ_MI * SQ_MI_KM2),
        "seed_001_population": SEED_001_PEOPLE,
        "seed_001_quote": "รัสเซียได้ขยายพรมแดนของตนไปสู่ยุโรปตะวันออกเป็นเนื้อที่โดยประมาณ 193,000 ตารางไมล์ ปกครองประชากรในพื้นที่ยึดครองประมาณ 60 ล้านคน",
        "note": "The seed's 60 million counts the people 'ruled in the occupied areas', more than the annexed lands held.",
    }
