"""Parsing and checking dates: every date the atlas accepts lies in 1923-01-01 .. 1945-12-31."""

from __future__ import annotations

import datetime as dt

from .model import ATLAS_END, ATLAS_START, LAST_DAY


class DateError(ValueError):
    """A date that is malformed or outside the atlas's range."""


def parse_date(value: object, *, allow_end: bool = False) -> dt.date:
    """Parse an ISO date (str or date) and check it lies in the atlas range.

    With ``allow_end`` the exclusive end 1946-01-01 is accepted too (for period ends).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DateError(f"not a date in the form YYYY-MM-DD: {value!r}") from None
        if len(value.strip()) != 10:
            raise DateError(f"not a date in the form YYYY-MM-DD: {value!r}")
    else:
        raise DateError(f"not a date: {value!r}")
    last = ATLAS_END if allow_end else LAST_DAY
    if not ATLAS_START <= day <= last:
        raise DateError(f"{day.isoformat()} is outside the atlas, which covers {ATLAS_START.isoformat()} to {LAST_DAY.isoformat()}")
    return day
