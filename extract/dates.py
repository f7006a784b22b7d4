"""Dates: metadata dates to ISO 8601, and date expressions in text resolved against the article's date.

Parsing is dateparser's; this module only chooses the settings (English, past dates
preferred, relative to the article) and keeps the precision the text gives:
"November 2025" stays ``2025-11``, "2024" stays ``2024``.

>>> normalize_date("2026-03-05")
'2026-03-05'
>>> resolve_date("last October", "2026-03-05")
'2025-10'
>>> resolve_date("Wednesday", "2026-03-05")
'2026-03-04'
>>> resolve_date("on Thursday", "2026-03-05")
'2026-03-05'
>>> resolve_date("Feb. 13", "2026-03-05")
'2026-02-13'
>>> resolve_date("in November 2025", None)
'2025-11'
>>> resolve_date("no date here", "2026-03-05") is None
True
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_YEAR_ONLY = re.compile(r"^(?:in\s+)?((?:19|20)\d{2})$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NOISE = re.compile(r"^(?:on|in|since|by|from|during|earlier|this|the)\s+", re.IGNORECASE)


def normalize_date(value: str) -> str | None:
    """A metadata date (ISO, RFC 2822, "March 5, 2026", ...) as ISO 8601, or None."""
    value = str(value).strip()
    match = _ISO.match(value[:10]) if len(value) >= 4 else None
    if match and (len(value) in (4, 7, 10) or value[10:11] in ("T", " ")):
        iso = value[:10] if len(value) >= 10 else value
        # "2026-02-30" in a feed is no date: it would break typed date values downstream
        return iso if _real_date(match.groups()) else None
    return resolve_date(value, None)


def _real_date(parts) -> bool:
    year, month, day = (int(p) if p else 1 for p in parts)
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return True


def resolve_date(expression: str, reference: str | None) -> str | None:
    """Resolve a date expression from text against the article date ``reference`` (ISO).

    Returns an ISO 8601 prefix as precise as the expression: ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``; None when the expression is not a date.
    """
    text = " ".join(expression.replace("\u2019", "'").split())
    while _NOISE.match(text):
        text = _NOISE.sub("", text, count=1)
    if not text or len(text) > 60:
        return None
    # "last October": dateparser reads "last" as a relative unit; the month alone, past-preferred, is it
    text = re.sub(r"^(?:last|past|this)\s+(?=(?:%s)[a-z]*\.?$)" % "|".join(_MONTHS), "", text,
                  flags=re.IGNORECASE)
    if reference and text.lower() in _WEEKDAYS:
        # news says "on Monday" on the Monday itself: a weekday is the latest one not after the article
        base = normalize_date(reference)
        if base and len(base) == 10:
            day = datetime.fromisoformat(base)
            back = (day.weekday() - _WEEKDAYS.index(text.lower())) % 7
            try:
                return (day - timedelta(days=back)).date().isoformat()
            except OverflowError:  # a reference of 0001-01-01 has no earlier weekday
                return None
    year = _YEAR_ONLY.match(text)
    if year:
        return year.group(1)
    lowered = text.lower()
    if not (any(m in lowered for m in _MONTHS) or any(d in lowered for d in _WEEKDAYS)
            or re.search(r"\d", lowered) or "yesterday" in lowered or "today" in lowered):
        return None
    return _parse(text, reference)


@lru_cache(maxsize=4096)
def _parse(text: str, reference: str | None) -> str | None:
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": False,
                "REQUIRE_PARTS": [], "PREFER_DAY_OF_MONTH": "first"}
    if reference:
        base = normalize_date(reference)
        if base and len(base) == 10:
            settings["RELATIVE_BASE"] = datetime.fromisoformat(base)
    parser = _parser()
    try:
        data = parser.get_date_data(text, date_formats=None)
    except (ValueError, OverflowError, TypeError):
        return None
    if data is None or data.date_obj is None:
        return None
    # re-parse with the settings (DateDataParser fixes settings at construction)
    found = dateparser.parse(text, languages=["en"], settings=settings)
    if found is None:
        return None
    if reference is None and not re.search(r"\b\d{4}\b", text):
        return None  # "Feb. 13" means nothing without the article's date
    period = data.period or "day"
    if period == "year":
        return f"{found.year:04d}"
    if period == "month":
        return f"{found.year:04d}-{found.month:02d}"
    return f"{found.year:04d}-{found.month:02d}-{found.day:02d}"


@lru_cache(maxsize=1)
def _parser():
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={"PREFER_DATES_FROM": "past"})
