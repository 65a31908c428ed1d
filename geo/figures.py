"""Figures computed from the atlas: the Soviet Union's territorial gain in Europe."""

from __future__ import annotations

import datetime as dt

import shapely
from shapely.geometry import box

from .atlas import area_km2, get_atlas

# Europe for this figure: west of the Urals (60°E). Tuva, Sakhalin and the Kurils are Asian gains
# and are left out, as the seed's European figure leaves them out.
EUROPE = box(-30.0, 30.0, 60.0, 85.0)
SOVIET_STATUSES = ("sovereign", "annexed", "leased")  # occupied zones (Germany, Austria) are no gain


def soviet_land(day: dt.date):
    """The land the USSR held as its own (not as an occupier) in Europe on the day."""
    snap = get_atlas().snapshot(day)
    own = snap[(snap["controller"] == "ussr") & snap["status"].isin(SOVIET_STATUSES)]
    return shapely.intersection(shapely.union_all(own.geometry.values), EUROPE)


def soviet_gain(day_from: dt.date, day_to: dt.date) -> dict:
    """Net gain (km² and square miles) of Soviet land in Europe between two days."""
    a, b = soviet_land(day_from), soviet_land(day_to)
    gained = area_km2([shapely.difference(b, a)])
    lost = area_km2([shapely.difference(a, b)])
    net = gained - lost
    return {
        "from": day_from.isoformat(),
        "to": day_to.isoformat(),
        "gained_km2": round(gained),
        "lost_km2": round(lost),
        "net_km2": round(net),
        "net_sq_mi": round(net / 2.589988),
        "seed_001_sq_mi": 193000,
        "seed_001_km2": round(193000 * 2.589988),
    }
