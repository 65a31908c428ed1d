"""What a view of the atlas is (date, layers, language, zoom, centre) and how it goes in a URL.

`parse_params` reads `?date=YYYY-MM-DD&layers=a,b&lang=en&zoom=Z&lat=..&lon=..` and never fails:
each value that is malformed, out of range or unknown falls back to its default and adds a
warning key (the page turns keys into text; no value from the URL is ever echoed into a warning,
so nothing from the URL can reach the page as markup). `to_params` writes a view back.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace

# The page's range: the Year slider runs 1923–1945, so the interwar secret sites (1923–1933) and
# Rapallo (shown on the first map) can be reached; the atlas's own first map is 1923-01-01.
FIRST_DAY = dt.date(1923, 1, 1)
LAST_DAY = dt.date(1945, 12, 31)
DEFAULT_DATE = dt.date(1939, 9, 1)
DEFAULT_CENTER = (52.0, 24.0)  # Europe from the Atlantic to the Volga
DEFAULT_ZOOM = 4
MIN_ZOOM, MAX_ZOOM = 3, 9
LAT_RANGE, LON_RANGE = (5.0, 85.0), (-45.0, 190.0)  # the map's maxBounds (layers/elements.AtlasMap)

# Layer ids, in the order of the toggles. `tiles` loads relief tiles from the internet: off by default.
# bases, lines, diplomacy: the Soviet–German layers of issue 4 (off by default, toggled in the app).
LAYERS = ("territories", "status", "changes", "rivers", "lakes", "bases", "lines", "diplomacy", "tiles")
DEFAULT_LAYERS = ("territories", "status", "changes", "rivers", "lakes")
LANGS = ("en", "de", "th")

# The key dates of issue 3, with their English labels (issue 5 moves labels into the catalogue).
KEY_DATES: list[tuple[dt.date, str]] = [
    (dt.date(1923, 1, 1), "Interwar 1923–1938"),
    (dt.date(1939, 8, 23), "Pact · 23 Aug 1939"),
    (dt.date(1939, 9, 28), "Partition · 28 Sep 1939"),
    (dt.date(1940, 8, 3), "Baltic annexations · 3 Aug 1940"),
    (dt.date(1941, 6, 22), "Barbarossa · 22 Jun 1941"),
    (dt.date(1942, 11, 18), "Greatest extent · 18 Nov 1942"),
    (dt.date(1945, 5, 9), "1945 · 9 May"),
]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{1,8})?$")


@dataclass(frozen=True)
class View:
    """One view of the atlas: what the URL of the page says."""

    date: dt.date = DEFAULT_DATE
    layers: tuple[str, ...] = DEFAULT_LAYERS
    lang: str = "en"
    zoom: int = DEFAULT_ZOOM
    center: tuple[float, float] = DEFAULT_CENTER
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def with_date(self, day: dt.date) -> View:
        """The same view on another day (clamped to the page's range)."""
        return replace(self, date=clamp(day))


def clamp(day: dt.date) -> dt.date:
    """The day, moved into FIRST_DAY..LAST_DAY."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def _first(value) -> str | None:
    """A query value as one short string (st.query_params gives the last of repeated keys)."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if value is None:
        return None
    return str(value)[:200]


def parse_date(text: str | None) -> dt.date | None:
    """YYYY-MM-DD within the page's range, or None."""
    if text is None or not _DATE.match(text.strip()):
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _number(text: str | None, lo: float, hi: float) -> float | None:
    if text is None or not _NUMBER.match(text.strip()):
        return None
    v = float(text)
    return v if math.isfinite(v) and lo <= v <= hi else None


def parse_params(params) -> View:
    """A view from query parameters (a mapping of str to str or list of str), with warning keys."""
    warnings: list[str] = []
    get = (lambda k: _first(params.get(k))) if hasattr(params, "get") else (lambda k: None)

    date = DEFAULT_DATE
    raw = get("date")
    if raw is not None:
        day = parse_date(raw)
        if day is None:
            warnings.append("warn_date")
        else:
            date = day

    layers = DEFAULT_LAYERS
    raw = get("layers")
    if raw is not None:
        names = [x.strip() for x in raw.split(",") if x.strip()]
        known = tuple(x for x in LAYERS if x in names)  # canonical order, no duplicates
        if len(set(names)) != len(known):
            warnings.append("warn_layers")
        layers = known

    lang = "en"
    raw = get("lang")
    if raw is not None:
        if raw in LANGS:
            lang = raw
        else:
            warnings.append("warn_lang")

    zoom, center = DEFAULT_ZOOM, DEFAULT_CENTER
    rz, rlat, rlon = get("zoom"), get("lat"), get("lon")
    if rz is not None or rlat is not None or rlon is not None:
        z = _number(rz, MIN_ZOOM, MAX_ZOOM) if rz is not None else float(DEFAULT_ZOOM)
        lat = _number(rlat, *LAT_RANGE) if rlat is not None else DEFAULT_CENTER[0]
        lon = _number(rlon, *LON_RANGE) if rlon is not None else DEFAULT_CENTER[1]
        if z is None or lat is None or lon is None or z != int(z):
            warnings.append("warn_view")
        else:
            zoom, center = int(z), (lat, lon)
    return View(date, layers, lang, zoom, center, tuple(warnings))


def to_params(view: View) -> dict[str, str]:
    """The view as query parameters (what the page keeps in its URL)."""
    return {
        "date": view.date.isoformat(),
        "layers": ",".join(view.layers),
        "lang": view.lang,
        "zoom": str(view.zoom),
        "lat": f"{view.center[0]:.2f}",
        "lon": f"{view.center[1]:.2f}",
    }


def share_snippets(view: View, base_url: str) -> tuple[str, str]:
    """A link to the view and an <iframe> snippet that embeds it without the app's chrome.

    Every value in them comes from a parsed View (never from the raw URL), and the iframe's
    attributes are HTML-escaped, so nothing a visitor typed can reach a lesson page as markup.
    """
    from html import escape
    from urllib.parse import urlencode

    base = base_url.split("?")[0].rstrip("/") + "/"
    params = to_params(view)
    link = f"{base}?{urlencode(params)}"
    embed = f"{base}?{urlencode({**params, 'embed': 'true'})}"
    title = f"Atlas {view.date.isoformat()}"
    iframe = f'<iframe src="{escape(embed)}" title="{escape(title)}" width="960" height="640" style="border:0" loading="lazy"></iframe>'
    return link, iframe
