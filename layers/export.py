"""`python -m layers export`: the atlas as ONE self-contained HTML file for a lesson on a USB stick.

Everything is inlined: Leaflet (static/vendor), the atlas runtime (static/atlas/atlas.js, .css),
Leaflet's images as data: URIs, and the display data restricted to the chosen date range (with
the popups' notes and sources). The file opens from file:// with no network and no server: the
map, the chosen layers, the legend and the title, and a plain `<input type=range>` over the map
steps of the range that drives the atlas runtime in the browser (`L.atlas.current.setState`).

No outside host is named anywhere except in licence comments and the SVG namespace identifier
(`http://www.w3.org/2000/svg`, a name that is never fetched); the online relief tiles are left out.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import html
import json
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from . import elements as el
from .i18n import LANGS, format_date, map_strings
from .maps import _layers
from .source import STATIC_DIR, Source, display_data, get_source
from .view import DEFAULT_CENTER, DEFAULT_LAYERS, DEFAULT_ZOOM

LEAFLET_DIR = STATIC_DIR / "vendor" / "leaflet-1.9.4"
ATLAS_DIR = STATIC_DIR / "atlas"

# What each URL the folium page names is replaced with (the file's content, inlined).
_SCRIPTS = {el.LEAFLET + "/leaflet.js": LEAFLET_DIR / "leaflet.js", el.ATLAS_JS: ATLAS_DIR / "atlas.js"}
_STYLES = {el.LEAFLET + "/leaflet.css": LEAFLET_DIR / "leaflet.css", el.ATLAS_CSS: ATLAS_DIR / "atlas.css"}


_PLACEHOLDER = "__ATLAS_EXPORT_DATA__"
EXPORT_QUANTUM = 2e-3  # degrees (about 200 m, a pixel at zoom 9): fewer digits than the app's map


def restrict(data: dict, first: dt.date, last: dt.date) -> dict:
    """The display data with only the features (and their geometries, units, polities and
    sources) drawn on some day between first and last; the boundaries stay, so steps keep their
    numbers."""
    b = data["boundaries"]
    lo = max(bisect.bisect_right(b, first.isoformat()) - 1, 0)
    hi = max(bisect.bisect_right(b, last.isoformat()) - 1, 0)
    details = data.get("details") or {"features": [{} for _ in data["features"]], "sources": {}}
    geom_map: dict[int, int] = {}
    geoms, features, fdetails, units, polities, cited = [], [], [], {}, set(), set()
    for f, d in zip(data["features"], details["features"]):
        if not (f["f"] <= hi and f["t"] > lo):
            continue
        g = f["g"]
        if g not in geom_map:
            geom_map[g] = len(geoms)
            geoms.append(data["geoms"][g])
        features.append({**f, "g": geom_map[g]})
        fdetails.append(d)
        cited.update(d.get("src") or [])
        if f["u"] in data["units"]:
            units[f["u"]] = data["units"][f["u"]]
        polities.update(x for x in (f.get("c"), f.get("o")) if x)
    return {
        **data,
        "geoms": geoms,
        "features": features,
        "units": units,
        "polities": {k: v for k, v in data["polities"].items() if k in polities},
        "details": {"features": fdetails, "sources": {k: v for k, v in details["sources"].items() if k in cited}},
    }


def requantise(data: dict, quantum: float) -> dict:
    """The data with its territory geometries rounded to a coarser grid (a multiple of the display
    file's), dropping the points and rings that rounding collapses; shared edges stay identical,
    since every vertex is rounded the same way wherever it occurs."""
    k = quantum / data["q"]
    if k <= 1:
        return data

    def ring(r: list[int]) -> list[int] | None:
        a = np.cumsum(np.asarray(r, dtype=np.int64).reshape(-1, 2), axis=0)
        q = np.rint(a / k).astype(np.int64)
        keep = np.ones(len(q), dtype=bool)
        keep[1:] = np.any(q[1:] != q[:-1], axis=1)
        q = q[keep]
        if len(q) < 4:  # fewer than three distinct corners and the closing point
            return None
        return np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel().tolist()

    geoms = []
    for geom in data["geoms"]:
        polys = []
        for poly in geom:
            rings = [ring(r) for r in poly]
            if rings and rings[0] is not None:
                polys.append([rings[0]] + [r for r in rings[1:] if r is not None])
        geoms.append(polys)
    # The basemap stays at its own precision: it is rounded with the same factor for consistency.
    return {**data, "geoms": geoms, "q": data["q"] * k, "base": _requantise_base(data["base"], k)}


def _requantise_base(base: dict, k: float) -> dict:
    def line(r: list[int]) -> list[int]:
        a = np.cumsum(np.asarray(r, dtype=np.int64).reshape(-1, 2), axis=0)
        q = np.rint(a / k).astype(np.int64)
        keep = np.ones(len(q), dtype=bool)
        keep[1:] = np.any(q[1:] != q[:-1], axis=1)
        return np.diff(q[keep], axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel().tolist()

    out = {}
    for key, parts in base.items():
        if key == "rivers":
            out[key] = [x for x in (line(p) for p in parts) if len(x) >= 4]
        else:
            out[key] = [[line(r) for r in poly] for poly in parts if len(line(poly[0])) >= 8]
    return out


def pack(data: dict) -> dict:
    """The data with each distinct popup detail (notes, quotes, sources) stored once: many features
    of one territory share them. `atlasExportUnpack` in the page undoes this before the runtime
    sees the data."""
    table, index, seen = [], [], {}
    for d in data["details"]["features"]:
        key = json.dumps(d, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen[key] = len(table)
            table.append(d)
        index.append(seen[key])
    return {**data, "details": {"table": table, "index": index, "sources": data["details"]["sources"]}}


_UNPACK = """
function atlasExportUnpack(d) {
  var t = d.details.table;
  d.details = { features: d.details.index.map(function (i) { return t[i]; }), sources: d.details.sources };
  return d;
}
"""


def steps_in(boundaries: list[str], first: dt.date, last: dt.date) -> list[str]:
    """The dates the slider offers: the first day, then every day in the range on which the map changes."""
    a, z = first.isoformat(), last.isoformat()
    return [a] + [d for d in boundaries if a < d <= z]


# Leaflet's attribution prefix links to its web site; the export names no outside host, so the
# prefix keeps the name and loses the link (the licence comment at the top of leaflet.js stays).
_LEAFLET_LINK = '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">'


def _read_script(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.name == "leaflet.js":
        if _LEAFLET_LINK not in text:
            raise ValueError("export: Leaflet's attribution link has changed; update _LEAFLET_LINK")
        text = text.replace(_LEAFLET_LINK, '<a title="Leaflet 1.9.4 (BSD-2-Clause)">')
    return text


def _inline_css(path: Path) -> str:
    css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)  # comments name bug trackers

    def data_uri(m: re.Match) -> str:
        img = path.parent / m.group(1)
        if not img.exists():
            return m.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(img.read_bytes()).decode()})"

    return re.sub(r"url\(\s*['\"]?(images/[\w.-]+\.png)['\"]?\s*\)", data_uri, css)


def _script(text: str) -> str:
    return "<script>\n" + text.replace("</script", "<\\/script") + "\n</script>"


def _inline(page: str) -> str:
    """Replace every <script src> and <link href> of the folium page by the file's content."""

    def script(m: re.Match) -> str:
        src = html.unescape(m.group(1))
        if src not in _SCRIPTS:
            raise ValueError(f"export: the page asks for a script that is not ours: {src}")
        return _script(_read_script(_SCRIPTS[src]))

    def link(m: re.Match) -> str:
        href = html.unescape(m.group(1))
        if href not in _STYLES:
            raise ValueError(f"export: the page asks for a style sheet that is not ours: {href}")
        return "<style>\n" + _inline_css(_STYLES[href]) + "\n</style>"

    page = re.sub(r"<script\s+src=\"([^\"]+)\"\s*>\s*</script>", script, page)
    page = re.sub(r"<link\s+rel=\"stylesheet\"\s+href=\"([^\"]+)\"\s*/?>", link, page)
    return page


_SLIDER = """
<div id="atlas-export-controls" class="atlas-export-controls">
  <label for="atlas-export-slider">{label}</label>
  <input id="atlas-export-slider" type="range" min="0" max="{max}" step="1" value="{value}" aria-valuetext="{valuetext}">
  <output id="atlas-export-date" for="atlas-export-slider">{valuetext}</output>
</div>
<style>
  .atlas-export-controls {{ position: fixed; left: 10px; bottom: 24px; z-index: 1000; background: rgba(255,255,255,.92);
    padding: 6px 10px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 14px sans-serif;
    display: flex; gap: 8px; align-items: center; }}
  .atlas-export-controls input {{ width: min(50vw, 480px); }}
</style>
<script>
(function () {{
  var dates = {dates}, layers = {layers}, lang = {lang};
  var slider = document.getElementById("atlas-export-slider"), out = document.getElementById("atlas-export-date");
  function show() {{
    var rt = L.atlas.current, iso = dates[Number(slider.value)];
    var title = L.atlas.formatDate(iso, lang, rt.strings.months);
    out.textContent = title;
    slider.setAttribute("aria-valuetext", title);
    rt.setState({{ date: iso, layers: layers, lang: lang, title: title }});
  }}
  slider.addEventListener("input", show);
  slider.addEventListener("change", show);
}})();
</script>
"""


def export_html(
    first: dt.date,
    last: dt.date | None = None,
    layers: Iterable[str] = DEFAULT_LAYERS,
    lang: str = "en",
    *,
    source: Source | None = None,
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    quantum: float | None = EXPORT_QUANTUM,
) -> str:
    """The self-contained HTML page of the atlas from first to last (one day if last is None)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
    last = last or first
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    src = source or get_source()
    chosen = [x for x in _layers(layers) if x != "tiles"]  # the relief tiles need the internet
    data = restrict(display_data(src), first, last)
    if quantum:
        data = requantise(data, quantum)
    dates = steps_in(data["boundaries"], first, last)
    m = el.AtlasMap(center, zoom, height="100%")
    strings = map_strings(lang)
    # The data goes in as compact JSON (folium's tojson would escape every non-ASCII letter and
    # space every number): a placeholder in the runtime's options is replaced by it below.
    runtime = el.Runtime(data=_PLACEHOLDER, strings=strings)
    runtime.add_to(m)
    for layer in (el.Land(), el.Territories(), el.Lakes(), el.Rivers(), el.Changes(), el.Title(), el.Legend()):
        layer.add_to(runtime)
    el.State(first, chosen, lang, format_date(first, lang)).add_to(m)
    root = m.get_root()
    root.title = f"{format_date(first, lang)} – {format_date(last, lang)}" if last != first else format_date(first, lang)
    page = _inline(root.render())
    blob = json.dumps(pack(data), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    if page.count(json.dumps(_PLACEHOLDER)) != 1:
        raise RuntimeError("export: the runtime's data placeholder is not in the page exactly once")
    page = page.replace(json.dumps(_PLACEHOLDER), f"atlasExportUnpack({blob})")
    page = page.replace("<head>", "<head>\n" + _script(_UNPACK), 1)
    label = {"en": "Date", "de": "Datum", "th": "วันที่"}.get(lang, "Date")
    controls = _SLIDER.format(
        label=label,
        max=len(dates) - 1,
        value=0,
        valuetext=html.escape(format_date(first, lang)),
        dates=json.dumps(dates),
        layers=json.dumps(chosen),
        lang=json.dumps(lang),
    )
    if len(dates) < 2:
        controls = ""
    head = f'<meta charset="utf-8">\n<title>{html.escape(root.title)}</title>\n'
    page = page.replace("<head>", "<head>\n" + head, 1) if "<title>" not in page else page
    return page.replace("</body>", controls + "\n</body>", 1)


def export(out: Path, first: dt.date, last: dt.date | None = None, layers: Iterable[str] = DEFAULT_LAYERS, lang: str = "en") -> Path:
    """Write the self-contained page to `out` and return the path."""
    out = Path(out)
    out.write_text(export_html(first, last, layers, lang), encoding="utf-8")
    return out
