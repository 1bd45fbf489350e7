"""Deadline normaliser: a deadline phrase plus the document's year → kind, end date, milestones.

(Interim implementation; the grammar-driven normaliser replaces it.)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date


@dataclass
class MilestoneResult:
    period: str | None
    end: str | None
    text: str | None


@dataclass
class DeadlineResult:
    text: str | None
    kind: str
    end: str | None
    milestones: list[MilestoneResult] = field(default_factory=list)
    rule: str | None = None
    unparsed: bool = False


_YM = re.compile(r"(?:(\d{4})年)?(\d{1,2})月底")


def normalise(text: str, year: int | None = None, ref: date | None = None) -> DeadlineResult:
    """Normalise one deadline phrase; never raises."""
    if year is None and ref is not None:
        year = ref.year
    if "持续" in text or "常态化" in text:
        return DeadlineResult(text=text, kind="ongoing", end=None)
    m = _YM.search(text)
    if m:
        y = int(m.group(1)) if m.group(1) else year
        mo = int(m.group(2))
        end = date(y, mo, calendar.monthrange(y, mo)[1]).isoformat() if y and 1 <= mo <= 12 else None
        return DeadlineResult(text=text, kind="by_date", end=end)
    return DeadlineResult(text=text, kind="none", end=None, unparsed=True)


def find_in_text(text: str, year: int | None = None, ref: date | None = None) -> DeadlineResult | None:
    """A deadline stated inside a task body (dated targets), or None."""
    m = _YM.search(text)
    if not m:
        return None
    return normalise(m.group(0) + "前", year, ref)
