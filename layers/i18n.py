"""The interface strings of the map and the page, in one catalogue (English, German, Thai).

One place for every string so that issue 5 can move them into gettext catalogs without hunting
through the code. `t(key, lang)` falls back to English for a missing translation.
"""

from __future__ import annotations

import datetime as dt

LANGS = ("en", "de", "th")

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    "th": ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"],
}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "app_title": "Europe and the Soviet Union, 1939–1945",
        "year": "Year",
        "month": "Month",
        "jump": "Jump to date",
        "key_dates": "Key dates",
        "layers": "Layers",
        "language": "Language",
        "prev_change": "◀ previous change",
        "next_change": "next change ▶",
        "what_changed": "What changed",
        "changes_in_year": "Changes in {year}",
        "since_previous": "Since the previous map ({date})",
        "no_changes": "No change of control.",
        "from_to": "{area} km²: {frm} → {to}",
        "map_step": "This map holds from {start} to {end}.",
        "no_build": "The atlas has not been built yet: run `python -m geo build`.",
        "warn_date": "The date in the link was not understood (YYYY-MM-DD between {first} and {last}); showing {date}.",
        "warn_layers": "Some layers in the link are unknown and were left out.",
        "warn_lang": "The language in the link is not available; showing English.",
        "warn_view": "The map position in the link was not understood; showing the default view.",
        # map
        "legend_who": "Who governed",
        "legend_status": "Status",
        "legend_changed": "changed at this step",
        "status_sovereign": "sovereign",
        "status_annexed": "annexed",
        "status_occupied": "occupied",
        "status_protectorate": "protectorate",
        "status_client": "client state",
        "status_leased": "leased",
        "status_condominium": "condominium",
        "popup_now": "Today",
        "popup_local": "Local name",
        "popup_controller": "Governed by",
        "popup_status": "Status",
        "popup_sovereign": "De jure",
        "popup_since": "Since",
        "popup_until": "Until",
        "popup_sources": "Sources",
        "popup_notes": "Notes",
        "loading": "Loading the atlas…",
        "layer_territories": "Territories",
        "layer_status": "Status (hatching)",
        "layer_changes": "Changes at this step",
        "layer_rivers": "Rivers",
        "layer_lakes": "Lakes",
        "layer_tiles": "Relief tiles (online)",
        "layer_bases": "Secret bases 1923–1933, 1939–40",
        "layer_lines": "Pact and border lines",
        "layer_diplomacy": "Diplomacy (events of the year)",
        "legend_bases": "Secret sites (strong: active)",
        "legend_lines": "Lines",
        "legend_diplomacy": "Events of the year",
        "kind_air": "air",
        "kind_armour": "armour",
        "kind_chemical": "chemical",
        "kind_industry": "industry",
        "kind_naval": "naval",
        "popup_kind": "Kind",
        "popup_active": "Active",
        "popup_inactive": "not active on this date",
        "popup_seed": "The seed says",
        "popup_who": "Who",
        "popup_place": "Place",
        "events_title": "Events of {year}",
        "events_pick": "Go to an event's date",
        "events_none": "No events in {year}.",
        "totals_title": "Soviet gains in Europe",
        "totals_ours": "Our polygons: {km2} km² ({sqmi} sq mi), {people} people",
        "totals_seed": "Seed 001: about {sqmi} sq mi ({km2} km²) and {people} million people",
        "totals_territories": "Territories counted: {n}",
        "key_interwar": "Interwar 1923–1938",
        "share_title": "Embed / share",
        "share_link": "Link to this view",
        "share_iframe": "Embed in a lesson page (iframe)",
    },
    "de": {
        "app_title": "Europa und die Sowjetunion, 1939–1945",
        "year": "Jahr",
        "month": "Monat",
        "jump": "Gehe zu Datum",
        "key_dates": "Schlüsseldaten",
        "layers": "Ebenen",
        "language": "Sprache",
        "what_changed": "Was sich änderte",
        "legend_who": "Wer herrschte",
        "legend_status": "Status",
        "legend_changed": "in diesem Schritt geändert",
        "status_sovereign": "souverän",
        "status_annexed": "annektiert",
        "status_occupied": "besetzt",
        "status_protectorate": "Protektorat",
        "status_client": "Satellitenstaat",
        "status_leased": "gepachtet",
        "status_condominium": "Kondominium",
        "popup_now": "Heute",
        "popup_local": "Örtlicher Name",
        "popup_controller": "Beherrscht von",
        "popup_status": "Status",
        "popup_sovereign": "De jure",
        "popup_since": "Seit",
        "popup_until": "Bis",
        "popup_sources": "Quellen",
        "popup_notes": "Anmerkungen",
        "loading": "Der Atlas wird geladen …",
        "share_title": "Einbetten / teilen",
        "share_link": "Link zu dieser Ansicht",
        "share_iframe": "In eine Unterrichtsseite einbetten (iframe)",
    },
    "th": {
        "app_title": "ยุโรปและสหภาพโซเวียต ค.ศ. 1939–1945",
        "year": "ปี",
        "month": "เดือน",
        "what_changed": "สิ่งที่เปลี่ยนแปลง",
        "legend_who": "ผู้ปกครอง",
        "legend_status": "สถานะ",
        "status_sovereign": "อธิปไตย",
        "status_annexed": "ผนวก",
        "status_occupied": "ยึดครอง",
        "status_protectorate": "รัฐในอารักขา",
        "status_client": "รัฐบริวาร",
        "status_leased": "เช่า",
        "status_condominium": "ปกครองร่วม",
        "popup_now": "ปัจจุบัน",
        "popup_controller": "ปกครองโดย",
        "popup_status": "สถานะ",
        "popup_since": "ตั้งแต่",
        "popup_until": "จนถึง",
        "popup_sources": "แหล่งที่มา",
        "loading": "กำลังโหลดแผนที่…",
        "share_title": "ฝัง / แบ่งปัน",
        "share_link": "ลิงก์ไปยังมุมมองนี้",
        "share_iframe": "ฝังในหน้าบทเรียน (iframe)",
    },
}

# The strings the map's own JavaScript needs (legend, popups, title).
MAP_KEYS = [k for k in STRINGS["en"] if k.startswith(("legend_", "status_", "popup_", "layer_", "kind_")) or k == "loading"]


def t(key: str, lang: str = "en", **fmt: object) -> str:
    """The string for the key in the language (English if missing), formatted with fmt."""
    text = STRINGS.get(lang, {}).get(key) or STRINGS["en"][key]
    return text.format(**fmt) if fmt else text


def format_date(day: dt.date, lang: str = "en") -> str:
    """A date as a reader of the language writes it: 22 June 1941, 22. Juni 1941, 22 มิถุนายน ค.ศ. 1941."""
    month = MONTHS.get(lang, MONTHS["en"])[day.month - 1]
    if lang == "de":
        return f"{day.day}. {month} {day.year}"
    if lang == "th":
        return f"{day.day} {month} ค.ศ. {day.year}"
    return f"{day.day} {month} {day.year}"


def map_strings(lang: str) -> dict[str, object]:
    """Everything the map's JavaScript shows, in the language."""
    out: dict[str, object] = {k: t(k, lang) for k in MAP_KEYS}
    out["months"] = MONTHS.get(lang, MONTHS["en"])
    out["lang"] = lang
    return out
