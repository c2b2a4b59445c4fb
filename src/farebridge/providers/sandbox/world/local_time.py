"""Local time without datetimes, for the search's hot path.

Days are proleptic ordinals (``date.toordinal()``), instants are minutes since
the Unix epoch (UTC), as in ``Flight.departure_minute``. On a day when a zone
keeps one UTC offset (all but a couple of days a year), a local minute ``m``
of day ``d`` is the instant ``(d - EPOCH_ORDINAL) * 1440 + m - offset``; on the
day a zone changes its clocks, conversions go through ``datetime`` exactly as
``schedule.materialise`` does, so both agree to the minute. Results are cached
per zone and day (a few hundred zones, a few hundred days: small).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from farebridge.providers.sandbox.world.schedule import zone

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MINUTES_PER_DAY = 1440
_DAY_ENDS = (time(0, 0), time(23, 59))
_NOON = time(12, 0)
_SAMPLE_YEARS = range(2000, 2041)


def weekday_of(day: int) -> int:
    """``date.fromordinal(day).weekday()``."""
    return (day + 6) % 7


def _minutes(offset: timedelta | None) -> int:
    return int(offset.total_seconds()) // 60 if offset else 0


class ZoneClock:
    """UTC offsets of one time zone, in minutes, per local and per UTC day."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.zone = zone(name)
        self._bands: dict[int, tuple[int, int]] = {}
        self._utc_days: dict[int, int | None] = {}
        samples = [
            _minutes(datetime(year, month, 15, 12, tzinfo=self.zone).utcoffset())
            for year in _SAMPLE_YEARS
            for month in (1, 4, 7, 10)
        ]
        self.lowest = min(samples) - 60  # a margin for offsets the samples missed
        self.highest = max(samples) + 60

    def band(self, day: int) -> tuple[int, int]:
        """The smallest and largest UTC offset during local day ``day``."""
        band = self._bands.get(day)
        if band is None:
            self._fill_year(date.fromordinal(day).year)
            band = self._bands[day]
        return band

    def _fill_year(self, year: int) -> None:
        """Every day's band in ``year``: a day whose noon offset is also the previous and
        the next day's keeps it all day (clocks change at most once in 24 hours)."""
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        noon = self._noon_offsets(first - 1, last + 1)
        for day in range(first, last + 1):
            if noon[day - 1] == noon[day] == noon[day + 1]:
                self._bands[day] = (noon[day], noon[day])
            else:
                self._bands[day] = self._changing_band(day)

    def _noon_offsets(self, first: int, last: int) -> dict[int, int]:
        """The offset at local noon of each day: sampled weekly, and day by day only in
        the weeks whose ends differ (clocks never change twice in a week)."""
        samples = [*range(first, last, 7), last]
        noon = {day: self._noon_offset(day) for day in samples}
        for start, end in itertools.pairwise(samples):
            for day in range(start + 1, end):
                same = noon[start] == noon[end]
                noon[day] = noon[start] if same else self._noon_offset(day)
        return noon

    def _noon_offset(self, day: int) -> int:
        return _minutes(datetime.combine(date.fromordinal(day), _NOON, self.zone).utcoffset())

    def _changing_band(self, day: int) -> tuple[int, int]:
        local = date.fromordinal(day)
        offsets = [
            _minutes(datetime.combine(local, moment.replace(fold=fold), self.zone).utcoffset())
            for moment in _DAY_ENDS
            for fold in (0, 1)
        ]
        return min(offsets), max(offsets)

    def departure(self, day: int, minute: int) -> int:
        """The instant of local ``minute`` on ``day`` (as ``materialise`` computes it)."""
        low, high = self.band(day)
        if low == high:
            return (day - EPOCH_ORDINAL) * MINUTES_PER_DAY + minute - low
        local = datetime.combine(
            date.fromordinal(day), time(minute // 60, minute % 60), tzinfo=self.zone
        )
        return int(local.astimezone(UTC).timestamp()) // 60

    def local_minute(self, instant: int) -> int:
        """The local minute of the day at ``instant``."""
        utc_day = instant // MINUTES_PER_DAY
        if utc_day in self._utc_days:
            offset = self._utc_days[utc_day]
        else:
            offset = self._utc_days[utc_day] = self._day_offset(utc_day)
        if offset is None:
            moment = datetime.fromtimestamp(instant * 60, UTC).astimezone(self.zone)
            offset = _minutes(moment.utcoffset())
        return (instant + offset) % MINUTES_PER_DAY

    def _day_offset(self, utc_day: int) -> int | None:
        """The offset throughout UTC day ``utc_day``, or None when it changes that day."""
        start = datetime.fromtimestamp(utc_day * MINUTES_PER_DAY * 60, UTC)
        first = _minutes(start.astimezone(self.zone).utcoffset())
        last = _minutes((start + timedelta(minutes=1439)).astimezone(self.zone).utcoffset())
        return first if first == last else None


@cache
def zone_clock(name: str) -> ZoneClock:
    return ZoneClock(name)
