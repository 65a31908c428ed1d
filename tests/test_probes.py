"""Dated place facts: who controlled this place on this day.

probes_public.csv is copied unchanged from the project's shared history notes; probes_extra.csv
holds our own checks of the history beyond that list. Every row must come out right.
"""

from __future__ import annotations

import pytest
from conftest import read_probes

import geo

PUBLIC = read_probes("probes_public.csv")
EXTRA = read_probes("probes_extra.csv")


def _id(row: dict) -> str:
    return f"{row['place']}@{row['date']}"


def _check(row: dict) -> None:
    hit = geo.locate(float(row["lat"]), float(row["lon"]), row["date"])
    got = hit["controller"] if hit else None
    where = f"{hit['territory_id']} ({hit['status']}, {hit['regime']})" if hit else "sea"
    assert got == row["controller"], f"{row['place']} on {row['date']}: expected {row['controller']}, got {got} in {where}"


@pytest.mark.parametrize("row", PUBLIC, ids=_id)
def test_public_probe(row: dict) -> None:
    _check(row)


@pytest.mark.parametrize("row", EXTRA, ids=_id)
def test_extra_probe(row: dict) -> None:
    _check(row)


def test_probe_lists_are_complete() -> None:
    # The public list has 62 facts; losing rows silently would make the suite pass for nothing.
    assert len(PUBLIC) == 62
    assert len(EXTRA) >= 150
