"""Compose the atlas map: `make_map(date, layers, lang)` for a whole map of one day, and its two
halves for the app, `make_base_map` (everything that does not depend on the day) and
`state_group` (the day, the layers and the title: the only part a slider step sends).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import folium

from . import elements as el
from .i18n import format_date, map_strings
from .source import Source, display_data, display_url, get_source
from .view import DEFAULT_CENTER, DEFAULT_LAYERS, DEFAULT_ZOOM, LAYERS


def _layers(layers: Iterable[str]) -> list[str]:
    wanted = set(layers)
    unknown = wanted - set(LAYERS)
    if unknown:
        raise ValueError(f"unknown layers {sorted(unknown)}; known: {', '.join(LAYERS)}")
    return [x for x in LAYERS if x in wanted]


def make_base_map(
    lang: str = "en",
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    *,
    source: Source | None = None,
    inline: bool = False,
    height: str | int = "100%",
    follow: dict | None = None,
) -> el.AtlasMap:
    """The map without a day: basemap, territory layer, title and legend, waiting for a State.

    The data comes from the display file served by Streamlit (`inline=False`) or is put into the
    page itself (`inline=True`: a standalone HTML file, e.g. for `Map.save`). `follow` lets the
    map follow the embedding page's date controls (see elements.Runtime).
    """
    src = source or get_source()
    if inline:
        m = el.AtlasMap(center, zoom, height=height)
        runtime = el.Runtime(data=display_data(src), strings=map_strings(lang), follow=follow)
    else:
        url = display_url(src)
        m = el.AtlasMap(center, zoom, height=height, prefetch=url)
        runtime = el.Runtime(data_url=url, strings=map_strings(lang), follow=follow)
    runtime.add_to(m)
    for layer in (
        el.OnlineTiles(),
        el.Land(),
        el.Territories(),
        el.Lakes(),
        el.Rivers(),
        el.Changes(),
        el.Lines(),
        el.Bases(),
        el.Diplomacy(),
        el.Title(),
        el.Legend(),
    ):
        layer.add_to(runtime)
    return m


def state_group(date: dt.date, layers: Iterable[str] = DEFAULT_LAYERS, lang: str = "en") -> folium.FeatureGroup:
    """A feature group that, once added to the map, shows the day with the layers in the language."""
    group = folium.FeatureGroup(name="atlas-state", control=False)
    el.State(date, _layers(layers), lang, format_date(date, lang)).add_to(group)
    return group


def make_map(
    date: dt.date,
    layers: Iterable[str] = DEFAULT_LAYERS,
    lang: str = "en",
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    *,
    source: Source | None = None,
    inline: bool = False,
) -> el.AtlasMap:
    """The atlas map of one day: the base map with the day's State attached."""
    m = make_base_map(lang, center, zoom, source=source, inline=inline)
    el.State(date, _layers(layers), lang, format_date(date, lang)).add_to(m)
    return m
