"""The page logic (streamlit_app.py) with Streamlit's AppTest, on the mini atlas: slider → date → map,
key dates, layer toggles, and query parameters good and bad."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import using_mini_build
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
APP = str(ROOT / "streamlit_app.py")


@pytest.fixture(scope="module", autouse=True)
def mini_atlas(tmp_path_factory):
    """Point the layers and the app at a build of the mini data set."""
    with using_mini_build(tmp_path_factory) as out:
        yield out


def app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def map_state(at: AppTest) -> dict:
    """The state the page sent to the map (in the feature group of streamlit-folium's component)."""
    comps = at.get("component_instance")
    assert len(comps) == 1
    fg = json.loads(comps[0].proto.json_args)["feature_group"]
    return json.loads(fg.split("var state = ", 1)[1].split(";\n", 1)[0])


def map_script(at: AppTest) -> str:
    return json.loads(at.get("component_instance")[0].proto.json_args)["script"]


def year(at: AppTest):
    return at.slider[0]  # labelled "Year" (or "Jahr", "ปี")


def test_default_page():
    at = app()
    assert not at.exception
    assert at.title[0].value == "Europe and the Soviet Union, 1939–1945"
    assert year(at).value == 1939 and (year(at).min, year(at).max) == (1923, 1945)  # 1923: the interwar sites (issue 4)
    assert at.session_state["date"] == dt.date(1939, 9, 1)
    assert map_state(at) == {
        "date": "1939-09-01",
        "layers": ["territories", "status", "changes", "rivers", "lakes"],
        "lang": "en",
        "title": "1 September 1939",
    }
    assert not at.warning
    assert at.query_params["date"] == "1939-09-01"
    assert any(m.value.startswith("#### What changed") for m in at.markdown)


def test_year_slider_moves_the_date_and_the_map_but_not_the_base_map():
    at = app(date="1939-10-06")
    script = map_script(at)
    year(at).set_value(1941).run()
    assert at.session_state["date"] == dt.date(1941, 10, 6)
    assert map_state(at)["date"] == "1941-10-06" and map_state(at)["title"] == "6 October 1941"
    assert at.query_params["date"] == "1941-10-06"
    # The map itself (and so its zoom and centre in the browser) is untouched by a step.
    assert map_script(at) == script


def test_month_slider_and_leap_day():
    at = app(date="1940-02-29")
    assert at.session_state["date"] == dt.date(1940, 2, 29)
    year(at).set_value(1941).run()
    assert at.session_state["date"] == dt.date(1941, 2, 28)
    month = next(s for s in at.select_slider if s.label == "Month")
    month.set_value(6).run()
    assert at.session_state["date"] == dt.date(1941, 6, 28)


def test_jump_to_date():
    at = app()
    at.date_input[0].set_value(dt.date(1944, 8, 23)).run()
    assert at.session_state["date"] == dt.date(1944, 8, 23)
    assert year(at).value == 1944


def pills(at: AppTest, label: str):
    return next(g for g in at.get("button_group") if g.label == label)


def test_key_dates():
    at = app()
    pills(at, "Key dates").select("1941-06-22").run()
    assert at.session_state["date"] == dt.date(1941, 6, 22)
    assert map_state(at)["title"] == "22 June 1941"
    assert at.session_state["w_key"] is None  # an action, not a lasting selection
    pills(at, "Key dates").select("1942-11-18").run()
    assert at.session_state["date"] == dt.date(1942, 11, 18)


def test_next_and_previous_change():
    at = app(date="1939-09-01")
    at.button(key="next_change").click().run()
    assert at.session_state["date"] == dt.date(1939, 9, 8)  # the mini atlas's overlay begins
    at.button(key="prev_change").click().run()
    assert at.session_state["date"] < dt.date(1939, 9, 8)


def test_layer_toggles():
    at = app()
    pills(at, "Layers").unselect("rivers").run()
    assert "rivers" not in map_state(at)["layers"]
    assert at.query_params["layers"] == "territories,status,changes,lakes"


def test_good_deep_link():
    at = app(date="1941-06-22", layers="territories,rivers", lang="de", zoom="6", lat="50.5", lon="30.25")
    assert not at.warning and not at.exception
    assert map_state(at) == {"date": "1941-06-22", "layers": ["territories", "rivers"], "lang": "de", "title": "22. Juni 1941"}
    assert year(at).value == 1941 and year(at).label == "Jahr"
    assert "center: [50.5, 30.25]" in map_script(at) and '"zoom": 6' in map_script(at)


@pytest.mark.parametrize(
    "params, n",
    [
        ({"date": "1941-13-45"}, 1),
        ({"date": "yesterday", "lang": "xx"}, 2),
        ({"layers": "territories,<script>alert(1)</script>"}, 1),
        ({"date": "<img src=x onerror=alert(1)>", "zoom": "99", "lat": "[x](http://example.com)"}, 2),
    ],
)
def test_bad_deep_links_fall_back_with_visible_warnings(params, n):
    at = app(**params)
    assert not at.exception
    assert len(at.warning) == n
    text = " ".join(w.value for w in at.warning)
    for raw in params.values():
        assert raw not in text  # nothing from the URL is echoed
    assert "<" not in text and "http" not in text
    state = map_state(at)
    assert state["lang"] in ("en",) and state["date"] in ("1939-09-01",)


def test_map_view_reported_by_the_browser_goes_into_the_url():
    at = app()
    at.session_state["zoom"] = 6
    at.session_state["center"] = (48.0, 31.0)
    at.run()
    assert at.query_params["zoom"] == "6" and at.query_params["lat"] == "48.00" and at.query_params["lon"] == "31.00"


def test_what_changed_panel_lists_the_year():
    at = app(date="1939-10-01")
    text = "\n".join(m.value for m in at.markdown)
    assert "Changes in 1939" in text
    assert "17 September 1939" in text and "Soviet Union" in text


def test_language_switch_keeps_the_view():
    at = app(zoom="6", lat="50.00", lon="30.00")
    at.session_state["zoom"] = 7
    at.session_state["center"] = (45.0, 20.0)
    at.sidebar.selectbox[0].set_value("th").run()
    assert map_state(at)["lang"] == "th" and map_state(at)["title"] == "1 กันยายน ค.ศ. 1939"
    assert "center: [45.0, 20.0]" in map_script(at) and '"zoom": 7' in map_script(at)


def test_share_panel_gives_link_and_iframe():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["date"] = "1940-08-03"
    at.run()
    codes = [c.value for c in at.code]
    assert any("date=1940-08-03" in c and c.startswith("http") for c in codes), codes
    assert any(c.startswith("<iframe") and "embed=true" in c for c in codes), codes
