"""Decode the TopoJSON of the npm ``world-atlas`` package into shapely geometries.

A TopoJSON topology stores each border once, as a shared *arc*; countries are lists of arc
indices.  Decoding it ourselves (about forty lines) avoids a dependency and keeps shared borders
bit-identical on both sides, which the topology checks rely on.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from shapely.geometry import MultiPolygon, Polygon
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


def _polygon(arcs: list[np.ndarray], rings: list[list[int]]) -> Polygon:
    shell, *holes = (_ring(arcs, r) for r in rings)
    return Polygon(shell, holes)


def read_countries(path: Path, obj: str = "countries") -> list[tuple[str | None, str, MultiPolygon]]:
    """Read one geometry collection of a TopoJSON file as (iso numeric id, name, geometry)."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    out = []
    for g in topology["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            polys = [_polygon(arcs, g["arcs"])]
        elif g["type"] == "MultiPolygon":
            polys = [_polygon(arcs, p) for p in g["arcs"]]
        else:
            continue
        geom = make_valid(MultiPolygon(polys))
        out.append((g.get("id"), g.get("properties", {}).get("name", ""), geom))
    return out
