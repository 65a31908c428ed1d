"""`python -m layers picture`: a PNG of the map of one day for slides, drawn with geopandas and
matplotlib (no browser): the same colours as the map (layers/palette.py via the polity registry),
hatching for the statuses (as the map's patterns: annexed and occupied diagonal, protectorate
dots, client horizontal, leased and condominium crossed; occupied land is striped in the colour of
the state it was taken from), land, lakes and rivers from Natural Earth, a legend and the date as
title. Web Mercator, like the map in the browser.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from shapely.geometry import box  # noqa: E402

from geo.topojson import read_topojson  # noqa: E402

from .i18n import format_date, t  # noqa: E402
from .source import BASE_SIMPLIFY, LAND_FILE, WATER_FILE, Source, get_source  # noqa: E402

MERCATOR = "EPSG:3857"
EXTENT = (-12.0, 33.0, 62.0, 71.0)  # lon/lat: Europe from the Atlantic to the Urals (the app's first view)
SEA, LAND, WATER = "#d6e4ee", "#f2efe6", "#aac8dc"
HATCH = {"annexed": "///", "occupied": "\\\\\\\\", "protectorate": "..", "client": "---", "leased": "++", "condominium": "xx"}
STATUSES = ("sovereign", "annexed", "occupied", "protectorate", "client", "leased", "condominium")
FONTS = ["DejaVu Sans", "Garuda", "Loma", "Waree", "Noto Sans Thai"]  # matplotlib falls back along the list (Thai)


def _fonts() -> list[str]:
    """The families of FONTS that are installed (matplotlib warns for every missing one)."""
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in FONTS if f in have] or ["sans-serif"]


def _text(key: str, lang: str, default: str) -> str:
    try:
        return t(key, lang)
    except KeyError:
        return default


def _base(clip) -> tuple[gpd.GeoSeries, gpd.GeoSeries, gpd.GeoSeries]:
    land = shapely.union_all([g for _, _, g in read_topojson(LAND_FILE, "land")])
    lakes = shapely.union_all([g for _, _, g in read_topojson(WATER_FILE, "lakes")])
    rivers = shapely.GeometryCollection([g for _, _, g in read_topojson(WATER_FILE, "rivers")])
    out = []
    for g in (land, lakes, rivers):
        g = shapely.simplify(shapely.intersection(g, clip), BASE_SIMPLIFY / 2, preserve_topology=True)
        out.append(gpd.GeoSeries([g], crs="EPSG:4326").to_crs(MERCATOR))
    return out[0], out[1], out[2]


def render(day: dt.date, lang: str = "en", *, source: Source | None = None, size: tuple[float, float] = (12, 9), dpi: int = 100):
    """The matplotlib figure of the map of the day (the caller saves or closes it)."""
    src = source or get_source()
    plt.rcParams["font.family"] = _fonts()
    lon0, lat0, lon1, lat1 = EXTENT
    clip = box(lon0 - 40, lat0 - 15, lon1 + 40, lat1 + 13)  # wider than the view, which widens to the picture's shape
    snap = src.atlas.snapshot(day)
    frame = gpd.GeoDataFrame(
        {
            "controller": snap["controller"].values,
            "status": snap["status"].fillna("sovereign").values,
            "sovereign": snap["sovereign"].values,
        },
        geometry=shapely.intersection(snap.geometry.values, clip),
        crs=snap.crs or "EPSG:4326",
    )
    frame = frame[~frame.geometry.is_empty].to_crs(MERCATOR)
    colour = {pid: p["colour"] for pid, p in src.polities.items()}
    frame["colour"] = [colour.get(c, "#cccccc") for c in frame["controller"]]

    fig, ax = plt.subplots(figsize=size, dpi=dpi, facecolor="#ffffff")
    fig.subplots_adjust(0, 0, 1, 0.94)
    land, lakes, rivers = _base(clip)
    land.plot(ax=ax, color=LAND, linewidth=0)
    frame.plot(ax=ax, color=frame["colour"], linewidth=0)
    plt.rcParams["hatch.linewidth"] = 1.2
    for status, hatch in HATCH.items():
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        if status == "occupied":
            # striped in the colour of the state the land was taken from (white if unknown)
            hatch_colour = [colour.get(s, "#ffffff") if isinstance(s, str) else "#ffffff" for s in part["sovereign"]]
        else:
            hatch_colour = ["#ffffff"] * len(part)
        part.plot(ax=ax, facecolor="none", edgecolor=hatch_colour, hatch=hatch, linewidth=0)
    frame.boundary.plot(ax=ax, color="#333333", linewidth=0.35)
    lakes.plot(ax=ax, color=WATER, linewidth=0)
    rivers.plot(ax=ax, color=WATER, linewidth=0.5)

    (x0, y0), (x1, y1) = gpd.GeoSeries.from_xy([lon0, lon1], [lat0, lat1], crs="EPSG:4326").to_crs(MERCATOR).get_coordinates().values
    # Widen the view to the picture's shape (no margins), keeping the vertical extent.
    box_aspect = size[0] / (size[1] * 0.94)
    cx, half = (x0 + x1) / 2, (y1 - y0) * box_aspect / 2
    x0, x1 = cx - half, cx + half
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(SEA)  # the sea (set_axis_off would hide it)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.suptitle(format_date(day, lang), fontsize=18, fontweight="bold", y=0.985)

    # Legend: who governed the land in view (largest area first), then the statuses present.
    view = box(x0, y0, x1, y1)
    inview = frame.assign(area=frame.geometry.intersection(view).area)
    areas = inview.groupby("controller")["area"].sum().sort_values(ascending=False)
    handles = [
        Patch(facecolor=colour.get(c, "#cccccc"), edgecolor="#333333", label=src.polity_name(c, lang))
        for c in areas.index[:14]
        if areas[c] > 0
    ]
    present = set(inview.loc[inview["area"] > 0, "status"])
    handles.append(Patch(facecolor="none", edgecolor="none", label=_text("legend_status", lang, "Status")))
    for s in STATUSES:
        if s in present or s == "sovereign":
            handles.append(Patch(facecolor="#9a9a9a", edgecolor="#ffffff", hatch=HATCH.get(s), label=_text(f"status_{s}", lang, s)))
    legend = ax.legend(
        handles=handles, loc="lower right", title=_text("legend_who", lang, "Who governed"), fontsize=9, title_fontsize=10, framealpha=0.92
    )
    for patch in legend.get_patches():
        if patch.get_hatch():
            patch.set_edgecolor("#ffffff")
    ax.text(0.005, 0.005, "Land, lakes, rivers: Natural Earth", transform=ax.transAxes, fontsize=7, color="#555555")
    return fig


def picture(out: Path | str, day: dt.date, lang: str = "en", *, source: Source | None = None) -> Path:
    """Write the PNG of the map of the day and return its path."""
    out = Path(out)
    fig = render(day, lang, source=source)
    try:
        fig.savefig(out, format="png")
    finally:
        plt.close(fig)
    return out
