"""The composition rules and the validator, on a miniature data set (tests/fixtures/mini).

Poland is cut at 20°E into pol-east and pol-west (= rest(POL)); Lithuania is one unit. A German
overlay covers land west of 22°E in September 1939; the front of 1941-07-10 gives the Axis the
land west of 22°E (with a Finnish occupier zone north of 55°N), the front of 1944-01-01 only
the land west of 18°E.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.atlas import Atlas
from geo.build import build
from geo.compose import compose
from geo.dates import DateError
from geo.loading import load_data
from geo.validate import validate


def _at(features, day: str, lon: float, lat: float):
    d = dt.date.fromisoformat(day)
    pt = Point(lon, lat)
    hits = [f for f in features if f.valid_from <= d < f.valid_to and f.piece.geom.covers(pt)]
    assert len(hits) == 1, f"{len(hits)} features at {lon},{lat} on {day}"
    return hits[0].properties()


@pytest.fixture(scope="module")
def mini_features():
    from conftest import MINI

    data, problems = load_data(MINI)
    assert problems == []
    features, problems = compose(data)
    assert [p for p in problems if p.level == "error"] == []
    return features


def test_timeline_alone_before_the_war(mini_features):
    p = _at(mini_features, "1930-01-01", 21.0, 52.0)
    assert (p["controller"], p["status"], p["regime"]) == ("poland", "sovereign", "timeline")


def test_overlay_occupies_only_inside_its_polygon(mini_features):
    assert _at(mini_features, "1939-09-10", 21.0, 52.0)["controller"] == "germany"  # west of 22°E
    inside = _at(mini_features, "1939-09-10", 21.0, 52.0)
    assert (inside["status"], inside["sovereign"], inside["regime"]) == ("occupied", "poland", "overlay")
    assert _at(mini_features, "1939-09-10", 23.0, 52.0)["controller"] == "poland"  # east of it


def test_front_occupies_soviet_land_with_occupier_zones(mini_features):
    south = _at(mini_features, "1942-01-01", 21.5, 52.0)
    assert (south["controller"], south["sovereign"], south["regime"]) == ("germany", "ussr", "front-occupied")
    north = _at(mini_features, "1942-01-01", 21.3, 55.5)  # west of 22°E and north of 55°N
    assert north["controller"] == "finland"
    assert _at(mini_features, "1942-01-01", 23.0, 52.5)["controller"] == "ussr"  # behind the front


def test_front_liberates_axis_held_land_to_its_sovereign(mini_features):
    freed = _at(mini_features, "1944-06-01", 19.0, 52.0)  # east of 18°E, German by the timeline
    assert (freed["controller"], freed["status"], freed["regime"]) == ("poland", "sovereign", "front-liberated")
    assert _at(mini_features, "1944-06-01", 16.0, 52.0)["controller"] == "germany"


def test_after_the_last_front_the_timeline_speaks(mini_features):
    assert _at(mini_features, "1945-06-01", 16.0, 52.0)["controller"] == "poland"


def test_unchanged_features_are_merged_across_intervals(mini_features):
    lit = [f for f in mini_features if f.unit.id == "lit" and f.piece.controller == "lithuania"]
    assert len(lit) == 1 and (lit[0].valid_from, lit[0].valid_to) == (dt.date(1923, 1, 1), dt.date(1940, 8, 3))


def test_quotes_and_sources_travel_with_the_feature(mini_features):
    p = _at(mini_features, "1930-01-01", 24.0, 55.0)
    assert p["sources"] == ["s1"] and p["quotes"] == [{"id": "s1", "quote": "q", "note": "n"}]


def test_mini_data_validates_clean(mini: Path):
    assert [str(p) for p in validate(mini, check_build=False) if p.level == "error"] == []


def _errors(data_dir: Path) -> list[str]:
    return [str(p) for p in validate(data_dir, check_build=False) if p.level == "error"]


def test_validate_names_file_feature_and_field_for_unknown_polity(mini: Path):
    f = mini / "territories" / "t.yaml"
    f.write_text(f.read_text().replace("controller: lithuania", "controller: atlantis"))
    errs = _errors(mini)
    assert any("territories/t.yaml:lit:timeline[0].controller" in e and "atlantis" in e for e in errs), errs


def test_validate_reports_broken_yaml_without_crashing(mini: Path):
    (mini / "territories" / "broken.yaml").write_text("territories:\n  - id: x\n    shape: [unclosed\n")
    errs = _errors(mini)
    assert any("broken.yaml" in e and "not valid YAML" in e for e in errs), errs


def test_validate_finds_a_gap_in_a_timeline(mini: Path):
    f = mini / "territories" / "t.yaml"
    f.write_text(
        f.read_text().replace("{from: 1940-08-03, to: 1946-01-01, controller: ussr", "{from: 1940-09-03, to: 1946-01-01, controller: ussr")
    )
    errs = _errors(mini)
    assert any("lit:timeline" in e and "gap" in e for e in errs), errs


def test_validate_rejects_dates_outside_the_atlas(mini: Path):
    f = mini / "territories" / "t.yaml"
    f.write_text(f.read_text().replace("{from: 1923-01-01, to: 1940-08-03", "{from: 1922-01-01, to: 1940-08-03"))
    errs = _errors(mini)
    assert any("lit:timeline[0].from" in e and "outside the atlas" in e for e in errs), errs


def test_validate_requires_sources(mini: Path):
    f = mini / "territories" / "t.yaml"
    f.write_text(
        f.read_text().replace(
            "controller: germany, status: occupied, sovereign: poland, sources: [s1]",
            "controller: germany, status: occupied, sovereign: poland",
        )
    )
    errs = _errors(mini)
    assert any("pol-west:timeline[1].sources" in e for e in errs), errs


def test_validate_finds_overlapping_units(mini: Path):
    f = mini / "territories" / "t.yaml"
    extra = "\n  - id: dup\n    name: Duplicate\n    shape: LTU & north-of-55\n    timeline:\n      - {from: 1923-01-01, to: 1946-01-01, controller: lithuania, status: sovereign, sources: [s1]}\n"
    f.write_text(f.read_text() + extra)
    errs = _errors(mini)
    assert any("overlaps" in e and "km²" in e for e in errs), errs


def test_validate_finds_land_gaps(mini: Path):
    f = mini / "territories" / "t.yaml"
    text = f.read_text()
    start = text.index("  - id: pol-west")
    end = text.index("  - id: lit")
    f.write_text(text[:start] + text[end:])
    errs = _errors(mini)
    assert any("belong to no territory" in e for e in errs), errs


def test_validate_rejects_unknown_regions_and_bad_expressions(mini: Path):
    f = mini / "territories" / "t.yaml"
    f.write_text(f.read_text().replace('shape: "POL & east-half"', 'shape: "POL & nowhere-land"'))
    errs = _errors(mini)
    assert any("pol-east:shape" in e and "nowhere-land" in e for e in errs), errs


def test_build_is_reproducible_and_queryable(mini: Path, tmp_path: Path):
    out1, out2 = tmp_path / "b1", tmp_path / "b2"
    assert [p for p in build(mini, out1) if p.level == "error"] == []
    assert [p for p in build(mini, out2) if p.level == "error"] == []
    for name in ("territories.geojson", "units.geojson", "manifest.json"):
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name
    atlas = Atlas(out1 / "territories.geojson")
    snap = atlas.snapshot(dt.date(1942, 1, 1))
    assert str(snap.crs) == "EPSG:4326"
    assert set(snap["controller"]) == {"germany", "finland", "ussr"}
    assert atlas.locate(52.0, 21.5, dt.date(1942, 1, 1))["controller"] == "germany"
    assert atlas.locate(45.0, 5.0, dt.date(1942, 1, 1)) is None  # far from the covered land


def test_parse_date_rejects_out_of_range_and_malformed():
    from geo.dates import parse_date

    for bad in ("1922-12-31", "1946-01-01", "1939-13-01", "1939-9-1", "yesterday", "", None):
        with pytest.raises(DateError):
            parse_date(bad)
    assert parse_date("1946-01-01", allow_end=True) == dt.date(1946, 1, 1)
