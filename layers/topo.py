"""Read one object of a TopoJSON file (polygons and lines) into shapely geometries.

geo/topojson.py reads polygons only; the basemap also needs the rivers, which are lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid


def _arcs(topology: dict) -> list[np.ndarray]:
    t = topology.get("transform")
    out = []
    for arc in topology["arcs"]:
        a = np.asarray(arc, dtype=float)
        if t:  # quantised and delta-encoded
            a = np.cumsum(a, axis=0) * np.asarray(t["scale"]) + np.asarray(t["translate"])
        out.append(a)
    return out


def _line(arcs: list[np.ndarray], idx: list[int]) -> np.ndarray:
    parts = []
    for i in idx:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]  # ~i: arc i walked backwards
        parts.append(a if not parts else a[1:])
    return np.concatenate(parts)


def _geometry(arcs: list[np.ndarray], g: dict) -> BaseGeometry | None:
    kind = g.get("type")
    if kind == "Polygon":
        rings = [_line(arcs, r) for r in g["arcs"]]
        return make_valid(Polygon(rings[0], rings[1:]))
    if kind == "MultiPolygon":
        polys = []
        for p in g["arcs"]:
            rings = [_line(arcs, r) for r in p]
            polys.append(Polygon(rings[0], rings[1:]))
        return make_valid(MultiPolygon(polys))
    if kind == "LineString":
        return LineString(_line(arcs, g["arcs"]))
    if kind == "MultiLineString":
        return MultiLineString([_line(arcs, x) for x in g["arcs"]])
    return None


def read_topojson(path: Path, obj: str) -> list[tuple[str | None, dict, BaseGeometry]]:
    """The geometries of one object of a TopoJSON file as (id, properties, geometry)."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    o = topology["objects"][obj]
    geoms = o["geometries"] if o.get("type") == "GeometryCollection" else [o]
    out = []
    for g in geoms:
        shape = _geometry(arcs, g)
        if shape is not None and not shape.is_empty:
            out.append((g.get("id"), g.get("properties") or {}, shape))
    return out
