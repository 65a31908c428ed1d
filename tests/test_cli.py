"""The command line: JSON on stdout, one-line messages and exit 2 on bad input, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_locate_prints_one_json_object():
    r = run("locate", "52.230", "21.012", "1940-06-01")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["controller"] == "germany"
    for key in ("status", "territory_id", "name", "valid_from", "valid_to", "sources"):
        assert key in out


def test_locate_at_sea_is_null_controller():
    r = run("locate", "40.0", "-30.0", "1940-06-01")  # the mid-Atlantic
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["controller"] is None


@pytest.mark.parametrize(
    "args",
    [
        ("locate", "52.2", "21.0", "1939-02-30"),  # no such day
        ("locate", "52.2", "21.0", "1950-01-01"),  # after the atlas
        ("locate", "52.2", "21.0", "1922-12-31"),  # before the atlas
        ("locate", "52.2", "21.0", "June 1940"),  # not ISO
        ("locate", "abc", "21.0", "1940-06-01"),
        ("locate", "95", "21.0", "1940-06-01"),
        ("locate", "52.2", "-181", "1940-06-01"),
        ("locate", "52.2", "nan", "1940-06-01"),
        ("locate", "52.2"),  # missing arguments
        ("changes", "1939-08-31", "1946-02-01"),
        ("changes", "yesterday", "1940-01-01"),
        ("frobnicate",),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args):
    r = run(*args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr


def test_changes_reports_the_partition_with_areas():
    r = run("changes", "1939-08-31", "1939-12-01")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["changes"]
    pairs = {(c["from"], c["to"]): c["area_km2"] for c in rows}
    # Poland's partition: roughly 200,000 km² to the USSR, 190,000 km² to Germany.
    assert 150_000 < pairs[("poland", "ussr")] < 250_000, pairs
    assert 150_000 < pairs[("poland", "germany")] < 240_000, pairs
    assert all(c["area_km2"] > 0 for c in rows)


def test_validate_exits_1_on_broken_data(mini):
    (mini / "territories" / "t.yaml").write_text("territories: [oops\n")
    r = run("validate", "--data-dir", str(mini))
    assert r.returncode == 1
    assert "t.yaml" in r.stdout and "not valid YAML" in r.stdout
