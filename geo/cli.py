"""Command line: `python -m geo build | validate | locate | changes | gain`.

Output is JSON on stdout. Bad input (a malformed or out-of-range date or coordinate) gets a
one-line message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .dates import DateError, parse_date


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def _fail(msg: str, code: int = 2) -> int:
    print(msg.replace("\n", " "), file=sys.stderr)
    return code


def cmd_build(args) -> int:
    from .build import build

    problems = build(Path(args.data_dir)) if args.data_dir else build()
    for p in problems:
        print(p, file=sys.stderr)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        print(f"build failed: {len(errors)} error(s); nothing written", file=sys.stderr)
        return 1
    print("built data/build/ (territories.geojson, units.geojson, manifest.json)", file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    from .validate import validate

    problems = validate(Path(args.data_dir)) if args.data_dir else validate()
    for p in problems:
        print(p)
    errors = [p for p in problems if p.level == "error"]
    warnings = len(problems) - len(errors)
    print(f"{len(errors)} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def _coord(text: str, name: str, lo: float, hi: float) -> float:
    try:
        v = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {text!r}") from None
    if not lo <= v <= hi:
        raise ValueError(f"{name} {v} is outside {lo:g}..{hi:g}")
    return v


def cmd_locate(args) -> int:
    from .atlas import AtlasError, locate

    try:
        lat = _coord(args.lat, "latitude", -90, 90)
        lon = _coord(args.lon, "longitude", -180, 180)
        day = parse_date(args.date)
    except (ValueError, DateError) as e:
        return _fail(f"locate: {e}")
    try:
        hit = locate(lat, lon, day)
    except AtlasError as e:
        return _fail(f"locate: {e}", 1)
    _json(
        hit
        if hit is not None
        else {"controller": None, "lat": lat, "lon": lon, "date": day.isoformat(), "note": "at sea or outside the covered land"}
    )
    return 0


def cmd_changes(args) -> int:
    from .atlas import AtlasError, changes

    try:
        a, b = parse_date(args.date_from), parse_date(args.date_to)
    except DateError as e:
        return _fail(f"changes: {e}")
    try:
        rows = changes(a, b)
    except AtlasError as e:
        return _fail(f"changes: {e}", 1)
    _json({"from": a.isoformat(), "to": b.isoformat(), "changes": rows})
    return 0


def cmd_gain(args) -> int:
    from .figures import soviet_gain

    try:
        a, b = parse_date(args.date_from), parse_date(args.date_to)
    except DateError as e:
        return _fail(f"gain: {e}")
    _json(soviet_gain(a, b))
    return 0


def cmd_bases(args) -> int:
    from . import cooperation

    day = None
    if args.date:
        try:
            day = parse_date(args.date)
        except DateError as e:
            return _fail(f"bases: {e}")
    _json(cooperation.bases(day))
    return 0


def cmd_events(args) -> int:
    from . import cooperation

    year = None
    if args.year is not None:
        try:
            year = int(args.year)
        except ValueError:
            return _fail(f"events: the year must be a number, not {args.year!r}")
        if not 1922 <= year <= 1945:
            return _fail(f"events: {year} is outside 1922..1945")
    _json(cooperation.events(year))
    return 0


def cmd_annexations(args) -> int:
    from . import cooperation

    try:
        rows = cooperation.soviet_totals() if args.totals else cooperation.annexations()
    except OSError as e:
        return _fail(f"annexations: cannot read the built units ({e}); run `python -m geo build`", 1)
    _json(rows)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m geo`."""
    p = _Parser(prog="python -m geo", description="The temporal atlas of Europe and the USSR, 1923–1945.")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    for name, func, text in (
        ("build", cmd_build, "rebuild data/build/ from the source files"),
        ("validate", cmd_validate, "check schema, dates, sources and topology; exit 1 on errors"),
    ):
        s = sub.add_parser(name, help=text)
        s.add_argument("--data-dir", help="a data directory other than the project's data/")
        s.set_defaults(func=func)
    s = sub.add_parser("locate", help="who controlled LAT LON on YYYY-MM-DD")
    s.add_argument("lat")
    s.add_argument("lon")
    s.add_argument("date")
    s.set_defaults(func=cmd_locate)
    s = sub.add_parser("changes", help="land whose controller differs between two dates")
    s.add_argument("date_from", metavar="FROM")
    s.add_argument("date_to", metavar="TO")
    s.set_defaults(func=cmd_changes)
    s = sub.add_parser("gain", help="the Soviet Union's net territorial gain in Europe between two dates")
    s.add_argument("date_from", metavar="FROM", nargs="?", default="1939-08-31")
    s.add_argument("date_to", metavar="TO", nargs="?", default="1945-10-01")
    s.set_defaults(func=cmd_gain)
    s = sub.add_parser("bases", help="the secret Soviet–German military sites (active on --date)")
    s.add_argument("--date")
    s.set_defaults(func=cmd_bases)
    s = sub.add_parser("events", help="the diplomacy events (of --year)")
    s.add_argument("--year")
    s.set_defaults(func=cmd_events)
    s = sub.add_parser("annexations", help="every annexation with its area from our polygons")
    s.add_argument("--totals", action="store_true", help="the Soviet gains in Europe against seed 001's figures")
    s.set_defaults(func=cmd_annexations)
    args = p.parse_args(argv)
    return args.func(args)
