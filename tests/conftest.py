"""Shared fixtures: the mini data set (for engine rules) and the probe lists."""

from __future__ import annotations

import contextlib
import csv
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
MINI = HERE / "fixtures" / "mini"


def read_probes(name: str) -> list[dict]:
    """Rows of a probe CSV in tests/ (place, lat, lon, date, controller, note)."""
    with open(HERE / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the mini data set."""
    dst = tmp_path / "data"
    shutil.copytree(MINI, dst)
    return dst


@contextlib.contextmanager
def using_mini_build(tmp_path_factory):
    """Build the mini data set and point the layers and the app at it (ATLAS_BUILD, ATLAS_DATA)."""
    from geo.build import build

    out = tmp_path_factory.mktemp("minibuild")
    problems = build(MINI, out)
    assert not [p for p in problems if p.level == "error"], problems
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATLAS_BUILD", str(out))
        mp.setenv("ATLAS_DATA", str(MINI))
        yield out
