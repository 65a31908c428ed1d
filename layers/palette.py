"""Colours of the polities: a scheme that neighbours can tell apart with colour-vision deficiencies.

Fifty polities cannot all get colours that everyone can tell apart, but a map only needs
*neighbours* to differ. So the principal powers get fixed, conventional colours taken from the
Okabe–Ito and Paul Tol palettes (which were designed for colour-blind readers), and every other
polity gets the candidate colour that is farthest — under normal vision and simulated protanopia,
deuteranopia and tritanopia (Machado et al. 2009, severity 1) — from the colours of its historical
neighbours (NEIGHBOURS), preferring colours no one else uses. Status is never shown by colour alone
(hatching and dashed outlines carry it, see layers/elements.py), so the colours carry only "who".

`check(colours, pairs)` reports the worst pair; tests/test_layers.py holds the scheme to it.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np

# Conventional colours for the principal powers (Okabe–Ito and Tol palettes).
PINNED: dict[str, str] = {
    "ussr": "#D55E00",  # vermillion (the conventional red, safe against green)
    "germany": "#5A5A5A",  # dark grey (the conventional field grey)
    "italy": "#009E73",  # bluish green
    "japan": "#F0E442",  # yellow
    "united-kingdom": "#0072B2",  # blue
    "france": "#56B4E9",  # sky blue
    "usa": "#332288",  # indigo
    "poland": "#CC79A7",  # reddish purple
    "finland": "#99DDFF",  # light cyan
    "romania": "#E69F00",  # orange
}

# Candidates for everyone else: Paul Tol's muted, light and pale schemes, a few mid tones.
CANDIDATES = [
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499",
    "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#44BB99", "#AAAA00", "#BBCCEE", "#CCEEFF", "#CCDDAA",
    "#EEEEBB", "#FFCCCC", "#DDDDDD", "#A6761D", "#E7D4E8", "#C2A5CF", "#9970AB", "#D9F0D3", "#ACD39E",
    "#5AAE61", "#FDB366", "#F67E4B", "#FEDA8B", "#C6DBED", "#98CAE1", "#6EA6CD", "#B8B8B8", "#8C6BB1",
]  # fmt: skip

# Polities that shared a land border (or a front line) at some time in 1923–1945.
NEIGHBOURS: dict[str, list[str]] = {
    "ussr": ["poland", "finland", "estonia", "latvia", "lithuania", "romania", "germany", "hungary", "slovakia", "turkey",
             "japan", "manchukuo", "mongolia", "tuva", "china", "norway", "czechoslovakia", "usa", "united-kingdom", "austria"],
    "germany": ["poland", "lithuania", "czechoslovakia", "slovakia", "hungary", "austria", "switzerland", "france",
                "vichy-france", "luxembourg", "belgium", "netherlands", "denmark", "italy", "yugoslavia", "croatia",
                "danzig", "liechtenstein", "saar", "usa", "united-kingdom", "norway", "sweden", "finland", "bulgaria", "greece"],
    "poland": ["lithuania", "latvia", "romania", "czechoslovakia", "slovakia", "hungary", "danzig"],
    "romania": ["hungary", "bulgaria", "yugoslavia", "czechoslovakia"],
    "hungary": ["slovakia", "croatia", "yugoslavia", "austria", "czechoslovakia"],
    "bulgaria": ["greece", "turkey", "yugoslavia"],
    "yugoslavia": ["italy", "austria", "greece", "albania", "croatia", "fiume"],
    "croatia": ["italy", "albania"],
    "albania": ["greece", "italy"],
    "greece": ["turkey", "italy", "united-kingdom"],
    "italy": ["france", "vichy-france", "switzerland", "austria", "san-marino", "vatican", "fiume", "usa", "united-kingdom"],
    "france": ["spain", "andorra", "monaco", "switzerland", "belgium", "luxembourg", "vichy-france", "saar", "usa", "united-kingdom"],
    "vichy-france": ["spain", "switzerland", "monaco"],
    "spain": ["portugal", "andorra", "united-kingdom"],
    "belgium": ["netherlands", "luxembourg"],
    "norway": ["sweden", "finland"],
    "sweden": ["finland"],
    "estonia": ["latvia"],
    "latvia": ["lithuania"],
    "czechoslovakia": ["austria"],
    "slovakia": ["czechoslovakia"],
    "austria": ["switzerland", "liechtenstein", "usa", "united-kingdom"],
    "switzerland": ["liechtenstein"],
    "turkey": ["hatay", "syria-mandate"],
    "hatay": ["syria-mandate"],
    "united-kingdom": ["ireland", "usa"],
    "japan": ["manchukuo", "china"],
    "manchukuo": ["china", "mongolia"],
    "mongolia": ["china", "tuva"],
    "usa": ["france"],
}  # fmt: skip

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
CVD = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *CVD)


def _linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(lin: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(lin, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@cache
def seen(hex_colour: str, vision: str = "normal") -> tuple[float, float, float]:
    """The CIELAB colour as a reader with the given vision sees it."""
    lin = _linear(hex_colour)
    if vision != "normal":
        lin = CVD[vision] @ lin
    return tuple(_lab(lin))


def distance(a: str, b: str) -> float:
    """The smallest CIE76 ΔE between two colours over normal vision and the three dichromacies."""
    return min(float(np.linalg.norm(np.subtract(seen(a, v), seen(b, v)))) for v in VISIONS)


def neighbour_pairs() -> set[tuple[str, str]]:
    """NEIGHBOURS as a set of sorted pairs."""
    return {tuple(sorted((a, b))) for a, bs in NEIGHBOURS.items() for b in bs}  # type: ignore[misc]


def check(colours: dict[str, str], pairs) -> tuple[float, tuple[str, str] | None]:
    """The worst (smallest) distance among the pairs whose colours are both known, and that pair."""
    worst, where = float("inf"), None
    for a, b in pairs:
        if a in colours and b in colours:
            d = distance(colours[a], colours[b])
            if d < worst:
                worst, where = d, (a, b)
    return worst, where


@lru_cache(maxsize=8)
def _scheme(ids: tuple[str, ...]) -> dict[str, str]:
    pairs = neighbour_pairs()
    adj: dict[str, set[str]] = {i: set() for i in ids}
    for a, b in pairs:
        if a in adj and b in adj:
            adj[a].add(b)
            adj[b].add(a)
    out = {k: v for k, v in PINNED.items() if k in adj}
    used = set(out.values())
    # Most-constrained first; ties by id so the scheme is the same on every machine.
    for pid in sorted((i for i in ids if i not in out), key=lambda i: (-len(adj[i]), i)):
        best, best_score = None, -1.0
        for cand in CANDIDATES:
            near = [distance(cand, out[n]) for n in adj[pid] if n in out]
            score = min(near, default=100.0) - (8.0 if cand in used else 0.0)
            if score > best_score:
                best, best_score = cand, score
        out[pid] = best  # type: ignore[assignment]
        used.add(best)
    return out


def colours_for(polities: dict) -> dict[str, str]:
    """The scheme's colour for every polity id given (ids in any order)."""
    return dict(_scheme(tuple(sorted(polities))))


def scheme_report(polities: dict) -> list[tuple[str, str, float]]:
    """Each neighbour pair with its distance, worst first (for the palette notes)."""
    colours = colours_for(polities)
    rows = [(a, b, distance(colours[a], colours[b])) for a, b in neighbour_pairs() if a in colours and b in colours]
    return sorted(rows, key=lambda r: r[2])
