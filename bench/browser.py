"""Driving the atlas page in headless Chromium (Playwright): shared by tests/browser and the benchmark.

The map lives in streamlit-folium's iframe (same origin), whose container carries
data-atlas-date, data-atlas-rendered and data-atlas-rendered-at (see static/atlas/atlas.js).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import urlparse

from playwright.sync_api import Frame, Page

from .app_server import CHROMIUM, CHROMIUM_ARGS

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def launch(playwright):
    """Debian's Chromium, headless (never a browser downloaded by Playwright)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (and for data:, blob:, about: URLs)."""
    p = urlparse(url)
    if p.scheme in ("data", "blob", "about", "chrome-extension"):
        return True
    return (p.hostname or "") in LOCAL_HOSTS


@dataclass
class Traffic:
    """What the page sent and received, from Chromium's DevTools protocol (all frames)."""

    outside: list[str] = field(default_factory=list)  # every request to a host that is not this machine
    http_bytes: int = 0
    ws_received: int = 0
    ws_sent: int = 0

    def attach(self, page: Page) -> Traffic:
        """Start recording the page's traffic."""
        page.on("request", lambda r: None if is_local(r.url) else self.outside.append(r.url))
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._http)
        cdp.on("Network.webSocketFrameReceived", self._recv)
        cdp.on("Network.webSocketFrameSent", self._sent)
        self.cdp = cdp
        return self

    @staticmethod
    def _size(frame: dict) -> int:
        resp = frame.get("response", {})
        data = resp.get("payloadData", "")
        return len(base64.b64decode(data)) if resp.get("opcode") == 2 else len(data.encode())

    def _http(self, ev: dict) -> None:
        self.http_bytes += int(ev.get("encodedDataLength", 0))

    def _recv(self, ev: dict) -> None:
        self.ws_received += self._size(ev)

    def _sent(self, ev: dict) -> None:
        self.ws_sent += self._size(ev)

    @property
    def received(self) -> int:
        """Bytes that reached the browser (HTTP bodies and headers, websocket payloads)."""
        return self.http_bytes + self.ws_received


def map_frame(page: Page, timeout: float = 30.0) -> Frame:
    """The iframe that holds the atlas map, once its map exists."""
    page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", timeout=timeout * 1000)
    deadline = timeout * 1000
    waited = 0
    while waited < deadline:
        for f in page.frames:
            if "streamlit_folium" in f.url:
                try:
                    if f.evaluate("() => !!document.querySelector('.atlas-map')"):
                        return f
                except Exception:  # the frame is navigating; try again
                    pass
        page.wait_for_timeout(50)
        waited += 50
    raise TimeoutError("the map did not appear")


def wait_rendered(frame: Frame, date: str, after: float = 0.0, timeout: float = 30.0) -> float:
    """Wait until the map has drawn `date` (later than the epoch-ms `after`); the epoch ms it did."""
    frame.wait_for_function(
        "([d, t]) => { const m = document.querySelector('.atlas-map');"
        " return m && m.dataset.atlasRendered === d && Number(m.dataset.atlasRenderedAt) > t; }",
        arg=[date, after],
        timeout=timeout * 1000,
        polling="raf",
    )
    return float(frame.evaluate("() => Number(document.querySelector('.atlas-map').dataset.atlasRenderedAt)"))


def now_ms(page: Page) -> float:
    """The page's clock in epoch milliseconds (comparable with the map frame's)."""
    return float(page.evaluate("() => performance.timeOrigin + performance.now()"))


def year_slider(page: Page, label: str = "Year", within: str = ""):
    """The thumb of the Year slider (a range input labelled "Year" in Streamlit 1.67)."""
    return page.locator(f"{within}input[type='range'][aria-label='{label}']").first


def map_title(frame: Frame) -> str:
    """The text of the map's own title control."""
    return frame.evaluate("() => document.querySelector('.atlas-title').textContent")


def territory_count(frame: Frame) -> int:
    """How many territory paths are on the map."""
    return int(frame.evaluate("() => document.querySelectorAll('.leaflet-atlasTerritories-pane path').length"))


def territory_signature(frame: Frame) -> str:
    """A fingerprint of the drawn territories (their fills and outlines), to see that they changed."""
    return frame.evaluate(
        "() => Array.from(document.querySelectorAll('.leaflet-atlasTerritories-pane path'))"
        ".map(p => (p.getAttribute('fill') || '') + (p.getAttribute('d') || '').length).sort().join('|')"
    )
