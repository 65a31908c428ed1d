"""Decoding Natural Earth's TopoJSON (data/base/countries-50m.json)."""

from __future__ import annotations

from shapely.geometry import Point

from geo.shapes import base_countries


def test_russia_ring_across_the_antimeridian_is_cut_not_wrapped():
    # Natural Earth's mainland Russia ring jumps from +180 to -180 at Chukotka; read naively it
    # swallows Finnish Lapland and drops Russian Karelia.
    c = base_countries()
    rus, fin = c["RUS"], c["FIN"]
    assert rus.is_valid and fin.is_valid
    assert not rus.contains(Point(25.0, 66.0)) and fin.contains(Point(25.0, 66.0))  # Lapland
    assert rus.contains(Point(31.0, 66.5))  # Russian Karelia (Kestenga)
    assert rus.contains(Point(177.0, 65.0)) and rus.contains(Point(-175.0, 66.0))  # Chukotka, both sides


def test_countries_do_not_overlap_in_europe():
    c = base_countries()
    for a, b in (("POL", "DEU"), ("FIN", "RUS"), ("UKR", "RUS"), ("ROU", "MDA")):
        assert c[a].intersection(c[b]).area < 1e-6, (a, b)
