"""`python -m geo build`: rebuild data/build/ from the source files, reproducibly.

Writes
  territories.geojson  every dated feature (valid_from inclusive, valid_to exclusive)
  units.geojson        the fixed shape of each territory unit (for areas and the layers)
  manifest.json        what went in (file hashes) and what came out (counts), no timestamps
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from shapely.geometry import mapping

from .compose import Composer, compose
from .loading import DATA_DIR, Problem, load_data

BUILD_DIR = DATA_DIR / "build"
TERRITORIES_FILE = BUILD_DIR / "territories.geojson"
UNITS_FILE = BUILD_DIR / "units.geojson"
MANIFEST_FILE = BUILD_DIR / "manifest.json"


def _round(obj, nd: int = 5):
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, (list, tuple)):
        return [_round(x, nd) for x in obj]
    if isinstance(obj, dict):
        return {k: _round(v, nd) for k, v in obj.items()}
    return obj


def _dump(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")


def input_hashes(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """SHA-256 of every source file the build reads, keyed by path relative to data/."""
    out = {}
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and "build" not in path.relative_to(data_dir).parts and path.suffix in (".yaml", ".json"):
            out[str(path.relative_to(data_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def build(data_dir: Path = DATA_DIR, out_dir: Path | None = None) -> list[Problem]:
    """Compose the atlas and write data/build/. Returns the problems (errors stop the write)."""
    data, problems = load_data(data_dir)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        return problems
    composer = Composer(data)
    features, comp_problems = compose(data, composer)
    problems += comp_problems
    if any(p.level == "error" for p in comp_problems):
        return problems
    out = Path(out_dir) if out_dir else Path(data_dir) / "build"
    _dump(
        out / "territories.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "id": i, "properties": f.properties(), "geometry": _round(mapping(f.piece.geom))}
                for i, f in enumerate(features)
            ],
        },
    )
    _dump(
        out / "units.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"territory_id": uid, "name": data.units[uid].name, "file": data.units[uid].file},
                    "geometry": _round(mapping(g)),
                }
                for uid, g in sorted(composer.unit_geoms.items())
            ],
        },
    )
    _dump(
        out / "manifest.json",
        {
            "inputs": input_hashes(Path(data_dir)),
            "features": len(features),
            "units": len(composer.unit_geoms),
            "regions": len(data.regions),
            "fronts": sum(len(t.fronts) for t in data.theatres),
            "overlays": len(data.overlays),
        },
    )
    return problems
