"""Read the human-edited files of data/ into the model, collecting every error with its place.

Nothing here raises on bad data: each problem becomes a `Problem` naming the file, the feature
and the field, so `python -m geo validate` can list them all at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from .dates import DateError, parse_date
from .model import (
    STATUSES,
    AtlasData,
    Front,
    Overlay,
    Period,
    Polity,
    Region,
    Rule,
    Source,
    SourceRef,
    Theatre,
    Unit,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# libyaml's C parser is ~30x faster on the large region files; the pure-Python one is the fallback.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One error (or warning) found in the data, with where it is."""

    file: str
    feature: str
    field: str
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = ":".join(x for x in (self.file, self.feature, self.field) if x)
        return f"{self.level}: {where}: {self.message}"


class Reader:
    """Collects problems while reading; one per data directory."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.problems: list[Problem] = []

    def problem(self, file: str, feature: str, fld: str, message: str, level: str = "error") -> None:
        """Record a problem."""
        self.problems.append(Problem(file, feature, fld, message, level))

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.data_dir.parent))
        except ValueError:
            return str(path)

    def load_yaml(self, path: Path, key: str) -> list:
        """The list under `key` in a YAML file, or [] with a problem recorded."""
        rel = self.rel(path)
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark else ""
            self.problem(rel, "", "", f"not valid YAML: {line}{getattr(e, 'problem', e)}")
            return []
        except (OSError, UnicodeDecodeError) as e:
            self.problem(rel, "", "", f"cannot read: {e}")
            return []
        if doc is None:
            return []
        if not isinstance(doc, dict) or not isinstance(doc.get(key, []), list):
            self.problem(rel, "", key, f"the file must be a mapping with a list under '{key}'")
            return []
        items = doc.get(key) or []
        good = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                self.problem(rel, f"#{i + 1}", "", "each entry must be a mapping")
            else:
                good.append(item)
        return good

    def date(self, value, rel: str, feat: str, fld: str, allow_end: bool = False) -> dt.date | None:
        if value is None:
            self.problem(rel, feat, fld, "missing date")
            return None
        try:
            return parse_date(value, allow_end=allow_end)
        except DateError as e:
            self.problem(rel, feat, fld, str(e))
            return None

    def sources(self, value, rel: str, feat: str, fld: str = "sources") -> tuple[SourceRef, ...]:
        if not value:
            self.problem(rel, feat, fld, "at least one source is required")
            return ()
        if not isinstance(value, list):
            value = [value]
        refs = []
        for item in value:
            if isinstance(item, str):
                refs.append(SourceRef(item))
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                refs.append(SourceRef(item["id"], item.get("quote"), item.get("note")))
            else:
                self.problem(rel, feat, fld, f"a source must be an id or {{id, quote, note}}: {item!r}")
        return tuple(refs)


def _str(d: dict, key: str) -> str | None:
    v = d.get(key)
    return v.strip() if isinstance(v, str) and v.strip() else None


def _load_polities(r: Reader) -> dict[str, Polity]:
    path = r.data_dir / "polities.yaml"
    rel = r.rel(path)
    out: dict[str, Polity] = {}
    for item in r.load_yaml(path, "polities"):
        pid = _str(item, "id")
        if not pid:
            r.problem(rel, "?", "id", "missing id")
            continue
        if pid in out:
            r.problem(rel, pid, "id", "duplicate polity id")
        axis = []
        for span in item.get("axis") or []:
            if not (isinstance(span, list) and len(span) == 2):
                r.problem(rel, pid, "axis", "each axis period is [from, to]")
                continue
            a = r.date(span[0], rel, pid, "axis", allow_end=True)
            b = r.date(span[1], rel, pid, "axis", allow_end=True)
            if a and b:
                axis.append((a, b))
        colour = _str(item, "colour") or "#cccccc"
        out[pid] = Polity(pid, _str(item, "name") or pid, dict(item.get("names") or {}), colour, tuple(axis))
    return out


def _load_sources(r: Reader) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for path in sorted((r.data_dir / "sources").glob("*.yaml")):
        rel = r.rel(path)
        for item in r.load_yaml(path, "sources"):
            sid = _str(item, "id")
            if not sid:
                r.problem(rel, "?", "id", "missing id")
                continue
            if sid in out:
                r.problem(rel, sid, "id", "duplicate source id (ids are unique across data/sources/)")
            if not (_str(item, "title") or _str(item, "citation")):
                r.problem(rel, sid, "title", "a source needs a title or a citation")
            out[sid] = Source(sid, _str(item, "kind") or "work", _str(item, "title") or "", item)
    return out


def _rings(value, r: Reader, rel: str, rid: str, fld: str) -> list[tuple[tuple[float, float], ...]]:
    def ring(pts) -> tuple[tuple[float, float], ...] | None:
        if not isinstance(pts, list) or len(pts) < 3:
            r.problem(rel, rid, fld, "a ring needs at least three [lon, lat] points")
            return None
        out = []
        for p in pts:
            ok = isinstance(p, list) and len(p) == 2 and all(isinstance(x, (int, float)) for x in p)
            if not ok or not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90):
                r.problem(rel, rid, fld, f"not a [lon, lat] point: {p!r}")
                return None
            out.append((float(p[0]), float(p[1])))
        return tuple(out)

    rings = [ring(x) for x in value] if fld == "polygons" else [ring(value)]
    return [x for x in rings if x]


def _load_regions(r: Reader) -> dict[str, Region]:
    out: dict[str, Region] = {}
    for path in sorted((r.data_dir / "regions").glob("*.yaml")):
        rel = r.rel(path)
        for item in r.load_yaml(path, "regions"):
            rid = _str(item, "id")
            if not rid:
                r.problem(rel, "?", "id", "missing id")
                continue
            if rid in out:
                r.problem(rel, rid, "id", f"duplicate region id (also in {out[rid].file})")
            if "polygon" in item:
                rings = _rings(item["polygon"], r, rel, rid, "polygon")
            elif "polygons" in item and isinstance(item["polygons"], list):
                rings = _rings(item["polygons"], r, rel, rid, "polygons")
            else:
                r.problem(rel, rid, "polygon", "a region needs `polygon` or `polygons`")
                rings = []
            prec = item.get("precision_km")
            if not isinstance(prec, (int, float)):
                r.problem(rel, rid, "precision_km", "state the precision in km (a number)")
                prec = float("nan")
            out[rid] = Region(
                rid,
                _str(item, "name") or rid,
                tuple(rings),
                r.sources(item.get("sources"), rel, rid),
                float(prec),
                rel,
                _str(item, "description") or "",
                _str(item, "method") or "",
            )
    return out


def _rule(value, r: Reader, rel: str, uid: str, fld: str) -> Rule | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not _str(value, "controller"):
        r.problem(rel, uid, fld, "needs at least {controller, status}")
        return None
    status = _str(value, "status") or "sovereign"
    if status not in STATUSES:
        r.problem(rel, uid, f"{fld}.status", f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    srcs = r.sources(value["sources"], rel, uid, f"{fld}.sources") if value.get("sources") else ()
    return Rule(value["controller"].strip(), status, _str(value, "sovereign"), srcs, _str(value, "notes") or "")


def _load_units(r: Reader) -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    for path in sorted((r.data_dir / "territories").glob("*.yaml")):
        rel = r.rel(path)
        for item in r.load_yaml(path, "territories"):
            uid = _str(item, "id")
            if not uid:
                r.problem(rel, "?", "id", "missing id")
                continue
            if uid in out:
                r.problem(rel, uid, "id", f"duplicate territory id (also in {out[uid].file})")
            shape = _str(item, "shape")
            if not shape:
                r.problem(rel, uid, "shape", "missing shape expression")
            timeline = []
            raw_tl = item.get("timeline")
            if not isinstance(raw_tl, list) or not raw_tl:
                r.problem(rel, uid, "timeline", "a unit needs a timeline (a list of periods)")
                raw_tl = []
            for i, p in enumerate(raw_tl):
                fld = f"timeline[{i}]"
                if not isinstance(p, dict):
                    r.problem(rel, uid, fld, "each period must be a mapping")
                    continue
                a = r.date(p.get("from"), rel, uid, f"{fld}.from", allow_end=False)
                b = r.date(p.get("to"), rel, uid, f"{fld}.to", allow_end=True)
                ctrl = _str(p, "controller")
                if not ctrl:
                    r.problem(rel, uid, f"{fld}.controller", "missing controller")
                status = _str(p, "status")
                if status not in STATUSES:
                    r.problem(rel, uid, f"{fld}.status", f"unknown status {status!r}; one of {', '.join(STATUSES)}")
                srcs = r.sources(p.get("sources"), rel, uid, f"{fld}.sources")
                if a and b and ctrl and status in STATUSES:
                    if a >= b:
                        r.problem(rel, uid, fld, f"from {a} is not before to {b}")
                    sov = _str(p, "sovereign")
                    timeline.append(Period(a, b, ctrl, status, None if sov == ctrl else sov, srcs, _str(p, "notes") or ""))
            names = item.get("names") or {}
            if not isinstance(names, dict):
                r.problem(rel, uid, "names", "names must be a mapping such as {local: …, de: …}")
                names = {}
            out[uid] = Unit(
                uid,
                _str(item, "name") or uid,
                {k: str(v) for k, v in names.items()},
                shape or "",
                timeline,
                rel,
                _rule(item.get("liberated"), r, rel, uid, "liberated"),
                _rule(item.get("liberated_west"), r, rel, uid, "liberated_west"),
            )
    return out


def _load_fronts(r: Reader) -> tuple[list[Theatre], list[Overlay]]:
    theatres: list[Theatre] = []
    overlays: list[Overlay] = []
    for path in sorted((r.data_dir / "fronts").glob("*.yaml")):
        rel = r.rel(path)
        for item in r.load_yaml(path, "theatres"):
            tid = _str(item, "id") or "?"
            if not _str(item, "region"):
                r.problem(rel, tid, "region", "a theatre needs a region (shape expression)")
            fronts = []
            for i, f in enumerate(item.get("fronts") or []):
                fid = _str(f, "id") if isinstance(f, dict) else None
                if not fid:
                    r.problem(rel, tid, f"fronts[{i}]", "each front needs an id")
                    continue
                a = r.date(f.get("valid_from"), rel, fid, "valid_from")
                b = r.date(f.get("valid_to"), rel, fid, "valid_to", allow_end=True)
                d = r.date(f.get("date", f.get("valid_from")), rel, fid, "date")
                held = _str(f, "axis_held")
                if not held:
                    r.problem(rel, fid, "axis_held", "missing axis_held (region id or expression)")
                srcs = r.sources(f.get("sources"), rel, fid)
                if a and b and d and held:
                    if a >= b:
                        r.problem(rel, fid, "valid_to", f"valid_from {a} is not before valid_to {b}")
                    fronts.append(Front(fid, d, a, b, held, srcs))
            fronts.sort(key=lambda f: f.valid_from)
            for x, y in zip(fronts, fronts[1:]):
                if y.valid_from < x.valid_to:
                    r.problem(rel, y.id, "valid_from", f"overlaps the previous front {x.id}")
            zones = []
            for z in item.get("occupier_zones") or []:
                if isinstance(z, dict) and _str(z, "region") and _str(z, "occupier"):
                    zones.append((z["region"].strip(), z["occupier"].strip()))
                else:
                    r.problem(rel, tid, "occupier_zones", f"each zone is {{region, occupier}}: {z!r}")
            defenders = item.get("defenders")
            theatres.append(
                Theatre(
                    tid,
                    _str(item, "name") or tid,
                    _str(item, "region") or "",
                    fronts,
                    rel,
                    zones,
                    tuple(defenders) if isinstance(defenders, list) else ("ussr",),
                    _str(item, "liberation_rule") or ("liberated_west" if tid.startswith("west") else "liberated"),
                )
            )
        for item in r.load_yaml(path, "overlays"):
            oid = _str(item, "id") or "?"
            a = r.date(item.get("valid_from"), rel, oid, "valid_from")
            b = r.date(item.get("valid_to"), rel, oid, "valid_to", allow_end=True)
            region, occ = _str(item, "region"), _str(item, "occupier")
            applies = item.get("applies_to")
            if not region or not occ or not isinstance(applies, list) or not applies:
                r.problem(rel, oid, "", "an overlay needs region, occupier and applies_to (a list)")
                continue
            srcs = r.sources(item.get("sources"), rel, oid)
            if a and b:
                overlays.append(Overlay(oid, a, b, region, occ, tuple(applies), srcs, rel, _str(item, "notes") or ""))
    return theatres, overlays


def load_data(data_dir: Path | None = None) -> tuple[AtlasData, list[Problem]]:
    """Read every source file of data/ into an AtlasData, with the problems found on the way."""
    r = Reader(Path(data_dir) if data_dir else DATA_DIR)
    polities = _load_polities(r)
    sources = _load_sources(r)
    regions = _load_regions(r)
    units = _load_units(r)
    theatres, overlays = _load_fronts(r)
    cov_path = r.data_dir / "coverage.yaml"
    coverage = []
    try:
        doc = yaml.safe_load(cov_path.read_text(encoding="utf-8")) or {}
        coverage = [str(x) for x in doc.get("coverage") or []]
    except (OSError, yaml.YAMLError, AttributeError) as e:
        r.problem(r.rel(cov_path), "", "coverage", f"cannot read the coverage list: {e}")
    data = AtlasData(polities, sources, regions, units, theatres, overlays, coverage)
    return data, r.problems
