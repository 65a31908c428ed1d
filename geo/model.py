"""The temporal data model: polities, sources, regions, territory units with timelines, fronts.

Every period is [valid_from, valid_to): from inclusive, to exclusive. The atlas covers
1923-01-01 to 1945-12-31, so the last `valid_to` is 1946-01-01.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ATLAS_START = dt.date(1923, 1, 1)
ATLAS_END = dt.date(1946, 1, 1)  # exclusive
LAST_DAY = ATLAS_END - dt.timedelta(days=1)

STATUSES: dict[str, str] = {
    "sovereign": "governed by the controller in its own right, under no other claim",
    "annexed": "incorporated by the controller, taken from the state that held it before",
    "occupied": "held by the controller's forces or occupation administration, not incorporated",
    "protectorate": "self-governing in form; foreign policy and defence held by the controller",
    "client": "a formally independent state set up or kept by an outside power",
    "leased": "held by the controller under a lease from the sovereign",
    "condominium": "governed jointly by several powers",
}


@dataclass(frozen=True)
class SourceRef:
    """A citation: a source id, optionally with a short quote and a note (e.g. on a seed error)."""

    id: str
    quote: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        """Plain dict for JSON output, without empty fields."""
        d = {"id": self.id}
        if self.quote:
            d["quote"] = self.quote
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Polity:
    id: str
    name: str
    names: dict[str, str]
    colour: str
    axis: tuple[tuple[dt.date, dt.date], ...] = ()

    def is_axis(self, day: dt.date) -> bool:
        """True if the polity fought on the Axis side (or was an Axis client) on this day."""
        return any(a <= day < b for a, b in self.axis)


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    title: str
    raw: dict


@dataclass(frozen=True)
class Region:
    """A polygon we digitised ourselves, with its provenance."""

    id: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    sources: tuple[SourceRef, ...]
    precision_km: float
    file: str
    description: str = ""
    method: str = ""


@dataclass(frozen=True)
class Rule:
    """Who governs land a front has passed over (a unit's `liberated` / `liberated_west`)."""

    controller: str
    status: str
    sovereign: str | None = None
    sources: tuple[SourceRef, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Period:
    valid_from: dt.date
    valid_to: dt.date
    controller: str
    status: str
    sovereign: str | None
    sources: tuple[SourceRef, ...]
    notes: str = ""


@dataclass
class Unit:
    """A territory unit: a fixed shape and the timeline of who governed it."""

    id: str
    name: str
    names: dict[str, str]
    shape: str
    timeline: list[Period]
    file: str
    liberated: Rule | None = None
    liberated_west: Rule | None = None

    def period_at(self, day: dt.date) -> Period | None:
        """The timeline period in force on this day, if any."""
        for p in self.timeline:
            if p.valid_from <= day < p.valid_to:
                return p
        return None


@dataclass(frozen=True)
class Front:
    id: str
    date: dt.date
    valid_from: dt.date
    valid_to: dt.date
    axis_held: str  # shape expression (normally one region id)
    sources: tuple[SourceRef, ...]


@dataclass
class Theatre:
    id: str
    name: str
    region: str  # shape expression
    fronts: list[Front]
    file: str
    occupier_zones: list[tuple[str, str]] = field(default_factory=list)  # (expression, occupier)
    # Land held by the Axis is "occupied" only where its timeline controller is one of these:
    # elsewhere (neutrals, the Axis's own allies) a loosely drawn front changes nothing.
    defenders: tuple[str, ...] = ("ussr",)
    liberation_rule: str = "liberated"  # which unit rule applies: liberated | liberated_west

    def front_at(self, day: dt.date) -> Front | None:
        """The front in force on this day, if any."""
        for f in self.fronts:
            if f.valid_from <= day < f.valid_to:
                return f
        return None


@dataclass(frozen=True)
class Overlay:
    id: str
    valid_from: dt.date
    valid_to: dt.date
    region: str  # shape expression
    occupier: str
    applies_to: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    file: str
    notes: str = ""


@dataclass
class AtlasData:
    """Everything read from data/: the input of the build and of validation."""

    polities: dict[str, Polity]
    sources: dict[str, Source]
    regions: dict[str, Region]
    units: dict[str, Unit]
    theatres: list[Theatre]
    overlays: list[Overlay]
    coverage: list[str]
