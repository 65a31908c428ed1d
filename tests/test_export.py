"""The lesson exports of issue 5 on the mini atlas: the single-file offline HTML page (layers/export.py)
and the PNG picture of a day (layers/picture.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from conftest import using_mini_build

from layers.export import EXPORT_QUANTUM, export, export_html, pack, requantise, restrict, steps_in
from layers.source import display_data, get_source

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FIRST, LAST = dt.date(1939, 1, 1), dt.date(1945, 12, 31)
LICENCE_COMMENT = re.compile(r"/\*\s*@preserve.*?\*/", re.S)  # Leaflet's licence header
SVG_NS = "http://www.w3.org/2000/svg"  # an XML namespace name, never fetched


@pytest.fixture(scope="module", autouse=True)
def mini_atlas(tmp_path_factory):
    """Point the layers and the app at a build of the mini data set."""
    with using_mini_build(tmp_path_factory):
        yield get_source()


@pytest.fixture(scope="module")
def page_html(mini_atlas) -> str:
    return export_html(FIRST, LAST, ["territories", "status", "changes", "rivers", "lakes"], "en")


def _embedded_data(page: str) -> dict:
    at = page.find("atlasExportUnpack({")
    assert at > 0, "the runtime's data is not in the page"
    data, _ = json.JSONDecoder().raw_decode(page, at + len("atlasExportUnpack("))
    return data


# --- single-file export ------------------------------------------------------------------------


def test_export_names_no_outside_host_and_loads_nothing(page_html):
    assert not re.search(r"<script[^>]*\bsrc\s*=", page_html, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=", page_html, re.I)
    styles = "".join(re.findall(r"<style>(.*?)</style>", page_html, re.S))
    assert "leaflet-container" in styles and not re.search(r"url\(\s*['\"]?(?!data:|#)", styles), "a style sheet refers to a file"
    text = LICENCE_COMMENT.sub("", page_html).replace(SVG_NS, "")
    assert not re.search(r"https?://", text), re.search(r".{60}https?://.{60}", text)
    assert "arcgisonline" not in page_html  # the online relief tiles are left out
    assert "L.atlas.runtime(" in page_html and "leaflet-container" in page_html  # Leaflet and atlas.js inlined


def test_export_has_slider_title_legend_and_the_chosen_layers(page_html, mini_atlas):
    dates = steps_in([d.isoformat() for d in mini_atlas.boundaries], FIRST, LAST)
    assert dates[0] == "1939-01-01" and len(dates) > 2
    assert re.search(rf'<input id="atlas-export-slider" type="range" min="0" max="{len(dates) - 1}"', page_html)
    assert json.dumps(dates) in page_html
    assert "L.atlas.title(" in page_html and "L.atlas.legend(" in page_html
    state = json.loads(re.search(r"var state = (\{.*?\});", page_html).group(1))
    assert state == {
        "date": "1939-01-01",
        "layers": ["territories", "status", "changes", "rivers", "lakes"],
        "lang": "en",
        "title": "1 January 1939",
    }


def test_export_carries_popups_sources(page_html):
    data = _embedded_data(page_html)
    assert len(data["details"]["index"]) == len(data["features"])
    cited = {s for d in data["details"]["table"] for s in d.get("src", [])}
    assert cited and cited <= set(data["details"]["sources"])


def test_restrict_keeps_only_the_range(mini_atlas):
    full = display_data(mini_atlas)
    b = full["boundaries"]
    first, last = dt.date(1939, 9, 8), dt.date(1939, 9, 20)
    part = restrict(full, first, last)
    lo, hi = b.index("1939-09-08"), b.index("1939-09-17")
    assert 0 < len(part["features"]) < len(full["features"])
    assert all(f["f"] <= hi and f["t"] > lo for f in part["features"])
    assert len(part["details"]["features"]) == len(part["features"])
    assert sorted({f["g"] for f in part["features"]}) == list(range(len(part["geoms"])))
    assert set(part["units"]) == {f["u"] for f in part["features"]}
    assert {f["c"] for f in part["features"]} <= set(part["polities"])

    # The same feature keeps its geometry through the renumbering.
    def key(f):
        return json.dumps({k: v for k, v in f.items() if k != "g"}, sort_keys=True)

    whole: dict[str, set] = {}
    for f in full["features"]:
        whole.setdefault(key(f), set()).add(json.dumps(full["geoms"][f["g"]]))
    for f in part["features"]:
        assert json.dumps(part["geoms"][f["g"]]) in whole[key(f)]


def test_requantise_moves_no_vertex_more_than_half_a_step(mini_atlas):
    full = display_data(mini_atlas)
    coarse = requantise(full, EXPORT_QUANTUM)
    assert coarse["q"] == pytest.approx(EXPORT_QUANTUM)
    a = np.cumsum(np.asarray(full["geoms"][0][0][0]).reshape(-1, 2), axis=0) * full["q"]
    c = np.cumsum(np.asarray(coarse["geoms"][0][0][0]).reshape(-1, 2), axis=0) * coarse["q"]
    # every coarse vertex is a rounded original vertex
    dist = np.min(np.linalg.norm(c[:, None, :] - a[None, :, :], axis=2), axis=1)
    assert dist.max() <= EXPORT_QUANTUM * 0.71


def test_pack_round_trips(mini_atlas):
    data = display_data(mini_atlas)
    packed = pack(data)
    assert len(packed["details"]["table"]) <= len(data["details"]["features"])
    assert [packed["details"]["table"][i] for i in packed["details"]["index"]] == data["details"]["features"]


def test_export_rejects_bad_requests(mini_atlas):
    with pytest.raises(ValueError):
        export_html(FIRST, LAST, ["territories"], "fr")
    with pytest.raises(ValueError):
        export_html(LAST, FIRST)
    with pytest.raises(ValueError):
        export_html(FIRST, LAST, ["nonsense"])


def test_cli_export_and_picture(tmp_path):
    env = dict(os.environ)
    out = tmp_path / "lesson.html"
    r = subprocess.run([sys.executable, "-m", "layers", "export", "--out", str(out), "--from", "1939-09-01", "--to", "1940-12-31", "--lang", "de",
                        "--layers", "territories", "status"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "1. September 1939" in page and '"lang": "de"' in page
    png = tmp_path / "map.png"
    r = subprocess.run(
        [sys.executable, "-m", "layers", "picture", "--out", str(png), "--date", "1939-09-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = subprocess.run(
        [sys.executable, "-m", "layers", "export", "--out", str(out), "--date", "1939-09-01", "--from", "1939-01-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2


# --- the PNG picture ------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


@pytest.mark.parametrize("day", [dt.date(1939, 1, 1), dt.date(1940, 6, 1)])
def test_picture_shows_the_controllers_colours(tmp_path, mini_atlas, day):
    import geopandas as gpd
    import matplotlib.pyplot as plt
    from PIL import Image

    from layers.picture import MERCATOR, render

    fig = render(day, "en")
    ax = fig.axes[0]
    out = tmp_path / "map.png"
    fig.savefig(out, format="png")
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    height = img.shape[0]
    snap = mini_atlas.atlas.snapshot(day)
    areas = snap.to_crs("EPSG:8857").area
    checked = 0
    for idx in areas.sort_values(ascending=False).index[:3]:
        row = snap.loc[idx]
        point = gpd.GeoSeries([row.geometry.representative_point()], crs=snap.crs).to_crs(MERCATOR).iloc[0]
        x, y = ax.transData.transform((point.x, point.y))
        px, py = int(round(x)), int(round(height - y))
        window = img[py - 6 : py + 7, px - 6 : px + 7].reshape(-1, 3)
        want = _rgb(mini_atlas.polities[row.controller]["colour"])
        assert np.abs(window - want).sum(axis=1).min() <= 6, (row.territory_id, row.controller, want, window[:5])
        checked += 1
    plt.close(fig)
    assert checked >= 2
    assert Image.open(out).size == (1200, 900)


# --- the export in Chromium -----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing: browser test skipped")
def test_export_works_from_file_url_with_every_request_blocked(tmp_path, mini_atlas):
    path = export(tmp_path / "lesson.html", FIRST, LAST, ["territories", "status", "changes"], "en").resolve()
    # Playwright's sync API refuses to run where an earlier test (Streamlit's AppTest) left an
    # asyncio loop on the main thread, so the browser is driven from a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_drive_export_in_chromium, path).result()


def _drive_export_in_chromium(path) -> None:
    from playwright.sync_api import sync_playwright

    url = path.as_uri()
    blocked: list[str] = []

    def route(r):
        if r.request.url == url:
            return r.continue_()  # the file itself
        blocked.append(r.request.url)
        return r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1200, "height": 800})
            ctx.route("**/*", route)
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector(".atlas-map[data-atlas-rendered='1939-01-01']", timeout=30000)
            assert page.inner_text(".atlas-title") == "1 January 1939"
            assert page.locator(".atlas-legend-row[data-controller]").count() >= 1
            drawn = page.locator("path.leaflet-interactive").count()
            assert drawn >= 2
            slider = page.locator("#atlas-export-slider")
            last = int(slider.get_attribute("max"))
            slider.fill(str(last))
            dates = json.loads(re.search(r"var dates = (\[.*?\])", path.read_text(encoding="utf-8")).group(1))
            page.wait_for_selector(f".atlas-map[data-atlas-rendered='{dates[-1]}']", timeout=10000)
            title = page.inner_text(".atlas-title")
            assert title != "1 January 1939" and title.endswith(dates[-1][:4]), title
            # keyboard: one step back
            slider.focus()
            page.keyboard.press("ArrowLeft")
            page.wait_for_selector(f".atlas-map[data-atlas-rendered='{dates[-2]}']", timeout=10000)
            # a popup with its sources
            page.locator("path.leaflet-interactive").first.click(force=True)
            page.wait_for_selector(".atlas-popup", timeout=5000)
            assert page.inner_text(".atlas-popup").strip()
            assert not errors, errors
            assert not blocked, blocked
        finally:
            browser.close()
