"""`python -m geo validate`: schema, references, date sanity, sources and topology.

Topology is checked on every date where anything changes: no two features valid at once may
overlap by more than 1 km², and the features of each day must cover the covered region with no
gap over 1 km². Because a feature that stays valid from one interval to the next is the same
shape, each day only its *new* features need pairing against the rest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.strtree import STRtree

from .atlas import EQUAL_AREA
from .build import MANIFEST_FILE, input_hashes
from .compose import Composer, Feature, compose
from .cooperation import CooperationData
from .cooperation import check as check_cooperation
from .loading import DATA_DIR, Problem, load_data
from .model import ATLAS_END, ATLAS_START, AtlasData, SourceRef
from .shapes import ShapeError

TOLERANCE_KM2 = 1.0


def _check_refs(data: AtlasData) -> list[Problem]:
    out: list[Problem] = []

    def src(refs: tuple[SourceRef, ...], file: str, feat: str, fld: str) -> None:
        for s in refs:
            if s.id not in data.sources:
                out.append(Problem(file, feat, fld, f"unknown source id {s.id!r} (add it to data/sources/)"))

    def pol(pid: str | None, file: str, feat: str, fld: str) -> None:
        if pid and pid not in data.polities:
            out.append(Problem(file, feat, fld, f"unknown polity {pid!r} (see data/polities.yaml)"))

    for r in data.regions.values():
        src(r.sources, r.file, r.id, "sources")
    for u in data.units.values():
        tl = sorted(u.timeline, key=lambda p: p.valid_from)
        if tl and tl[0].valid_from != ATLAS_START:
            out.append(Problem(u.file, u.id, "timeline", f"starts {tl[0].valid_from}, not {ATLAS_START}"))
        if tl and tl[-1].valid_to != ATLAS_END:
            out.append(Problem(u.file, u.id, "timeline", f"ends {tl[-1].valid_to}, not {ATLAS_END} (to is exclusive)"))
        for a, b in zip(tl, tl[1:]):
            if a.valid_to != b.valid_from:
                kind = "gap" if a.valid_to < b.valid_from else "overlap"
                out.append(
                    Problem(u.file, u.id, "timeline", f"{kind} between the period ending {a.valid_to} and the one from {b.valid_from}")
                )
        for i, p in enumerate(u.timeline):
            fld = f"timeline[{i}]"
            pol(p.controller, u.file, u.id, f"{fld}.controller")
            pol(p.sovereign, u.file, u.id, f"{fld}.sovereign")
            src(p.sources, u.file, u.id, f"{fld}.sources")
            if p.controller == "germany" and p.valid_to > dt.date(1945, 6, 5):
                out.append(
                    Problem(u.file, u.id, f"{fld}.controller", "Germany governed nothing after the Berlin Declaration of 1945-06-05")
                )
        for rule, fld in ((u.liberated, "liberated"), (u.liberated_west, "liberated_west")):
            if rule:
                pol(rule.controller, u.file, u.id, f"{fld}.controller")
                pol(rule.sovereign, u.file, u.id, f"{fld}.sovereign")
                src(rule.sources, u.file, u.id, f"{fld}.sources")
    for t in data.theatres:
        for f in t.fronts:
            src(f.sources, t.file, f.id, "sources")
        for _, occ in t.occupier_zones:
            pol(occ, t.file, t.id, "occupier_zones")
        for d in t.defenders:
            pol(d, t.file, t.id, "defenders")
    for o in data.overlays:
        pol(o.occupier, o.file, o.id, "occupier")
        for c in o.applies_to:
            pol(c, o.file, o.id, "applies_to")
        src(o.sources, o.file, o.id, "sources")
    for s in data.sources.values():
        if s.kind == "seed" and not s.raw.get("file"):
            out.append(Problem("data/sources", s.id, "file", "a seed source names its file"))
    return out


def _coverage(data: AtlasData, composer: Composer, problems: list[Problem]):
    parts = []
    for expr in data.coverage:
        try:
            parts.append(composer.resolver.shape(expr))
        except ShapeError as e:
            problems.append(Problem("data/coverage.yaml", expr, "coverage", str(e)))
    return shapely.union_all(parts) if parts else None


_TO_EA = Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)


def _km2(geom) -> float:
    """Area in km² of a lon/lat geometry, on the equal-area projection."""
    if geom.is_empty:
        return 0.0
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_EA.transform(xy[:, 0], xy[:, 1]))).area / 1e6


def _holes(coverage, union, day, gaps_seen: dict, every_day: bool = False) -> None:
    """Record the largest pieces of the covered region outside the union (lon/lat inputs)."""
    holes = shapely.difference(coverage, union)
    for g in sorted(getattr(holes, "geoms", [holes]), key=_km2, reverse=True)[:5]:
        a = _km2(g)
        if a <= TOLERANCE_KM2:
            continue
        c = g.representative_point()
        key = f"{a:.0f} km² of land belong to no territory (near {c.y:.2f}, {c.x:.2f})"
        gaps_seen[key].append("every" if every_day else day)


def check_topology(features: list[Feature], coverage, unit_geoms: dict) -> list[Problem]:
    """Overlaps and gaps over 1 km² on every date where a feature starts.

    Set operations run in lon/lat, where the pieces were cut; only areas are taken on the
    equal-area projection (projected, a thin sliver can cross itself and fake a gap or overlap).
    """
    problems: list[Problem] = []
    if not features:
        return [Problem("data/territories", "", "", "no territory features were composed")]
    lonlat = np.array([f.piece.geom for f in features], dtype=object)
    areas = gpd.GeoSeries(list(lonlat), crs="EPSG:4326").to_crs(EQUAL_AREA).area.values / 1e6
    starts = np.array([f.valid_from for f in features])
    ends = np.array([f.valid_to for f in features])
    overlaps_seen: set[tuple[int, int]] = set()
    gaps_seen: dict[str, list[dt.date]] = defaultdict(list)
    static_gap = 0.0
    if coverage is not None:
        cov_area = _km2(coverage)
        # Land outside the covered region: checked once per unit, since pieces lie within their unit.
        for uid in sorted(unit_geoms):
            g = shapely.difference(unit_geoms[uid], coverage)
            a = _km2(g)
            if a > TOLERANCE_KM2:
                c = g.representative_point()
                problems.append(
                    Problem("data/territories", uid, "shape", f"{a:.0f} km² lie outside the covered region (near {c.y:.2f}, {c.x:.2f})")
                )
        union = shapely.union_all(list(unit_geoms.values()))
        static_gap = cov_area - _km2(union)
        if static_gap > TOLERANCE_KM2:
            _holes(coverage, union, starts.min(), gaps_seen, every_day=True)
    for day in sorted(set(starts)):
        active = np.nonzero((starts <= day) & (ends > day))[0]
        new = [i for i in active if starts[i] == day]
        tree = STRtree(lonlat[active])
        overlap_total = 0.0
        for i in new:
            for j in active[tree.query(lonlat[i], predicate="intersects")]:
                if j == i or (starts[j] == day and j < i):
                    continue
                pair = (min(i, j), max(i, j))
                if pair in overlaps_seen:
                    continue
                # intersect in lon/lat, where the pieces were cut: projected, a thin sliver may
                # cross itself and fake an overlap
                inter = shapely.intersection(lonlat[i], lonlat[j])
                a = _km2(inter)
                if a > TOLERANCE_KM2:
                    overlaps_seen.add(pair)
                    fi, fj = features[i], features[j]
                    c = inter.representative_point()
                    problems.append(
                        Problem(
                            fi.unit.file,
                            fi.unit.id,
                            "shape",
                            f"overlaps {fj.unit.id} ({fj.unit.file}) by {a:.0f} km² on {day} (near {c.y:.2f}, {c.x:.2f})",
                        )
                    )
                    overlap_total += a
        if coverage is not None:
            gap = cov_area - (areas[active].sum() - overlap_total)
            # Pieces partition their units, so a day's gap normally equals the units' gap; only a
            # day whose balance differs needs its own (slow) union.
            if gap > TOLERANCE_KM2 and abs(gap - static_gap) > TOLERANCE_KM2:
                _holes(coverage, shapely.union_all(lonlat[active]), day, gaps_seen)
    for msg, days in gaps_seen.items():
        when = "on every date (the units leave it out)" if "every" in days else f"on {len(days)} date(s) from {days[0]}"
        problems.append(Problem("data/territories", "", "coverage", f"{msg} {when}"))
    return problems


def validate(data_dir: Path = DATA_DIR, check_build: bool = True) -> list[Problem]:
    """Every problem in data/, errors and warnings."""
    data, problems = load_data(data_dir)
    problems += _check_refs(data)
    if any(p.level == "error" for p in problems):
        return problems
    composer = Composer(data)
    features, comp_problems = compose(data, composer)
    problems += comp_problems
    coop = CooperationData(data_dir)
    problems += coop.problems
    problems += check_cooperation(coop, set(data.sources), set(data.polities), set(composer.unit_geoms))
    coverage = _coverage(data, composer, problems)
    problems += check_topology(features, coverage, composer.unit_geoms)
    if check_build:
        manifest = Path(data_dir) / "build" / MANIFEST_FILE.name
        try:
            import json

            built = json.loads(manifest.read_text(encoding="utf-8")).get("inputs")
        except (OSError, ValueError):
            built = None
        if built != input_hashes(Path(data_dir)):
            problems.append(Problem("data/build", "", "", "the built files are out of date: run `python -m geo build`"))
    return problems
