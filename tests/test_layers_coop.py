"""The Soviet–German layers in the app (issue 4): secret bases, pact lines, diplomacy; the events
list and the totals panel. Layer data comes from geo/cooperation.py (data/sites|events|lines.yaml);
the map runs on the mini atlas."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import using_mini_build
from streamlit.testing.v1 import AppTest

from geo import cooperation
from layers import make_base_map, state_group
from layers.i18n import map_strings, t
from layers.source import coop_at, coop_data, display_data, get_source
from layers.view import DEFAULT_LAYERS, LAYERS

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
APP = str(ROOT / "streamlit_app.py")
ATLAS_JS = ROOT / "static" / "atlas" / "atlas.js"
COOP = ("bases", "lines", "diplomacy")


@pytest.fixture(scope="module", autouse=True)
def mini_atlas(tmp_path_factory):
    """Point the layers and the app at a build of the mini data set."""
    with using_mini_build(tmp_path_factory):
        yield get_source()


@pytest.fixture(scope="module")
def coop() -> dict:
    return coop_data()


# --- layer data ------------------------------------------------------------------------------


def test_display_data_carries_the_coop_layers(mini_atlas, coop):
    data = display_data(mini_atlas)
    assert data["coop"] == coop
    assert {s["i"] for s in coop["sites"]} == {s["id"] for s in cooperation.bases()}
    assert [e["i"] for e in coop["events"]] == [e["id"] for e in cooperation.events()]  # sorted by date
    assert {x["i"] for x in coop["lines"]} == {x["id"] for x in cooperation.load().lines}
    cited = set(data["details"]["sources"])
    for group in coop.values():
        for item in group:
            assert item["src"], item["i"]  # every feature names a source
            assert set(item["src"]) & set(mini_atlas.sources) <= cited
    kinds = {s["k"] for s in coop["sites"]}
    assert kinds <= set(cooperation.SITE_KINDS) and {"air", "armour", "chemical", "naval"} <= kinds


def test_site_popup_data(coop):
    lipetsk = next(s for s in coop["sites"] if s["i"] == "lipetsk")
    assert (lipetsk["k"], lipetsk["f"], lipetsk["t"]) == ("air", "1925-04-15", "1933-10-01")
    assert abs(lipetsk["la"] - 52.63) < 0.1 and abs(lipetsk["lo"] - 39.45) < 0.1
    assert "Luftwaffe" in lipetsk["s"]
    assert lipetsk["qt"] and all(q["id"].startswith("seed-") and q["q"] for q in lipetsk["qt"])
    rapallo = coop["events"][0]
    assert rapallo["i"] == "rapallo-1922" and rapallo["d"] == "1922-04-16"
    assert "Walther Rathenau" in rapallo["who"] and rapallo["w"] and rapallo["qt"]


def test_lines_decode_to_their_points(coop):
    sphere = next(x for x in coop["lines"] if x["i"] == "sphere-line-1939-08-23")
    raw = cooperation.line_parts(next(x for x in cooperation.load().lines if x["id"] == sphere["i"]))
    first = sphere["p"][0]
    assert abs(first[0] * 1e-3 - raw[0][0][0]) < 2e-3 and abs(first[1] * 1e-3 - raw[0][0][1]) < 2e-3
    assert len(sphere["p"]) == len(raw)


@pytest.mark.parametrize(
    "day, sites, lines, events",
    [
        (dt.date(1923, 6, 1), {"fili", "bersol"}, {"curzon-line-a"}, {"rapallo-1922"}),
        (dt.date(1929, 6, 1), {"lipetsk", "kama", "tomka"}, {"curzon-line-a"}, set()),
        (dt.date(1936, 6, 1), set(), {"curzon-line-a"}, set()),
        (dt.date(1939, 9, 1), set(), {"curzon-line-a", "sphere-line-1939-08-23"}, {"molotov-ribbentrop-1939", "boundary-friendship-1939"}),
        (dt.date(1940, 3, 1), {"basis-nord"}, {"curzon-line-a"}, {"moscow-peace-1940"}),
        (dt.date(1945, 9, 1), set(), {"oder-neisse-line-1945"}, {"yalta-1945", "potsdam-1945"}),
    ],
)
def test_layers_show_the_right_features_for_a_date(coop, day, sites, lines, events):
    at = coop_at(coop, day)
    assert set(at["activeSites"]) == sites
    assert set(at["lines"]) == lines
    assert events <= set(at["events"])
    assert all(e["d"][:4] == str(day.year) or day.year <= 1923 for e in coop["events"] if e["i"] in at["events"])
    if day.year == 1923:
        assert "rapallo-1922" in at["events"]  # Rapallo shows on the earliest map


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_browser_rules_match_python(coop):
    """A.coopAt in atlas.js (what the map draws) picks the same features as coop_at."""
    days = ["1923-01-01", "1925-04-15", "1933-09-30", "1933-10-01", "1939-08-23", "1939-09-28", "1940-09-16", "1945-08-02"]
    script = (
        # Leaflet and the DOM stubbed: anything read is a callable stub; only coopAt is exercised.
        "function stub() { return new Proxy(function () {}, {get: function (t, k) {"
        " if (k === Symbol.toPrimitive) return function () { return ''; };"
        " if (!(k in t)) t[k] = stub(); return t[k]; },"
        " apply: function () { return stub(); }, construct: function () { return stub(); }}); }"
        "var L = stub(); var window = stub(); var document = stub();"
        + ATLAS_JS.read_text(encoding="utf-8")
        + f"; var coop = {json.dumps(coop)}; var days = {json.dumps(days)};"
        + "console.log(JSON.stringify(days.map(function (d) { return L.atlas.coopAt(coop, d); })));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got == [coop_at(coop, dt.date.fromisoformat(d)) for d in days]


def test_layers_are_registered_off_by_default_with_labels():
    assert set(COOP) <= set(LAYERS) and not set(COOP) & set(DEFAULT_LAYERS)
    strings = map_strings("en")
    for key in ("layer_bases", "layer_lines", "layer_diplomacy", "legend_bases", "legend_lines", "legend_diplomacy", "kind_naval"):
        assert strings[key] and strings[key] != key
    html = make_base_map("en").get_root().render()
    for factory in COOP:
        assert f"L.atlas.{factory}(" in html
    js = ATLAS_JS.read_text(encoding="utf-8")
    for factory in ("A.bases =", "A.lines =", "A.diplomacy =", "A.coopAt ="):
        assert factory in js
    group = state_group(dt.date(1929, 6, 1), ("territories", *COOP))
    group.add_to(make_base_map("en"))
    assert '"layers": ["territories", "bases", "lines", "diplomacy"]' in group.get_root().render()


# --- the app ---------------------------------------------------------------------------------


def app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_app_has_the_toggles():
    at = app(layers="territories,bases,lines,diplomacy")
    assert not at.exception
    group = next(g for g in at.get("button_group") if g.label == "Layers")
    assert set(COOP) <= set(group.options_values if hasattr(group, "options_values") else LAYERS)
    assert at.session_state["layers"] == ["territories", "bases", "lines", "diplomacy"]
    group.unselect("bases").run()
    assert "bases" not in at.session_state["layers"]


def test_choosing_an_event_sets_the_date():
    at = app(date="1941-03-01")
    assert not at.exception
    box = at.selectbox(key="w_event")
    assert "barbarossa-1941" in box.options or any("Barbarossa" in o for o in box.options)
    box.set_value("barbarossa-1941").run()
    assert not at.exception
    assert at.session_state["date"] == dt.date(1941, 6, 22)
    assert at.slider[0].value == 1941 and at.session_state["w_month"] == 6
    assert at.session_state["w_event"] is None  # an action, like a key date
    assert at.query_params["date"] == "1941-06-22"


def test_events_list_is_the_chosen_year():
    at = app(date="1939-05-01")
    text = "\n".join(e.value for ex in at.expander if ex.label == t("events_title", "en", year=1939) for e in ex.markdown).replace("\\", "")
    assert "Molotov" in text and "1939-08-23" in text
    assert "1941-06-22" not in text


def test_totals_panel_shows_both_figures():
    at = app()
    assert not at.exception
    ex = next(x for x in at.expander if x.label == "Soviet gains in Europe")
    text = "\n".join(m.value for m in ex.markdown)
    tot = cooperation.soviet_totals()
    assert f"{tot['area_km2']:,}" in text.replace("\\", "") and f"{tot['area_sq_mi']:,}" in text.replace("\\", "")
    assert "193,000" in text.replace("\\", "") and "60 million" in text
    assert "193,000 ตารางไมล์" in text.replace("\\", "")


def test_interwar_key_date_reaches_1923_and_shows_rapallo():
    at = app()
    pills = next(g for g in at.get("button_group") if g.label == "Key dates")
    pills.select("1923-01-01").run()
    assert not at.exception
    assert at.session_state["date"] == dt.date(1923, 1, 1) and at.slider[0].value == 1923
    text = "\n".join(e.value for ex in at.expander if ex.label == t("events_title", "en", year=1923) for e in ex.markdown)
    assert "Rapallo" in text  # the earliest map lists what came before it
    # choosing Rapallo (1922) goes to the atlas's first day
    at.selectbox(key="w_event").set_value("rapallo-1922").run()
    assert at.session_state["date"] == dt.date(1923, 1, 1)


def test_interwar_deep_link():
    at = app(date="1929-06-01", layers="territories,bases")
    assert not at.exception and not at.warning
    assert at.session_state["date"] == dt.date(1929, 6, 1) and at.slider[0].value == 1929
