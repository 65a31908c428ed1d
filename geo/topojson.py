"""Decode the TopoJSON of the npm ``world-atlas`` package into shapely geometries.

A TopoJSON topology stores each border once, as a shared *arc*; countries are lists of arc
indices.  Decoding it ourselves (about forty lines) avoids a dependency and keeps shared borders
bit-identical on both sides, which the topology checks rely on.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shapely.affinity import translate
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid


def _decode_arcs(topology: dict) -> list[np.ndarray]:
    """Return every arc as an (n, 2) array of lon/lat, undoing delta-encoding and quantisation."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        a = np.asarray(arc, dtype=float)
        if transform:
            a = np.cumsum(a, axis=0)
            a = a * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(a)
    return arcs


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for i in indices:
        # A negative index ~i means arc i walked backwards.
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(a if not parts else a[1:])
    return np.concatenate(parts)


def _crosses_antimeridian(ring: np.ndarray) -> bool:
    return bool(np.any(np.abs(np.diff(ring[:, 0])) > 180))


def _unwrap(ring: np.ndarray) -> np.ndarray:
    out = ring.copy()
    out[out[:, 0] < 0, 0] += 360.0
    return out


def _polygon(arcs: list[np.ndarray], rings: list[list[int]]) -> list[Polygon]:
    """One polygon, or two where a ring crosses the antimeridian (Russia's Chukotka).

    Such a ring jumps from +180 to -180 inside itself, which makes it invalid and lets a repair
    fill half the globe; so it is unwrapped to 0..360 and cut back at 180 degrees.
    """
    shell, *holes = (_ring(arcs, r) for r in rings)
    if not _crosses_antimeridian(shell):
        return [Polygon(shell, holes)]
    whole = make_valid(Polygon(_unwrap(shell), [_unwrap(h) for h in holes]))  # Antarctica circles the pole
    east = whole.intersection(box(0, -90, 180, 90))
    west = translate(whole.intersection(box(180, -90, 540, 90)), xoff=-360)
    return [g for part in (east, west) for g in getattr(part, "geoms", [part]) if isinstance(g, Polygon) and not g.is_empty]


def _geometry(arcs: list[np.ndarray], g: dict) -> BaseGeometry | None:
    kind = g.get("type")
    if kind == "Polygon":
        return make_valid(MultiPolygon(_polygon(arcs, g["arcs"])))
    if kind == "MultiPolygon":
        return make_valid(MultiPolygon([x for p in g["arcs"] for x in _polygon(arcs, p)]))
    if kind == "LineString":
        return LineString(_ring(arcs, g["arcs"]))
    if kind == "MultiLineString":
        return MultiLineString([_ring(arcs, x) for x in g["arcs"]])
    return None


def read_topojson(path: Path, obj: str) -> list[tuple[str | None, dict, BaseGeometry]]:
    """The geometries (polygons or lines) of one object of a TopoJSON file as (id, properties, geometry)."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    o = topology["objects"][obj]
    out = []
    for g in o["geometries"] if o.get("type") == "GeometryCollection" else [o]:
        geom = _geometry(arcs, g)
        if geom is not None and not geom.is_empty:
            out.append((g.get("id"), g.get("properties") or {}, geom))
    return out


def read_countries(path: Path, obj: str = "countries") -> list[tuple[str | None, str, BaseGeometry]]:
    """Read one geometry collection of a TopoJSON file as (iso numeric id, name, geometry)."""
    return [(gid, props.get("name", ""), geom) for gid, props, geom in read_topojson(path, obj) if geom.geom_type.endswith("Polygon")]
