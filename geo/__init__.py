"""The temporal atlas: who governed every place, on every day from 1923-01-01 to 1945-12-31.

Public API (other code and outside checks depend on these forms):

- ``territories_at(date) -> geopandas.GeoDataFrame`` — the map of one day, EPSG:4326.
- ``locate(lat, lon, date) -> dict | None`` — who controlled a point; None at sea.
- ``changes(date_from, date_to) -> list[dict]`` — land whose controller differs, with areas.

This package imports neither streamlit nor folium.
"""

from .atlas import changes, locate, territories_at
from .dates import DateError, parse_date
from .model import ATLAS_END, ATLAS_START, LAST_DAY, STATUSES

__all__ = [
    "ATLAS_END",
    "ATLAS_START",
    "LAST_DAY",
    "STATUSES",
    "DateError",
    "changes",
    "locate",
    "parse_date",
    "territories_at",
]
