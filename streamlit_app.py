"""The atlas page: a map of Europe and the Soviet Union on any day of 1939–1945.

`make run` starts it. The page keeps one canonical state (date, layers, language, zoom, centre) in
st.session_state and in the URL (?date=&layers=&lang=&zoom=&lat=&lon=). The map is sent once per
session and language; a slider step sends only a small feature group with the new date (see
layers/elements.py, State), so the map keeps its zoom and centre and does not flicker.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import threading

import streamlit as st
from streamlit_folium import st_folium

from geo import cooperation
from geo.atlas import AtlasError
from layers import make_base_map, state_group
from layers.i18n import LANGS, MONTHS, format_date, t
from layers.source import change_log, get_source
from layers.view import (
    FIRST_DAY,
    KEY_DATES,
    LAST_DAY,
    LAT_RANGE,
    LAYERS,
    LON_RANGE,
    MAX_ZOOM,
    MIN_ZOOM,
    View,
    clamp,
    parse_params,
    share_snippets,
    to_params,
)

MAP_HEIGHT = 640
# The map switches as soon as the Year or Month slider moves (Streamlit gives a widget with a key
# the class st-key-<key>); the server's answer then only confirms it. See layers/elements.Runtime.
FOLLOW = {
    "year": ".st-key-w_year input[type=range]",
    "month": ".st-key-w_month input[type=range]",
    "monthBase": 0,
    "first": FIRST_DAY.isoformat(),
    "last": LAST_DAY.isoformat(),
}
LANG_NAMES = {"en": "English", "de": "Deutsch", "th": "ไทย"}

st.set_page_config(page_title="Atlas 1939–1945", page_icon=None, layout="wide", initial_sidebar_state="expanded")
ss = st.session_state


def md(text: object) -> str:
    """Text made safe for st.markdown: every character Markdown or HTML would interpret is escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~&$])", r"\\\1", str(text))


# --- state -----------------------------------------------------------------------------------


def _sync_widgets(source: str | None = None) -> None:
    # Only the *other* date widgets are moved, and only when they differ: a widget value set from
    # the script is pushed to the browser, and pushing the slider the user is pressing would make
    # it jump back to an older position when keys come faster than the server answers.
    d = ss.date
    for key, value in (("w_year", d.year), ("w_month", d.month), ("w_jump", d)):
        if key != source and ss.get(key) != value:
            ss[key] = value


def set_date(day: dt.date, source: str | None = None) -> None:
    """Make the day the page's date (clamped to 1923–1945) and move the date widgets to it."""
    ss.date = clamp(day)
    _sync_widgets(source)


def _on_year() -> None:
    d = ss.date
    set_date(d.replace(year=ss.w_year, day=min(d.day, calendar.monthrange(ss.w_year, d.month)[1])), "w_year")


def _on_month() -> None:
    d = ss.date
    set_date(d.replace(month=ss.w_month, day=min(d.day, calendar.monthrange(d.year, ss.w_month)[1])), "w_month")


def _on_jump() -> None:
    if isinstance(ss.w_jump, dt.date):
        set_date(ss.w_jump, "w_jump")


def _on_layers() -> None:
    chosen = ss.get("w_layers") or []
    ss.layers = [x for x in LAYERS if x in chosen]


def _on_lang() -> None:
    # A new language rebuilds the map: keep the view where the user left it.
    ss.lang = ss.w_lang
    ss.anchor = (ss.center, ss.zoom)


def _step_change(direction: int) -> None:
    days = [d for d in get_source().boundaries if FIRST_DAY <= d <= LAST_DAY]
    if direction > 0:
        later = [d for d in days if d > ss.date]
        if later:
            set_date(later[0])
    else:
        start, _ = get_source().step_bounds(ss.date)
        earlier = [d for d in days if d < start]
        if earlier:
            set_date(earlier[-1])
        elif start >= FIRST_DAY:
            set_date(FIRST_DAY)


def init_state() -> None:
    """On a session's first run: the view from the URL (bad values fall back, with warnings)."""
    if "date" in ss:
        return
    view = parse_params(st.query_params)
    ss.date = view.date
    ss.layers = list(view.layers)
    ss.lang = ss.w_lang = view.lang
    ss.zoom, ss.center = view.zoom, view.center
    ss.anchor = (view.center, view.zoom)  # where the map was built; moving it does not rebuild it
    ss.warnings = list(view.warnings)
    ss.w_layers = list(view.layers)
    _sync_widgets()


def read_map_view(value: dict | None) -> None:
    """Take zoom and centre from what the map reported (after the user moved it)."""
    if not isinstance(value, dict) or "center" not in value:
        return  # streamlit-folium's placeholder before the browser has reported anything
    zoom, center = value.get("zoom"), value.get("center")
    if isinstance(zoom, (int, float)) and MIN_ZOOM <= zoom <= MAX_ZOOM:
        ss.zoom = int(zoom)
    if isinstance(center, dict) and isinstance(center.get("lat"), (int, float)) and isinstance(center.get("lng"), (int, float)):
        lat = min(max(float(center["lat"]), LAT_RANGE[0]), LAT_RANGE[1])
        lon = min(max(float(center["lng"]), LON_RANGE[0]), LON_RANGE[1])
        ss.center = (round(lat, 2), round(lon, 2))


def write_url() -> None:
    """Keep the URL in step with the state (only when it differs, to send nothing needless)."""
    params = to_params(View(ss.date, tuple(ss.layers), ss.lang, ss.zoom, ss.center))
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


@st.cache_resource(show_spinner=False)
def _warm_change_log(_src, key: str) -> threading.Thread:
    # The change log of a new build is computed once in the background, so that the first
    # visitor's slider steps do not wait for it (each year is also computed on demand).
    thread = threading.Thread(target=change_log(_src).warm, daemon=True, name=f"change-log-{key}")
    thread.start()
    return thread


# --- page ------------------------------------------------------------------------------------

CSS = """
<style>
  .block-container { padding-top: 2.2rem; padding-bottom: 1rem; }
  h1 { font-size: 1.6rem !important; padding: 0 0 .3rem 0 !important; }
</style>
"""


def _on_key_date() -> None:
    choice = ss.get("w_key")
    if choice:
        set_date(dt.date.fromisoformat(choice))
    ss.w_key = None  # a key date is an action, not a lasting selection


def _on_event() -> None:
    # Like a key date: choosing an event moves the page to its date, then the choice is cleared.
    choice = ss.get("w_event")
    if choice:
        day = dict((e["id"], e["date"]) for e in year_events(None)).get(choice)
        if day:
            set_date(dt.date.fromisoformat(day))
    ss.w_event = None


@st.cache_data(show_spinner=False)
def year_events(year: int | None) -> list[dict]:
    """The diplomacy events (geo.cooperation.events) of a year, or all of them, by date."""
    return cooperation.events(year)


def events_panel(lang: str) -> None:
    """The chosen year's events as a dated list; choosing one moves the map to its date."""
    year = ss.date.year
    rows = year_events(year)
    if year == FIRST_DAY.year:
        rows = [e for e in year_events(None) if e["date"][:4] < str(year)] + rows  # what came before the atlas
    with st.expander(t("events_title", lang, year=year), expanded=False):
        if not rows:
            st.markdown(md(t("events_none", lang, year=year)))
            return
        labels = {e["id"]: f"{e['date']} · {e['name']}" for e in rows}
        st.markdown("\n".join(f"- *{md(e['date'])}* {md(e['name'])}" + (f" ({md(e['place'])})" if e.get("place") else "") for e in rows))
        st.selectbox(t("events_pick", lang), list(labels), index=None, key="w_event", format_func=labels.get, on_change=_on_event)


@st.cache_data(show_spinner=False)
def _soviet_totals() -> dict | None:
    try:
        return cooperation.soviet_totals()
    except (OSError, KeyError, ValueError):
        return None


def totals_panel(lang: str) -> None:
    """Soviet gains in Europe: our polygons' total against seed 001's 193,000 sq mi and 60 million."""
    tot = _soviet_totals()
    if not tot:
        return
    with st.expander(t("totals_title", lang), expanded=False):
        st.markdown(
            "\n".join(
                [
                    "- "
                    + md(
                        t("totals_ours", lang, km2=f"{tot['area_km2']:,}", sqmi=f"{tot['area_sq_mi']:,}", people=f"{tot['population']:,}")
                    ),
                    "- "
                    + md(
                        t(
                            "totals_seed",
                            lang,
                            sqmi=f"{tot['seed_001_sq_mi']:,}",
                            km2=f"{tot['seed_001_km2']:,}",
                            people=round(tot["seed_001_population"] / 1e6),
                        )
                    ),
                    "- " + md(t("totals_territories", lang, n=len(tot["territories"]))),
                ]
            )
        )
        st.markdown(f"> {md(tot['seed_001_quote'])}")
        st.caption(md(tot["note"]))


def sidebar(lang: str) -> None:
    """What changes the whole page: layers and language (a full rerun is fine for these)."""
    with st.sidebar:
        st.pills(
            t("layers", lang),
            LAYERS,
            selection_mode="multi",
            key="w_layers",
            format_func=lambda x: t(f"layer_{x}", lang),
            on_change=_on_layers,
        )
        st.selectbox(t("language", lang), LANGS, key="w_lang", format_func=lambda x: LANG_NAMES[x], on_change=_on_lang)


def controls(lang: str) -> None:
    """The date controls: Year slider, month, jump-to-date, previous/next change, key dates."""
    c1, c2, c3, c4 = st.columns([4, 4, 2, 1.4], vertical_alignment="bottom")
    c1.slider(t("year", lang), FIRST_DAY.year, LAST_DAY.year, key="w_year", on_change=_on_year)
    c2.select_slider(
        t("month", lang),
        options=list(range(1, 13)),
        key="w_month",
        format_func=lambda m: MONTHS.get(lang, MONTHS["en"])[m - 1],
        on_change=_on_month,
    )
    c3.date_input(t("jump", lang), min_value=FIRST_DAY, max_value=LAST_DAY, key="w_jump", on_change=_on_jump, format="YYYY-MM-DD")
    b1, b2 = c4.columns(2)
    b1.button("◀", key="prev_change", help=t("prev_change", lang), on_click=_step_change, args=(-1,), use_container_width=True)
    b2.button("▶", key="next_change", help=t("next_change", lang), on_click=_step_change, args=(1,), use_container_width=True)
    st.pills(
        t("key_dates", lang),
        [d.isoformat() for d, _ in KEY_DATES],
        key="w_key",
        format_func=dict((d.isoformat(), label) for d, label in KEY_DATES).get,
        on_change=_on_key_date,
    )


def polity(src, pid: str, lang: str) -> str:
    """A polity's display name."""
    return src.polity_name(pid, lang)


def change_lines(src, rows: list[dict], lang: str) -> list[str]:
    """One Markdown line per change group: area, from → to (with status), the territories."""
    out = []
    for r in rows:
        to_status = ", ".join(t(f"status_{s}", lang) for s in r["to_status"])
        names = ", ".join(r["territories"][:4]) + (" …" if len(r["territories"]) > 4 else "")
        out.append(
            f"- {md(format(r['area_km2'], ','))} km²: {md(polity(src, r['from'], lang))} → **{md(polity(src, r['to'], lang))}** "
            f"({md(to_status)}): {md(names)}"
        )
    return out


def what_changed(src, lang: str) -> None:
    """The side panel: this step's span, the change from the previous map, the year's changes.

    Few elements on purpose: each element costs the browser work on every step.
    """
    day = ss.date
    start, end = src.step_bounds(day)
    last = end - dt.timedelta(days=1)
    log = change_log(src)
    parts = [
        f"#### {md(t('what_changed', lang))}",
        f"*{md(t('map_step', lang, start=format_date(start, lang), end=format_date(last, lang)))}*",
    ]
    prev = src.previous_step(day)
    if prev is not None and start >= FIRST_DAY:
        parts.append(f"**{md(t('since_previous', lang, date=format_date(prev, lang)))}**")
        rows = log.at(start) if start <= LAST_DAY else src.changes(prev, start)
        parts.append("\n".join(change_lines(src, rows, lang)) or md(t("no_changes", lang)))
    parts.append(f"**{md(t('changes_in_year', lang, year=day.year))}**")
    for entry in log.year(day.year):
        marker = " ◀" if entry["date"] == start else ""
        parts.append(f"*{md(format_date(entry['date'], lang))}*{marker}\n" + "\n".join(change_lines(src, entry["changes"], lang)))
    with st.container(height=MAP_HEIGHT, border=False):
        st.markdown("\n\n".join(parts))


@st.fragment
def atlas_view(src, lang: str) -> None:
    """The map and everything a date step changes. A fragment: a step reruns only this part, and
    the map comes first in it, so the browser gets the new date before anything else."""
    col_map, col_side = st.columns([3, 1], gap="medium")
    with col_map:
        center, zoom = ss.anchor
        value = st_folium(
            make_base_map(lang, center, zoom, source=src, follow=FOLLOW),
            key="atlas_map",
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=["zoom", "center"],
            feature_group_to_add=state_group(ss.date, ss.layers, lang),
        )
        read_map_view(value)
    with col_side:
        what_changed(src, lang)
    controls(lang)
    events_panel(lang)
    share_panel(lang)
    write_url()


def share_panel(lang: str) -> None:
    """A link to the current view and an iframe snippet for lessons (shown as code, never as HTML)."""
    base = getattr(getattr(st, "context", None), "url", None) or "http://localhost:8501/"
    link, iframe = share_snippets(View(ss.date, tuple(ss.layers), ss.lang, ss.zoom, ss.center), base)
    with st.expander(t("share_title", lang), expanded=False):
        st.caption(t("share_link", lang))
        st.code(link, language=None)
        st.caption(t("share_iframe", lang))
        st.code(iframe, language="html")


def main() -> None:
    """Draw the page."""
    init_state()
    lang = ss.lang
    st.html(CSS)
    st.title(t("app_title", lang))
    for key in ss.warnings:
        # The text is ours (a catalogue entry and a validated date); nothing from the URL is echoed.
        st.warning(md(t(key, lang, first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat(), date=ss.date.isoformat())), icon="⚠️")
    try:
        src = get_source()
    except AtlasError:
        st.error(t("no_build", lang))
        st.stop()
    _warm_change_log(src, src.hash)
    atlas_view(src, lang)
    totals_panel(lang)
    sidebar(lang)


main()
