"""`python -m layers prepare`: write the browser's display file and the change log for the current
build into static/gen/ (the app does it on first use otherwise, which makes that first page slow)."""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m layers`."""
    p = argparse.ArgumentParser(prog="python -m layers", description="The atlas map's layers.")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("prepare", help="write static/gen/atlas-<hash>.json and changes-<hash>.json for the current build")
    sub.add_parser("palette", help="print the colour scheme (id: colour) and its closest neighbour pairs")
    args = p.parse_args(argv)
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


if __name__ == "__main__":
    raise SystemExit(main())
