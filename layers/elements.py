"""The folium elements of the atlas map, built like folium's plugins: a Python class, a small
Jinja template, and JavaScript in static/atlas/atlas.js (served from this machine, never a CDN).

How the pieces fit:

- `AtlasMap` is a folium.Map that loads Leaflet from static/vendor instead of CDNs and has no
  tiles (the basemap is our own: land, lakes and rivers from Natural Earth, no modern borders).
- `Runtime` creates the map's `L.atlas.Runtime`: it loads the display file once (or takes the
  data inline, for a self-contained export) and owns the atlas layers.
- Layers (`Land`, `Lakes`, `Rivers`, `Territories`, `Changes`, `OnlineTiles`) and controls
  (`Title`, `Legend`) are children of the Runtime. Each is an `AtlasLayer`: a layer id, a JS
  factory name and JSON options. A new layer (issue 4: secret bases, annexations, pact lines,
  fronts, diplomacy) is one subclass here and one `L.atlas.<factory>` in atlas.js implementing
  `onData(data)` and `update(info)`.
- `State` says which day, layers and language to show. It is the only part that changes when
  the date changes, so the app sends it alone (in a feature group, see streamlit_app.py) and the
  map, its zoom and centre stay as they are.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from .source import STATIC_URL

LEAFLET = f"{STATIC_URL}/vendor/leaflet-1.9.4"
ATLAS_JS = f"{STATIC_URL}/atlas/atlas.js"
ATLAS_CSS = f"{STATIC_URL}/atlas/atlas.css"
PREFETCH_JS = f"{STATIC_URL}/atlas/prefetch.js"
RELIEF_TILES = "https://server.arcgisonline.com/ArcGIS/rest/services/World_Shaded_Relief/MapServer/tile/{z}/{y}/{x}"
RELIEF_ATTRIBUTION = "Relief tiles © Esri (online)"


class AtlasMap(folium.Map):
    """A folium.Map whose scripts and styles all come from this project's static files."""

    default_js = [("leaflet", f"{LEAFLET}/leaflet.js")]
    default_css = [("leaflet_css", f"{LEAFLET}/leaflet.css")]

    def __init__(self, location: tuple[float, float], zoom_start: int, prefetch: str | None = None, **kwargs):
        kwargs.setdefault("min_zoom", 3)
        kwargs.setdefault("max_zoom", 9)
        super().__init__(
            location=list(location),
            zoom_start=zoom_start,
            tiles=None,  # no tile server: the basemap is drawn from our own data
            control_scale=True,
            max_bounds=True,
            min_lat=5,
            max_lat=85,
            min_lon=-45,
            max_lon=190,
            zoom_snap=1,
            world_copy_jump=False,
            **kwargs,
        )
        if prefetch:
            # Scripts load one after another: name the data first, so its download starts before
            # Leaflet's (static/atlas/prefetch.js).
            self.default_js = [("atlas_prefetch", f"{PREFETCH_JS}?data={quote(prefetch, safe='/')}"), *type(self).default_js]


class _AtlasElement(JSCSSMixin, MacroElement):
    """An element that needs atlas.js and atlas.css (served from static/atlas)."""

    default_js = [("atlas_js", ATLAS_JS)]
    default_css = [("atlas_css", ATLAS_CSS)]


class Runtime(_AtlasElement):
    """The map's atlas runtime: loads the display data (from `data_url`, or inline `data`).

    `follow` names the embedding page's date controls (CSS selectors `year`, `month`, with
    `monthBase` 0 if the month control's value is an index, and the `first`/`last` ISO dates):
    the map then switches as soon as they move, before the server answers (see atlas.js _follow).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.atlas.runtime({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data_url: str | None = None, data: dict | None = None, strings: dict | None = None, follow: dict | None = None):
        super().__init__()
        self._name = "AtlasRuntime"
        self.options = {"dataUrl": data_url, "data": data, "strings": strings or {}, "follow": follow}


class AtlasLayer(_AtlasElement):
    """One layer or control of the runtime: `L.atlas.<factory>(options)` registered under `layer_id`.

    Subclasses set `factory` (and `layer_id` unless given); `options` go to JavaScript as JSON.
    """

    factory = ""
    layer_id = ""
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.addLayer({{ this.layer_id|tojson }}, L.atlas.{{ this.factory }}({{ this.options|tojson }}));
        {% endmacro %}
        """
    )

    def __init__(self, layer_id: str | None = None, **options):
        super().__init__()
        self._name = "AtlasLayer"
        if layer_id:
            self.layer_id = layer_id
        self.options = options


class Land(AtlasLayer):
    """Land (Natural Earth 1:50m, without any borders), always shown; transparent over relief tiles."""

    factory, layer_id = "land", "land"


class Lakes(AtlasLayer):
    """Natural Earth lakes, drawn over the territories."""

    factory, layer_id = "lakes", "lakes"


class Rivers(AtlasLayer):
    """Natural Earth rivers (lines), drawn over the territories."""

    factory, layer_id = "rivers", "rivers"


class Territories(AtlasLayer):
    """Who governed each piece of land: fill by controller; hatching and outline dashes by status
    (only while the `status` layer is on); tooltip and popup with names then and now, controller,
    status, since when and sources."""

    factory, layer_id = "territories", "territories"


class Changes(AtlasLayer):
    """Outlines of the land whose controller or status changed at the current map step."""

    factory, layer_id = "changes", "changes"


class OnlineTiles(AtlasLayer):
    """Shaded-relief tiles without labels or borders, from the internet. Off unless `tiles` is in the state."""

    factory, layer_id = "tiles", "tiles"

    def __init__(self, url: str = RELIEF_TILES, attribution: str = RELIEF_ATTRIBUTION, **options):
        super().__init__(url=url, attribution=attribution, maxNativeZoom=13, **options)


class Bases(AtlasLayer):
    """The secret Soviet–German sites: a lettered marker per site by kind (A air, T armour, C chemical,
    I industry, N naval), strong while active on the day and faint otherwise; popup with name, dates,
    kind, summary, sources and the seed's words."""

    factory, layer_id = "bases", "bases"


class Lines(AtlasLayer):
    """Pact and border lines (data/lines.yaml), dashed and labelled, only while valid on the day."""

    factory, layer_id = "lines", "lines"


class Diplomacy(AtlasLayer):
    """Diplomacy events of the day's year as markers (the earliest map also shows the earlier
    events, e.g. Rapallo 1922); popup with date, place, who, what and the seed's words."""

    factory, layer_id = "diplomacy", "diplomacy"


class Title(AtlasLayer):
    """The date the map depicts, as a title inside the map (so a screenshot explains itself)."""

    factory, layer_id = "title", "title"


class Legend(AtlasLayer):
    """Who governed (the controllers on the map that day, largest first) and the status patterns."""

    factory, layer_id = "legend", "legend"


class State(_AtlasElement):
    """Which day, layers and language the map shows.

    A child of the map sets the state when the page loads; a child of a FeatureGroup (what the app
    sends on each step) sets it when the group is added to the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (parent) {
                var state = {{ this.state|tojson }};
                function go(map) { L.atlas.of(map).setState(state, true); }
                {%- if this.in_group %}
                if (parent._map) { go(parent._map); } else { parent.once("add", function () { go(parent._map); }); }
                {%- else %}
                go(parent);
                {%- endif %}
            })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, date: dt.date, layers: tuple[str, ...] | list[str], lang: str, title: str):
        super().__init__()
        self._name = "AtlasState"
        self.state = {"date": date.isoformat(), "layers": list(layers), "lang": lang, "title": title}

    @property
    def in_group(self) -> bool:
        """True if the state rides in a feature group rather than directly on the map."""
        return isinstance(self._parent, folium.FeatureGroup)
