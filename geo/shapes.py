"""Shape expressions: modern countries and our digitised regions combined with set operators.

Grammar (see data/README.md):  expr := term (('|' | '-') term)* ;  term := factor ('&' factor)* ;
factor := '(' expr ')' | ISO3 | region-id | '@'unit-id | 'rest(' ISO3 ')'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from .countries import ALPHA3
from .model import AtlasData, Region
from .topojson import read_countries

BASE_FILE = Path(__file__).resolve().parent.parent / "data" / "base" / "countries-50m.json"
GRID = 1e-5  # degrees (about 1 m): every composed shape is snapped to it, so shared edges agree

_TOKEN = re.compile(r"\s*(rest\(\s*[A-Z]{3}\s*\)|\(|\)|&|\||-(?=\s)|@[a-z0-9][a-z0-9-]*|[A-Z]{3}\b|[a-z0-9][a-z0-9-]*)")


class ShapeError(ValueError):
    """An expression that does not parse or names something unknown."""


@dataclass(frozen=True)
class Node:
    op: str  # 'country' | 'region' | 'unit' | 'rest' | '&' | '|' | '-'
    value: str = ""
    left: Node | None = None
    right: Node | None = None

    def names(self, kind: str) -> set[str]:
        """All operand names of one kind in the expression."""
        if self.op == kind:
            return {self.value}
        out: set[str] = set()
        for child in (self.left, self.right):
            if child:
                out |= child.names(kind)
        return out


def tokenize(expr: str) -> list[str]:
    """Split an expression into tokens, or raise ShapeError naming the first bad character."""
    pos, out = 0, []
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ShapeError(f"cannot read {expr[pos : pos + 20]!r} in {expr!r}")
        out.append(m.group(1))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    return out


@lru_cache(maxsize=4096)
def parse(expr: str) -> Node:
    """Parse a shape expression into a tree."""
    tokens = tokenize(expr)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ShapeError(f"unexpected end of {expr!r}")
        pos += 1
        return tokens[pos - 1]

    def factor() -> Node:
        t = take()
        if t == "(":
            n = parse_expr()
            if take() != ")":
                raise ShapeError(f"missing ')' in {expr!r}")
            return n
        if t.startswith("rest("):
            return Node("rest", t[5:-1].strip())
        if t.startswith("@"):
            return Node("unit", t[1:])
        if re.fullmatch(r"[A-Z]{3}", t):
            return Node("country", t)
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", t):
            return Node("region", t)
        raise ShapeError(f"unexpected {t!r} in {expr!r}")

    def term() -> Node:
        n = factor()
        while peek() == "&":
            take()
            n = Node("&", left=n, right=factor())
        return n

    def parse_expr() -> Node:
        n = term()
        while peek() in ("|", "-"):
            op = take()
            n = Node(op, left=n, right=term())
        return n

    tree = parse_expr()
    if pos != len(tokens):
        raise ShapeError(f"unexpected {tokens[pos]!r} in {expr!r}")
    return tree


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal part of a geometry (set operations may leave lines and points)."""
    if geom.is_empty:
        return Polygon()
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    return unary_union(parts) if parts else Polygon()


def clean(geom: BaseGeometry) -> BaseGeometry:
    """Snap to the grid, repair and keep the polygons: every composed shape goes through here."""
    g = shapely.make_valid(geom) if not geom.is_valid else geom
    g = shapely.set_precision(polygonal(g), GRID)
    return polygonal(g)


@lru_cache(maxsize=4)
def base_countries(path: str = str(BASE_FILE)) -> dict[str, BaseGeometry]:
    """Natural Earth countries keyed by ISO alpha-3 (only those geo/countries.py lists)."""
    by_key: dict[str, BaseGeometry] = {}
    for num, name, geom in read_countries(Path(path)):
        by_key.setdefault(num or name, geom)
        by_key.setdefault(name, geom)
    out = {}
    for a3, key in ALPHA3.items():
        if key in by_key:
            out[a3] = clean(by_key[key])
    return out


def region_geometry(region: Region) -> BaseGeometry:
    """The polygon(s) of a digitised region, repaired if a ring crosses itself."""
    polys = [Polygon(r) for r in region.rings]
    return clean(unary_union([shapely.make_valid(p) for p in polys]))


class ShapeResolver:
    """Evaluates expressions against countries, regions and (already resolved) units."""

    def __init__(self, data: AtlasData, countries: dict[str, BaseGeometry] | None = None):
        self.data = data
        self.countries = countries if countries is not None else base_countries()
        self._regions: dict[str, BaseGeometry] = {}
        self.units: dict[str, BaseGeometry] = {}

    def region(self, rid: str) -> BaseGeometry:
        if rid not in self._regions:
            if rid not in self.data.regions:
                raise ShapeError(f"unknown region {rid!r}")
            self._regions[rid] = region_geometry(self.data.regions[rid])
        return self._regions[rid]

    def evaluate(self, node: Node) -> BaseGeometry:
        """The geometry an expression tree stands for."""
        if node.op == "country":
            if node.value not in self.countries:
                raise ShapeError(f"unknown country code {node.value!r} (see geo/countries.py)")
            return self.countries[node.value]
        if node.op == "region":
            return self.region(node.value)
        if node.op == "unit":
            if node.value not in self.units:
                raise ShapeError(f"unit @{node.value} is unknown or not resolved before use")
            return self.units[node.value]
        if node.op == "rest":
            raise ShapeError("rest(…) may only stand alone as a unit's whole shape")
        a, b = self.evaluate(node.left), self.evaluate(node.right)
        if node.op == "&":
            return clean(a.intersection(b))
        if node.op == "|":
            return clean(a.union(b))
        return clean(a.difference(b))

    def shape(self, expr: str) -> BaseGeometry:
        """Evaluate an expression string."""
        return self.evaluate(parse(expr))
