"""`python -m layers prepare|palette|export|picture`. prepare: write the browser's display file and the change log for the current
build into static/gen/ (the app does it on first use otherwise, which makes that first page slow)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m layers`."""
    p = argparse.ArgumentParser(prog="python -m layers", description="The atlas map's layers.")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("prepare", help="write static/gen/atlas-<hash>.json and changes-<hash>.json for the current build")
    sub.add_parser("palette", help="print the colour scheme (id: colour) and its closest neighbour pairs")
    ex = sub.add_parser("export", help="write the atlas of a day or a date range as ONE self-contained HTML file (works offline)")
    ex.add_argument("--out", required=True, help="the HTML file to write")
    ex.add_argument("--date", type=_date, help="one day (YYYY-MM-DD)")
    ex.add_argument("--from", dest="first", type=_date, help="first day of the range (default 1939-01-01)")
    ex.add_argument("--to", dest="last", type=_date, help="last day of the range (default 1945-12-31)")
    ex.add_argument("--lang", default="en", choices=["en", "th", "de"])
    ex.add_argument("--layers", nargs="+", default=None, help="layer ids (default: the app's default layers)")
    pic = sub.add_parser("picture", help="write a PNG of the map of one day (matplotlib, no browser)")
    pic.add_argument("--out", required=True, help="the PNG file to write")
    pic.add_argument("--date", required=True, type=_date, help="the day (YYYY-MM-DD)")
    pic.add_argument("--lang", default="en", choices=["en", "th", "de"])
    args = p.parse_args(argv)
    if args.cmd == "export":
        return _export(args)
    if args.cmd == "picture":
        return _picture(args)
    if args.cmd == "palette":
        from .palette import colours_for, scheme_report
        from .source import _load_polities, data_dir

        polities = _load_polities(data_dir())
        for pid, colour in colours_for(polities).items():
            print(f'{pid}: "{colour}"')
        print("# closest neighbours (smallest CIE76 ΔE over normal vision, protanopia, deuteranopia, tritanopia):")
        for a, b, d in scheme_report(polities)[:8]:
            print(f"#   {a} / {b}: {d:.1f}")
        return 0
    if args.cmd == "prepare":
        from geo.atlas import AtlasError

        from .source import change_log, display_file, get_source

        t0 = time.perf_counter()
        try:
            src = get_source()
        except AtlasError as e:
            print(f"prepare: {e}", file=sys.stderr)
            return 1
        path = display_file(src)
        log = change_log(src)
        log.warm()
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and {log.path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from e


def _export(args) -> int:
    from geo.atlas import AtlasError

    from .export import export
    from .view import DEFAULT_LAYERS

    if args.date and (args.first or args.last):
        print("export: give --date or --from/--to, not both", file=sys.stderr)
        return 2
    first = args.date or args.first or dt.date(1939, 1, 1)
    last = args.date or args.last or (first if args.first and not args.last else dt.date(1945, 12, 31))
    t0 = time.perf_counter()
    try:
        path = export(args.out, first, last, args.layers or DEFAULT_LAYERS, args.lang)
    except (AtlasError, ValueError) as e:
        print(f"export: {e}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB, {first}..{last}) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


def _picture(args) -> int:
    from geo.atlas import AtlasError

    from .picture import picture

    t0 = time.perf_counter()
    try:
        path = picture(args.out, args.date, args.lang)
    except (AtlasError, ValueError) as e:
        print(f"picture: {e}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
