"""The build: compose units, timelines, fronts and overlays into dated features.

For every interval between two consecutive change dates the map is the same, so the build
computes one snapshot per interval and then merges a feature that stays the same across
consecutive intervals into one feature with a longer validity. The result is the list of dated
features written to data/build/territories.geojson.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union
from shapely.prepared import prep

from .loading import Problem
from .model import ATLAS_END, ATLAS_START, AtlasData, Period, Rule, SourceRef, Theatre, Unit
from .shapes import ShapeError, ShapeResolver, clean, parse, polygonal


@dataclass
class Piece:
    geom: BaseGeometry
    controller: str
    status: str
    sovereign: str | None
    regime: str  # timeline | overlay | front-occupied | front-liberated
    period: Period
    extra_sources: tuple[SourceRef, ...] = ()
    extra_notes: tuple[str, ...] = ()


@dataclass
class Feature:
    """One dated feature of the built atlas."""

    unit: Unit
    piece: Piece
    valid_from: dt.date
    valid_to: dt.date
    sources: list[SourceRef] = field(default_factory=list)

    def properties(self) -> dict:
        """GeoJSON properties in the documented schema."""
        u, p = self.unit, self.piece
        refs: list[SourceRef] = []
        for s in [*p.period.sources, *p.extra_sources, *self.sources]:
            if s not in refs:
                refs.append(s)
        notes = " ".join(x for x in (p.period.notes, *p.extra_notes) if x)
        return {
            "territory_id": u.id,
            "name": u.name,
            "name_local": u.names.get("local"),
            "name_modern": u.names.get("modern"),
            "name_de": u.names.get("de"),
            "name_th": u.names.get("th"),
            "controller": p.controller,
            "sovereign": p.sovereign if p.sovereign != p.controller else None,
            "status": p.status,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "regime": p.regime,
            "sources": sorted({s.id for s in refs}),
            "quotes": [s.to_dict() for s in refs if s.quote or s.note],
            "notes": notes,
        }


def resolve_units(data: AtlasData, resolver: ShapeResolver, problems: list[Problem]) -> dict[str, BaseGeometry]:
    """Evaluate every unit's shape, units referenced with @ first and rest(…) units last."""
    trees, rests = {}, {}
    for u in data.units.values():
        try:
            tree = parse(u.shape)
        except ShapeError as e:
            problems.append(Problem(u.file, u.id, "shape", str(e)))
            continue
        if tree.op == "rest":
            if tree.value in rests.values():
                problems.append(Problem(u.file, u.id, "shape", f"a second rest({tree.value}); at most one per country"))
            rests[u.id] = tree.value
        elif tree.names("rest"):
            problems.append(Problem(u.file, u.id, "shape", "rest(…) may only stand alone as the whole shape"))
        else:
            trees[u.id] = tree
    done: dict[str, BaseGeometry] = resolver.units
    visiting: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done or uid not in trees:
            return
        if uid in visiting:
            raise ShapeError(f"units refer to each other in a cycle through @{uid}")
        visiting.add(uid)
        for dep in trees[uid].names("unit"):
            if dep in rests:
                raise ShapeError(f"@{dep} is a rest(…) unit and cannot be referred to")
            if dep not in trees:
                raise ShapeError(f"@{dep} is not a unit")
            visit(dep)
        done[uid] = resolver.evaluate(trees[uid])
        visiting.discard(uid)

    for uid in trees:
        try:
            visit(uid)
        except ShapeError as e:
            u = data.units[uid]
            problems.append(Problem(u.file, u.id, "shape", str(e)))
            visiting.clear()
    for uid, a3 in rests.items():
        country = resolver.countries.get(a3)
        u = data.units[uid]
        if country is None:
            problems.append(Problem(u.file, uid, "shape", f"unknown country code {a3!r}"))
            continue
        pc = prep(country)
        claimed = [g for k, g in done.items() if k not in rests and pc.intersects(g)]
        done[uid] = clean(country.difference(unary_union(claimed))) if claimed else country
    for uid, g in done.items():
        if g.is_empty:
            u = data.units[uid]
            problems.append(Problem(u.file, uid, "shape", f"the shape {u.shape!r} is empty"))
    return done


def change_dates(data: AtlasData) -> list[dt.date]:
    """Every date on which anything can change, within the atlas range, sorted."""
    days = {ATLAS_START, ATLAS_END}
    for u in data.units.values():
        for p in u.timeline:
            days |= {p.valid_from, p.valid_to}
    for t in data.theatres:
        for f in t.fronts:
            days |= {f.valid_from, f.valid_to}
    for o in data.overlays:
        days |= {o.valid_from, o.valid_to}
    for pol in data.polities.values():
        for a, b in pol.axis:
            days |= {a, b}
    return sorted(d for d in days if ATLAS_START <= d <= ATLAS_END)


SLIVER_DEG2 = 1e-6  # about 0.01 km²: a split part smaller than this is noise from shared edges


def _repair(geom: BaseGeometry) -> BaseGeometry:
    """Polygons only, repaired if invalid, not snapped."""
    return polygonal(geom if geom.is_valid else shapely.make_valid(geom))


class _Split:
    """A polygon prepared for fast inside/outside splitting of pieces."""

    def __init__(self, geom: BaseGeometry):
        self.geom = geom
        self.prepared = prep(geom)

    def split(self, g: BaseGeometry) -> tuple[BaseGeometry | None, BaseGeometry | None]:
        """(part inside, part outside); None for an empty part. Whole pieces keep their object."""
        if self.geom.is_empty or not self.prepared.intersects(g):
            return None, g
        if self.prepared.contains(g):
            return g, None
        # No snapping here: both parts must share the cut exactly, and snapping each part on its
        # own shifts a 1,000 km front line by a metre — a square kilometre of overlap.
        inside = _repair(g.intersection(self.geom))
        if inside.area < SLIVER_DEG2:  # merely touching: keep the very object, so features merge
            return None, g
        outside = _repair(g.difference(self.geom))
        if outside.area < SLIVER_DEG2:
            return g, None
        return inside, outside


class Composer:
    """Computes the pieces of every unit on every interval."""

    def __init__(self, data: AtlasData, resolver: ShapeResolver | None = None):
        self.data = data
        self.resolver = resolver or ShapeResolver(data)
        self.problems: list[Problem] = []
        self.unit_geoms = resolve_units(data, self.resolver, self.problems)
        self._splits: dict[str, _Split] = {}
        self._cache: dict[tuple, list[Piece]] = {}
        self.theatre_geoms: dict[str, BaseGeometry] = {}
        for t in data.theatres:
            try:
                self.theatre_geoms[t.id] = self.resolver.shape(t.region)
            except ShapeError as e:
                self.problems.append(Problem(t.file, t.id, "region", str(e)))

    def _split_for(self, key: str, build) -> _Split | None:
        if key not in self._splits:
            try:
                self._splits[key] = _Split(build())
            except ShapeError as e:
                self.problems.append(Problem("", key, "", str(e)))
                self._splits[key] = _Split(clean(unary_union([])))
        return self._splits[key]

    def _liberation(self, unit: Unit, theatre: Theatre, piece: Piece, day: dt.date) -> Rule | None:
        first, second = (
            (unit.liberated_west, unit.liberated) if theatre.liberation_rule == "liberated_west" else (unit.liberated, unit.liberated_west)
        )
        rule = first or second
        if rule:
            return rule
        sov = self.data.polities.get(piece.sovereign or "")
        if sov and not sov.is_axis(day):
            return Rule(sov.id, "sovereign")
        return None

    def pieces(self, uid: str, day: dt.date) -> list[Piece]:
        """The pieces of one unit on one day (cached per combination of what applies)."""
        unit = self.data.units[uid]
        geom = self.unit_geoms.get(uid)
        period = unit.period_at(day)
        if geom is None or period is None:
            return []
        overlays = [o for o in self.data.overlays if o.valid_from <= day < o.valid_to]
        fronts = [(t, t.front_at(day)) for t in self.data.theatres if t.id in self.theatre_geoms]
        fronts = [(t, f) for t, f in fronts if f]
        axis_now = tuple(sorted(p.id for p in self.data.polities.values() if p.is_axis(day)))
        key = (uid, id(period), tuple(o.id for o in overlays), tuple(f.id for _, f in fronts), axis_now)
        if key in self._cache:
            return self._cache[key]
        pieces = [Piece(geom, period.controller, period.status, period.sovereign, "timeline", period)]
        for o in overlays:
            sp = self._split_for(f"overlay:{o.id}", lambda o=o: self.resolver.shape(o.region))
            out = []
            for p in pieces:
                if p.controller not in o.applies_to:
                    out.append(p)
                    continue
                inside, outside = sp.split(p.geom)
                if inside is not None:
                    out.append(
                        Piece(inside, o.occupier, "occupied", p.controller, "overlay", period, o.sources, (o.notes,) if o.notes else ())
                    )
                if outside is not None:
                    out.append(Piece(outside, p.controller, p.status, p.sovereign, p.regime, period, p.extra_sources, p.extra_notes))
            pieces = out
        for t, f in fronts:
            theatre = self.theatre_geoms[t.id]
            held = self._split_for(
                f"held:{t.id}:{f.id}", lambda t=t, f=f, th=theatre: clean(th.intersection(self.resolver.shape(f.axis_held)))
            )
            free = self._split_for(
                f"free:{t.id}:{f.id}", lambda t=t, f=f, th=theatre: clean(th.difference(self.resolver.shape(f.axis_held)))
            )
            zones = [
                (
                    occ,
                    self._split_for(
                        f"zone:{t.id}:{f.id}:{expr}", lambda expr=expr, h=held: clean(h.geom.intersection(self.resolver.shape(expr)))
                    ),
                )
                for expr, occ in t.occupier_zones
            ]
            out = []
            for p in pieces:
                pol = self.data.polities.get(p.controller)
                if p.controller in t.defenders and not (pol and pol.is_axis(day)):
                    inside, outside = held.split(p.geom)
                    if outside is not None:
                        out.append(Piece(outside, p.controller, p.status, p.sovereign, p.regime, period, p.extra_sources, p.extra_notes))
                    rest = inside
                    for occ, zsp in zones:
                        if rest is None:
                            break
                        zin, rest = zsp.split(rest)
                        if zin is not None:
                            out.append(
                                Piece(
                                    zin,
                                    occ,
                                    "occupied",
                                    p.controller,
                                    "front-occupied",
                                    period,
                                    f.sources,
                                    (f"Held by {occ} at the front of {f.date.isoformat()}.",),
                                )
                            )
                    if rest is not None:
                        out.append(
                            Piece(
                                rest,
                                "germany",
                                "occupied",
                                p.controller,
                                "front-occupied",
                                period,
                                f.sources,
                                (f"Held by Germany at the front of {f.date.isoformat()}.",),
                            )
                        )
                elif pol and pol.is_axis(day):
                    inside, outside = free.split(p.geom)
                    if inside is not None:
                        rule = self._liberation(unit, t, p, day)
                        if rule is None:
                            self.problems.append(
                                Problem(
                                    unit.file,
                                    uid,
                                    "liberated",
                                    f"land passed by the front of {f.date} has no liberated rule and no non-Axis sovereign",
                                    "warning",
                                )
                            )
                            out.append(p)
                            continue
                        sov = rule.sovereign or (p.sovereign if p.sovereign not in (None, rule.controller) else None)
                        if sov is None and rule.status == "occupied" and p.controller != rule.controller:
                            sov = p.controller
                        note = f"Behind the Allied front of {f.date.isoformat()}." + (f" {rule.notes}" if rule.notes else "")
                        out.append(
                            Piece(inside, rule.controller, rule.status, sov, "front-liberated", period, f.sources + rule.sources, (note,))
                        )
                    if outside is not None:
                        out.append(Piece(outside, p.controller, p.status, p.sovereign, p.regime, period, p.extra_sources, p.extra_notes))
                else:
                    out.append(p)
            pieces = out
        self._cache[key] = pieces
        return pieces


def _piece_key(uid: str, p: Piece) -> tuple:
    return (uid, p.controller, p.status, p.sovereign, p.regime, id(p.period), p.geom.wkb)


def compose(data: AtlasData, composer: Composer | None = None) -> tuple[list[Feature], list[Problem]]:
    """All dated features of the atlas, merged across intervals, with problems found."""
    comp = composer or Composer(data)
    days = change_dates(data)
    features: list[Feature] = []
    open_: dict[tuple, Feature] = {}
    for start, end in zip(days, days[1:]):
        now: dict[tuple, Feature] = {}
        for uid in data.units:
            for p in comp.pieces(uid, start):
                k = _piece_key(uid, p)
                if k in open_:
                    feat = open_[k]
                    feat.valid_to = end
                    for s in p.extra_sources:
                        if s not in feat.sources:
                            feat.sources.append(s)
                else:
                    feat = Feature(data.units[uid], p, start, end)
                    features.append(feat)
                now[k] = feat
        open_ = now
    features.sort(key=lambda f: (f.valid_from, f.unit.id, f.piece.controller))
    return features, list(dict.fromkeys(comp.problems))  # one report per problem, in order
