"""The running app in headless Chromium: the map renders, the Year slider moves it from the keyboard,
zoom survives a step, deep links work, and nothing is requested from outside this machine."""

from __future__ import annotations

import os

import pytest

from bench.app_server import CHROMIUM, ROOT, AppServer
from bench.browser import Traffic, map_frame, map_title, territory_count, territory_signature, wait_rendered, year_slider
from geo.build import build

MINI = ROOT / "tests" / "fixtures" / "mini"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium): browser tests skipped"),
]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> str:
    """The running app (on the mini atlas); stopped at the end of the session."""
    out = tmp_path_factory.mktemp("minibuild")
    assert not [p for p in build(MINI, out) if p.level == "error"]
    server = AppServer(out, MINI).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium."""
    from playwright.sync_api import sync_playwright

    from bench.browser import launch

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page (own context: no cache, no cookies) at 1400×900."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    p = ctx.new_page()
    yield p
    ctx.close()


def open_map(page, url: str, date: str):
    traffic = Traffic().attach(page)
    page.goto(url)
    frame = map_frame(page, timeout=60)
    wait_rendered(frame, date, timeout=60)
    return frame, traffic


def test_map_renders_with_title_legend_and_territories(page, app_url):
    frame, traffic = open_map(page, f"{app_url}/?date=1941-06-22", "1941-06-22")
    assert map_title(frame) == "22 June 1941"
    assert territory_count(frame) >= 3
    legend = frame.evaluate("() => document.querySelector('.atlas-legend').textContent")
    assert "Soviet Union" in legend and "Status" in legend and "annexed" in legend
    assert frame.evaluate("() => document.querySelectorAll('.leaflet-tile').length") == 0  # no tiles by default
    assert traffic.outside == []


def test_keyboard_year_slider_redraws_title_and_territories_and_keeps_zoom(page, app_url):
    frame, traffic = open_map(page, f"{app_url}/?date=1939-06-01", "1939-06-01")
    before = territory_signature(frame)
    # Zoom in (as a user would, with the map's + button) and let the map report its view.
    frame.click(".leaflet-control-zoom-in")
    frame.wait_for_function("() => L.atlas.current.map.getZoom() === 5")
    page.wait_for_function("() => location.search.includes('zoom=5')", timeout=60_000)  # the map told the page
    centre = frame.evaluate("() => L.atlas.current.map.getCenter()")
    year_slider(page).focus()
    page.keyboard.press("ArrowRight")
    wait_rendered(frame, "1940-06-01")
    assert map_title(frame) == "1 June 1940"
    assert territory_signature(frame) != before  # eastern Poland went to the Soviet Union in 1939
    assert frame.evaluate("() => L.atlas.current.map.getZoom()") == 5
    after = frame.evaluate("() => L.atlas.current.map.getCenter()")
    assert abs(after["lat"] - centre["lat"]) < 1e-6 and abs(after["lng"] - centre["lng"]) < 1e-6
    page.keyboard.press("ArrowRight")
    wait_rendered(frame, "1941-06-01")
    assert map_title(frame) == "1 June 1941"
    # The URL follows (once the server has answered).
    page.wait_for_function("() => location.search.includes('date=1941-06-01') && location.search.includes('zoom=5')", timeout=60_000)
    assert traffic.outside == []


def test_fast_key_presses_never_step_back_in_time(page, app_url):
    frame, _ = open_map(page, f"{app_url}/?date=1939-06-01", "1939-06-01")
    frame.evaluate(
        """() => { window.__titles = []; const t = document.querySelector('.atlas-title');
                   new MutationObserver(() => window.__titles.push(t.textContent)).observe(t, {childList: true, characterData: true, subtree: true}); }"""
    )
    year_slider(page).focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(60)
    wait_rendered(frame, "1943-06-01")
    page.wait_for_timeout(2500)  # every answer of the server has come back by now
    years = [int(x.split()[-1]) for x in frame.evaluate("() => window.__titles")]
    assert years == sorted(years) and years[-1] == 1943, years
    assert map_title(frame) == "1 June 1943"


def test_month_slider_and_key_date_move_the_map(page, app_url):
    frame, traffic = open_map(page, f"{app_url}/?date=1940-03-31", "1940-03-31")
    year_slider(page, "Month").focus()
    page.keyboard.press("ArrowRight")  # April has 30 days: 31 March → 30 April
    wait_rendered(frame, "1940-04-30")
    assert map_title(frame) == "30 April 1940"
    page.get_by_text("Barbarossa · 22 Jun 1941", exact=True).click()
    wait_rendered(frame, "1941-06-22")
    assert map_title(frame) == "22 June 1941"
    assert traffic.outside == []


def test_popup_shows_names_controller_status_since_and_sources(page, app_url):
    frame, _ = open_map(page, f"{app_url}/?date=1940-09-01&zoom=5&lat=54&lon=24", "1940-09-01")
    # The popup of every territory on the map (as a click would open it).
    text = frame.evaluate(
        """() => Object.values(L.atlas.current.layers.territories.shown)
                 .map(p => { p.openPopup(); const t = p.getPopup().getElement().textContent; p.closePopup(); return t; })
                 .join('\\n')"""
    )
    assert "Lithuania" in text and "Governed by: Soviet Union" in text and "Status: annexed" in text
    assert "Since: 1940-08-03" in text and "A test work" in text


def test_bad_deep_link_warns_and_renders_nothing_from_the_url(page, app_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    frame, traffic = open_map(
        page,
        f"{app_url}/?date=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&layers=territories,%3Cscript%3Ealert(2)%3C/script%3E&lang=xx",
        "1939-09-01",
    )
    warnings = page.locator("[data-testid='stAlertContentWarning']")
    assert warnings.count() == 3
    assert "<img" not in page.content().split("<body", 1)[1].replace("&lt;img", "")
    assert dialogs == [] and traffic.outside == []
    assert map_title(frame) == "1 September 1939"


def test_screenshot(page, app_url, tmp_path):
    """A picture of the page for a person to look at (bench/results/screenshot.png)."""
    frame, _ = open_map(page, f"{app_url}/?date=1940-09-01", "1940-09-01")
    page.wait_for_timeout(300)
    out = ROOT / "bench" / "results" / "screenshot-mini.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=False)
    assert out.stat().st_size > 10_000
